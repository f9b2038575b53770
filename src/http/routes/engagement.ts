import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { recordEvent } from '../../app/events.js';
import { backtestCampaign } from '../../app/rules/backtest.js';
import { buyMembership, listMemberships } from '../../app/rules/memberships.js';
import { getMemberTier } from '../../app/rules/member-tier.js';
import { simulate } from '../../app/rules/simulate.js';
import { Campaign, Tier } from '../../domain/rules/types.js';
import type { App } from '../app.js';
import { DateTime, IdentifierSchema, IdParams, NullableString, Obj, Points, problemResponses } from '../schemas.js';

const Scalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean(), Type.Null()]);
const EventBody = Obj({
  type: Type.String({ minLength: 1, maxLength: 100, description: "e.g. questionnaire_filled, review_left" }),
  memberId: Type.Optional(Type.String({ maxLength: 100 })),
  identifier: Type.Optional(IdentifierSchema),
  attributes: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Scalar)),
  occurredAt: Type.Optional(DateTime),
});
const AnyObject = Type.Object({}, { additionalProperties: true });
const EventOutcome = Obj({
  eventId: Type.String(),
  memberId: Type.String(),
  type: Type.String(),
  occurredAt: DateTime,
  points: Points,
  effects: Type.Array(AnyObject),
  notApplied: Type.Array(Obj({ campaignId: Type.String(), reason: NullableString })),
  ruleVersion: Type.Union([Type.Integer(), Type.Null()]),
  balanceAfter: Points,
});

const SimLine = Obj({
  sku: Type.String({ minLength: 1, maxLength: 100 }),
  name: Type.Optional(Type.String({ maxLength: 300 })),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  quantity: Type.Integer({ minimum: 1 }),
  price: Type.Integer({ minimum: 0 }),
  discount: Type.Optional(Type.Integer({ minimum: 0 })),
});
const SimulateBody = Obj({
  receipt: Obj({
    receiptId: Type.Optional(Type.String({ maxLength: 200 })),
    storeId: Type.Optional(Type.String({ maxLength: 100 })),
    channel: Type.Optional(Type.String({ maxLength: 50 })),
    occurredAt: Type.Optional(DateTime),
    currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
    total: Type.Integer({ minimum: 0 }),
    lines: Type.Array(SimLine, { minItems: 1, maxItems: 1000 }),
    pointsToSpend: Type.Optional(Type.Integer({ minimum: 0 })),
    coupons: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 10 })),
  }),
  memberId: Type.Optional(Type.String({ maxLength: 100, description: 'a real member: their tier, history, usage, balance and control groups' })),
  identifier: Type.Optional(IdentifierSchema),
  couponSeriesIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 10, description: 'as if the receipt carried a valid code of each of these coupon series' })),
  member: Type.Optional(
    Obj({
      tierId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      segmentIds: Type.Optional(Type.Array(Type.String())),
      attributes: Type.Optional(Type.Record(Type.String(), Scalar)),
      birthday: Type.Optional(Type.Union([Type.String({ pattern: '^(\\d{4}-)?\\d{2}-\\d{2}$' }), Type.Null()])),
      purchaseCount: Type.Optional(Type.Integer({ minimum: 0 })),
      lastPurchaseAt: Type.Optional(Type.Union([DateTime, Type.Null()])),
      enrolledAt: Type.Optional(DateTime),
      available: Type.Optional(Type.Integer({ minimum: 0, description: 'spendable points' })),
    }, { description: 'a hypothetical member (assumed outside every control group; `controlGroups` in the answer gives the other case)' }),
  ),
  rules: Type.Optional(
    Obj({
      version: Type.Optional(Type.Integer({ minimum: 1 })),
      working: Type.Optional(Type.Boolean({ description: 'the working copy (drafts published or not) instead of the version in force' })),
      campaigns: Type.Optional(Type.Array(Campaign, { maxItems: 1000, description: 'draft campaigns, added or replacing by id' })),
      tiers: Type.Optional(Type.Array(Tier, { maxItems: 100 })),
    }),
  ),
});
const ControlOutcome = Obj({ applied: Type.Boolean(), discountTotal: Type.Integer(), pointsEarned: Type.Integer() });
const SimulateResult = Obj({
  ruleVersion: Type.Union([Type.Integer(), Type.Null()]),
  occurredAt: DateTime,
  member: Obj({ kind: Type.Union([Type.Literal('member'), Type.Literal('hypothetical'), Type.Literal('none')]), id: NullableString, name: NullableString, tierId: NullableString }),
  evaluation: AnyObject,
  coupons: Type.Array(Obj({ code: Type.String(), status: Type.String(), reason: NullableString })),
  controlGroups: Type.Array(
    Obj({
      campaignId: Type.String(),
      name: Type.String(),
      percent: Type.Number(),
      inGroup: Type.Union([Type.Boolean(), Type.Null()], { description: "a real member's place by the hash of their id; null for a hypothetical member" }),
      outside: ControlOutcome,
      inside: ControlOutcome,
    }),
    { description: 'campaigns whose answer depends on the control group: the member passed every other check' },
  ),
  explanation: Type.Array(Type.String()),
});
export const MemberTierSchema = Obj({
  memberId: Type.String(),
  tier: Type.Union([Obj({ id: Type.String(), name: Type.String(), rank: Type.Integer(), benefits: AnyObject }), Type.Null()]),
  qualifiedTierId: NullableString,
  membershipTierId: NullableString,
  reviewAt: Type.Union([DateTime, Type.Null()]),
  graceUntil: Type.Union([DateTime, Type.Null()]),
  window: Obj({ spend: Type.Integer(), purchases: Type.Integer(), points: Type.Integer() }),
  next: Type.Union([Obj({ id: Type.String(), name: Type.String(), metric: Type.String(), min: Type.Integer(), current: Type.Integer(), missing: Type.Integer() }), Type.Null()]),
  history: Type.Array(Obj({ at: DateTime, from: NullableString, to: NullableString, reason: Type.String() })),
});

const Membership = Obj({
  membershipId: Type.String(),
  memberId: Type.String(),
  tierId: Type.String(),
  startsAt: DateTime,
  endsAt: DateTime,
  price: Type.Integer(),
  purchaseId: NullableString,
  active: Type.Boolean(),
});
const Backtest = Obj({
  campaignId: Type.String(),
  from: DateTime,
  to: DateTime,
  receiptsScanned: Type.Integer(),
  receipts: Type.Integer(),
  members: Type.Integer(),
  discount: Type.Integer(),
  points: Type.Integer(),
  cost: Type.Integer(),
  controlGroupReceipts: Type.Integer(),
  notApplied: Type.Record(Type.String(), Type.Integer()),
  truncated: Type.Boolean(),
});

export const engagementRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    app.post(
      '/events',
      {
        config: { roles: ['admin', 'pos'] },
        schema: { tags: ['events'], summary: 'Record something a member did (not a purchase) and give the points its campaigns grant', body: EventBody, response: { 201: EventOutcome, ...problemResponses } },
      },
      async (req, reply) => reply.code(201).send(await recordEvent(ctx, req.actor, req.body)),
    );
    app.post(
      '/simulate',
      {
        config: { roles: ['admin', 'readonly'] },
        schema: {
          tags: ['rules'],
          summary: 'Evaluate a receipt against the rules in force, a stored version or drafts, for a real or hypothetical member, at any moment up to a year ahead (or the end of the latest campaign schedule), and explain every campaign; nothing is written',
          body: SimulateBody,
          response: { 200: SimulateResult, ...problemResponses },
        },
      },
      async (req) => simulate(ctx, req.actor.programId, req.body as Parameters<typeof simulate>[2]),
    );
    app.post(
      '/members/:id/memberships',
      {
        config: { roles: ['admin', 'pos'] },
        schema: {
          tags: ['tiers'],
          summary: "Sell a paid membership: the tier's benefits for a term (renewal extends it); the fee is recorded as a purchase",
          params: IdParams,
          body: Obj({
            tierId: Type.String({ minLength: 1, maxLength: 100 }),
            days: Type.Integer({ minimum: 1, maximum: 3660 }),
            price: Type.Integer({ minimum: 0 }),
            receiptId: Type.String({ minLength: 1, maxLength: 200 }),
            storeId: Type.Optional(Type.String({ maxLength: 100 })),
          }),
          response: { 201: Obj({ membership: Membership, purchase: AnyObject }), ...problemResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await buyMembership(ctx, req.actor.programId, req.params.id, req.body)),
    );
    app.get(
      '/members/:id/memberships',
      { config: { roles: ['admin', 'pos', 'readonly'] }, schema: { tags: ['tiers'], summary: "The member's paid memberships", params: IdParams, response: { 200: Obj({ items: Type.Array(Membership) }), ...problemResponses } } },
      async (req) => ({ items: await listMemberships(ctx, req.actor.programId, req.params.id) }),
    );
    app.post(
      '/campaigns/:id/backtest',
      {
        config: { roles: ['admin', 'readonly'] },
        schema: {
          tags: ['campaigns'],
          summary: 'Replay stored purchases of a date range against a campaign (a draft too, or `campaign` as edited, not saved yet): receipts and members it would have touched, and its cost',
          params: IdParams,
          body: Obj({
            from: DateTime,
            to: DateTime,
            maxReceipts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
            campaign: Type.Optional(Campaign),
          }),
          response: { 200: Backtest, ...problemResponses },
        },
      },
      async (req) => backtestCampaign(ctx, req.actor.programId, req.params.id, req.body),
    );
    app.get(
      '/members/:id/tier',
      { config: { roles: ['admin', 'pos', 'readonly'] }, schema: { tags: ['tiers'], summary: "The member's tier now, progress to the next one, and tier history", params: IdParams, response: { 200: MemberTierSchema, ...problemResponses } } },
      async (req) => getMemberTier(ctx, req.actor.programId, req.params.id),
    );
  };
