import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { calculatePurchase } from '../../app/purchases/evaluate.js';
import type { PurchaseBatcher } from '../../app/purchases/batcher.js';
import { createPurchase } from '../../app/purchases/create.js';
import { returnPurchase } from '../../app/purchases/returns.js';
import { cancelPurchase, confirmPurchase, getPurchase } from '../../app/purchases/two-phase.js';
import type { App } from '../app.js';
import { DateTime, IdempotencyHeaders, IdentifierSchema, IdParams, Minor, NullableString, Obj, Points, problemResponses } from '../schemas.js';

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

const EvaluatedLine = Obj({
  index: Type.Integer(),
  sku: Type.String(),
  name: NullableString,
  category: NullableString,
  quantity: Type.Integer(),
  price: Minor,
  amount: Minor,
  pointsSpent: Points,
  pointsDiscount: Minor,
  paid: Minor,
  pointsEarned: Points,
  campaignDiscount: Minor,
  tierDiscount: Minor,
  basePoints: Points,
  bonusPoints: Points,
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
  purchaseId: NullableString,
  receiptId: Type.String(),
  status: Type.Union([Type.Literal('calculated'), Type.Literal('held'), Type.Literal('completed'), Type.Literal('cancelled')]),
  memberId: NullableString,
  memberStatus: Type.Union([Type.Literal('active'), Type.Literal('blocked'), Type.Literal('anonymised'), Type.Null()]),
  currency: Type.String(),
  occurredAt: DateTime,
  total: Minor,
  paidTotal: Minor,
  maxPointsToSpend: Points,
  pointsSpent: Points,
  pointsEarned: Points,
  earnedAvailableAt: Type.Union([DateTime, Type.Null()]),
  earnedExpiresAt: Type.Union([DateTime, Type.Null()]),
  discountTotal: Minor,
  basePoints: Points,
  bonusPoints: Points,
  lines: Type.Array(EvaluatedLine),
  effects: Type.Array(Effect),
  coupons: Type.Array(CouponOutcome),
  tier: Type.Union([Obj({ id: Type.String(), name: Type.String(), rank: Type.Integer() }), Type.Null()]),
  ruleVersion: Type.Union([Type.Integer(), Type.Null()]),
  usage: Type.Array(Obj({ campaignId: Type.String(), period: Type.String() }), { description: "uses counted towards campaigns' per-member limits" }),
  balanceBefore: Type.Union([Points, Type.Null()]),
  balanceAfter: Type.Union([Points, Type.Null()]),
  holdExpiresAt: Type.Union([DateTime, Type.Null()]),
  receiptText: Type.Array(Type.String()),
});

const ReturnBody = Obj({
  lines: Type.Array(Obj({ line: Type.Integer({ minimum: 0, description: 'index of the line in the purchase' }), quantity: Type.Integer({ minimum: 1 }) }), { minItems: 1, maxItems: 1000 }),
});
const ReturnResult = Obj({
  returnId: Type.String(),
  purchaseId: Type.String(),
  memberId: NullableString,
  lines: Type.Array(Obj({ line: Type.Integer(), quantity: Type.Integer(), refund: Minor, pointsToClawBack: Points, pointsToRestore: Points })),
  refund: Minor,
  refundWithheld: Minor,
  refundDue: Minor,
  pointsRestored: Points,
  pointsClawedBack: Points,
  pointsOwed: Points,
  balanceAfter: Type.Union([Points, Type.Null()]),
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
        config: { roles },
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
        schema: { tags, summary: 'Return some or all of a purchase', params: IdParams, headers: IdempotencyHeaders, body: ReturnBody, response: { 201: ReturnResult, ...problemResponses } },
      },
      async (req, reply) => reply.code(201).send(await returnPurchase(ctx, req.actor.programId, req.params.id, req.body, req.headers['idempotency-key'])),
    );
  };
