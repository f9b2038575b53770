import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { calculatePurchase } from '../../app/purchases/evaluate.js';
import type { PurchaseBatcher } from '../../app/purchases/batcher.js';
import { createPurchase } from '../../app/purchases/create.js';
import { returnPurchase } from '../../app/purchases/returns.js';
import { cancelPurchase, confirmPurchase, getPurchase } from '../../app/purchases/two-phase.js';
import type { App } from '../app.js';
import { DateTime, IdentifierSchema, IdParams, Minor, NullableString, Obj, Points, problemResponses } from '../schemas.js';

const Line = Obj({
  sku: Type.String({ minLength: 1, maxLength: 100 }),
  name: Type.Optional(Type.String({ maxLength: 300 })),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  quantity: Type.Integer({ minimum: 1, description: 'units; weighed goods as quantity 1 at the line price' }),
  price: Type.Integer({ minimum: 0, description: 'unit price, minor units' }),
  discount: Type.Optional(Type.Integer({ minimum: 0, description: "the till's own discount on the line, minor units" })),
});

const Receipt = Obj({
  receiptId: Type.String({ minLength: 1, maxLength: 200, description: "the merchant's receipt id; unique per program" }),
  memberId: Type.Optional(Type.String({ maxLength: 100 })),
  identifier: Type.Optional(IdentifierSchema),
  storeId: Type.Optional(Type.String({ maxLength: 100 })),
  channel: Type.Optional(Type.String({ maxLength: 50, description: 'e.g. pos, online' })),
  occurredAt: Type.Optional(DateTime),
  currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
  total: Minor,
  lines: Type.Array(Line, { minItems: 1, maxItems: 1000 }),
  pointsToSpend: Type.Optional(Type.Integer({ minimum: 0 })),
  twoPhase: Type.Optional(Type.Boolean({ description: 'hold the points now; spend them on confirm' })),
  coupons: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 10, description: 'coupon codes the customer presented' })),
});

const pts = (description: string) => Type.Integer({ description: `points: ${description}` });
const money = (description: string) => Type.Integer({ minimum: 0, description: `minor units: ${description}` });

// The evaluation fields are the purchase's terms as create decided them, whatever became of it
// (docs/pos-integration.md, "What each field means"; docs/adr/0021-two-phase-outcomes.md).
const EvaluatedLine = Obj({
  index: Type.Integer({ description: 'the position of the line in the receipt, from 0 (a return names lines by it)' }),
  sku: Type.String(),
  name: NullableString,
  category: NullableString,
  quantity: Type.Integer(),
  price: money('unit price as sent'),
  amount: money("quantity × price − the till's discount"),
  pointsSpent: pts("the line's share of the purchase's pointsSpent"),
  pointsDiscount: money('the money those points cover'),
  paid: money('what the line leaves to pay in money: amount − campaignDiscount − tierDiscount − pointsDiscount'),
  pointsEarned: pts('what the line earns, basePoints + bonusPoints (what a return of it takes back)'),
  campaignDiscount: money("campaigns' money off the line"),
  tierDiscount: money("the tier's money off the line"),
  basePoints: pts("by the main scheme's rate"),
  bonusPoints: pts("from the tier's multiplier and campaigns"),
});

const Effect = Obj({
  campaignId: NullableString,
  campaignName: NullableString,
  tierId: NullableString,
  couponCode: NullableString,
  kind: Type.String({ description: 'the effect kind of the rule format, or tier_discount / tier_multiplier' }),
  block: Type.Union([Type.Literal('main'), Type.Literal('mass'), Type.Literal('targeted')]),
  lines: Type.Array(Obj({ index: Type.Integer(), discount: Minor, points: Points })),
  discount: Minor,
  points: Points,
  costMinor: Minor,
  cut: Type.Boolean({ description: 'made smaller by a per-receipt cap or the budget' }),
});
const CouponOutcome = Obj({
  code: Type.String(),
  status: Type.Union([Type.Literal('applied'), Type.Literal('not_applied'), Type.Literal('refused')]),
  reason: NullableString,
});

const Result = Obj({
  purchaseId: Type.Union([Type.String(), Type.Null()], { description: 'null from calculate' }),
  receiptId: Type.String(),
  status: Type.Union([Type.Literal('calculated'), Type.Literal('held'), Type.Literal('completed'), Type.Literal('cancelled')], {
    description: 'calculated: nothing written; held: the points are reserved until confirm, cancel or holdExpiresAt; completed: spent and earned; cancelled: nothing was spent or earned (see cancelReason)',
  }),
  memberId: NullableString,
  memberStatus: Type.Union([Type.Literal('active'), Type.Literal('blocked'), Type.Literal('anonymised'), Type.Null()]),
  currency: Type.String(),
  occurredAt: DateTime,
  total: money('the receipt total as sent'),
  paidTotal: money('what the receipt leaves to pay in money after campaign and tier discounts and points; the sum of the lines\' paid. A cancelled purchase keeps the figure it had'),
  maxPointsToSpend: pts('the most points the member could spend on this receipt when it was evaluated'),
  pointsSpent: pts('what the purchase pays with; the sum of the lines\' pointsSpent. Held while held, spent once completed, released (nothing spent) when cancelled'),
  pointsEarned: pts('what the purchase earns, basePoints + bonusPoints; the sum of the lines\' pointsEarned. Earned on confirm for a two-phase purchase; nothing is earned when cancelled'),
  earnedAvailableAt: Type.Union([DateTime, Type.Null()], { description: 'when the earned points become spendable (end of the return window); null when nothing is earned' }),
  earnedExpiresAt: Type.Union([DateTime, Type.Null()], { description: 'when they expire; null: never, or nothing is earned' }),
  discountTotal: money("campaigns' and the tier's money off, in all"),
  basePoints: pts("by the main scheme's rate"),
  bonusPoints: pts("from the tier's multiplier and campaigns"),
  lines: Type.Array(EvaluatedLine),
  effects: Type.Array(Effect),
  coupons: Type.Array(CouponOutcome),
  tier: Type.Union([Obj({ id: Type.String(), name: Type.String(), rank: Type.Integer() }), Type.Null()]),
  ruleVersion: Type.Union([Type.Integer(), Type.Null()]),
  usage: Type.Array(Obj({ campaignId: Type.String(), period: Type.String() }), { description: "uses counted towards campaigns' per-member limits (given back if the purchase is cancelled)" }),
  balanceBefore: Type.Union([Points, Type.Null()], { description: 'spendable points before the purchase was created; null without a member' }),
  balanceAfter: Type.Union([Points, Type.Null()], { description: "spendable points after the operation that gave this answer (create, confirm or cancel); null without a member" }),
  holdExpiresAt: Type.Union([DateTime, Type.Null()], { description: 'two-phase only: when the hold ends unless confirmed; kept after confirm and cancel. Null for a one-phase purchase' }),
  cancelReason: Type.Union([Type.Literal('cancel'), Type.Literal('hold_timeout'), Type.Null()], {
    description: 'why a cancelled purchase was cancelled: cancel (cancelled while held) or hold_timeout (the hold ran out first; a confirm answers HOLD_EXPIRED). Null unless cancelled',
  }),
  receiptText: Type.Array(Type.String(), { description: 'lines to print; empty for a cancelled purchase' }),
});

const ReturnBody = Obj({
  lines: Type.Array(Obj({ line: Type.Integer({ minimum: 0, description: 'index of the line in the purchase' }), quantity: Type.Integer({ minimum: 1 }) }), { minItems: 1, maxItems: 1000 }),
});
const ReturnResult = Obj({
  returnId: Type.String(),
  purchaseId: Type.String(),
  memberId: NullableString,
  lines: Type.Array(
    Obj({
      line: Type.Integer(),
      quantity: Type.Integer(),
      refund: money('money for the returned units, before withholding'),
      pointsToClawBack: pts('earned on the returned units, to be settled'),
      pointsToRestore: pts('paid for the returned units, given back'),
    }),
  ),
  refund: money('money for the returned goods, before withholding'),
  refundWithheld: money('kept from the refund to settle points the member no longer has: pointsWithheld × the point value'),
  refundDue: money('refund − refundWithheld: what the till pays out'),
  pointsRestored: pts('paid for the returned goods, given back'),
  pointsClawedBack: pts("earned on the returned goods and taken from the member's points (the purchase's own lot first). With pointsWithheld and pointsOwed it makes up the lines' pointsToClawBack, under either policy"),
  pointsWithheld: pts('earned on the returned goods, not taken from points but settled with money kept from the refund (withhold_from_refund only)'),
  pointsOwed: pts('earned on the returned goods and neither taken nor withheld: they now stand as a negative balance'),
  balanceAfter: Type.Union([Points, Type.Null()], { description: 'spendable points after the return; null without a member' }),
  createdAt: DateTime,
});

export const purchaseRoutes =
  (ctx: AppContext, batcher: PurchaseBatcher | null): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['purchases'];
    const roles: ['admin', 'pos'] = ['admin', 'pos'];
    app.post(
      '/purchases/calculate',
      { config: { roles }, schema: { tags, summary: 'Evaluate a receipt; nothing is written', body: Receipt, response: { 200: Result, ...problemResponses } } },
      async (req) => calculatePurchase(ctx, req.actor.programId, req.body),
    );
    app.post(
      '/purchases',
      {
        // Written by the group-commit batcher, outside this request's transaction: the key is
        // claimed and answered in statements of their own; the receipt id keeps it once (ADR 24).
        config: { roles, idempotency: 'claim' },
        schema: { tags, summary: 'Record a purchase: spend and earn points (idempotent on receiptId)', body: Receipt, response: { 201: Result, ...problemResponses } },
      },
      async (req, reply) =>
        reply.code(201).send(await (batcher ? batcher.submit(req.actor.programId, req.body) : createPurchase(ctx, req.actor.programId, req.body))),
    );
    app.get(
      '/purchases/:id',
      { config: { roles: ['admin', 'pos', 'readonly'] }, schema: { tags, summary: 'A recorded purchase, as last answered', params: IdParams, response: { 200: Result, ...problemResponses } } },
      async (req) => getPurchase(ctx, req.actor.programId, req.params.id),
    );
    app.post(
      '/purchases/:id/confirm',
      { config: { roles }, schema: { tags, summary: 'Confirm a two-phase purchase: the held points are spent', params: IdParams, response: { 200: Result, ...problemResponses } } },
      async (req) => confirmPurchase(ctx, req.actor.programId, req.params.id),
    );
    app.post(
      '/purchases/:id/cancel',
      { config: { roles }, schema: { tags, summary: 'Cancel a two-phase purchase: the held points are released', params: IdParams, response: { 200: Result, ...problemResponses } } },
      async (req) => cancelPurchase(ctx, req.actor.programId, req.params.id),
    );
    app.post(
      '/purchases/:id/returns',
      {
        config: { roles },
        schema: { tags, summary: 'Return some or all of a purchase', params: IdParams, body: ReturnBody, response: { 201: ReturnResult, ...problemResponses } },
      },
      async (req, reply) => reply.code(201).send(await returnPurchase(ctx, req.actor.programId, req.params.id, req.body)),
    );
  };
