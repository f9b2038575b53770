import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { adjustPoints, getBalance, getLedger, getLots, LEDGER_LIST } from '../../app/ledger.js';
import type { App } from '../app.js';
import { listParams, listQuery } from '../list-query.js';
import { DateTime, IdParams, NullableString, Obj, Points, problemResponses } from '../schemas.js';

export const BalanceSchema = Obj({
  memberId: Type.String(),
  available: Points,
  pending: Type.Array(Obj({ points: Points, availableAt: DateTime })),
  pendingTotal: Points,
  held: Points,
  expiringSoon: Type.Array(Obj({ points: Points, expiresAt: DateTime })),
  total: Points,
  asOf: DateTime,
});

const LotsSchema = Obj({
  memberId: Type.String(),
  items: Type.Array(
    Obj({
      id: Type.String(),
      state: Type.Union([Type.Literal('available'), Type.Literal('pending'), Type.Literal('debt'), Type.Literal('expired')], {
        description: 'expired: past its expiry, not yet written down by the expiry job (counts for nothing)',
      }),
      points: Type.Integer({ description: 'points the lot was made with; negative for a debt after a return' }),
      remaining: Type.Integer(),
      held: Points,
      spendOrder: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: '1 = the lot the next spend takes first; null if it cannot be spent now' }),
      createdAt: DateTime,
      availableAt: DateTime,
      expiresAt: Type.Union([DateTime, Type.Null()]),
      purchaseId: NullableString,
    }),
  ),
  asOf: DateTime,
});

const Entry = Obj({
  id: Type.String(),
  createdAt: DateTime,
  kind: Type.String({ description: 'earn, redeem, expire, adjust, return_clawback, return_restore' }),
  account: Type.String({ description: 'program account on the other side: issued, redeemed, expired, adjusted' }),
  points: Points,
  lotId: Type.String(),
  cause: Obj({
    type: Type.Union([Type.Literal('purchase'), Type.Literal('return'), Type.Literal('expiry'), Type.Literal('adjustment')]),
    purchaseId: NullableString,
    returnId: NullableString,
    reason: NullableString,
    actor: NullableString,
  }),
});

export const LedgerPage = Obj({ items: Type.Array(Entry), nextCursor: NullableString });

const Adjustment = Obj({
  points: Type.Integer({ description: 'positive to credit, negative to debit; not zero' }),
  reason: Type.String({ minLength: 1, maxLength: 500 }),
  expiresAt: Type.Optional(DateTime),
});
const AdjustmentResult = Obj({
  adjustmentId: Type.String(),
  memberId: Type.String(),
  points: Points,
  reason: Type.String(),
  actor: Type.String(),
  balanceAfter: Points,
  createdAt: DateTime,
});

export const walletRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['points'];
    app.get(
      '/members/:id/balance',
      {
        config: { roles: ['admin', 'pos', 'readonly'] },
        schema: { tags, summary: 'Available, pending, held and soon-expiring points', params: IdParams, response: { 200: BalanceSchema, ...problemResponses } },
      },
      async (req) => getBalance(ctx, req.actor, req.params.id),
    );
    app.get(
      '/members/:id/ledger',
      {
        config: { roles: ['admin', 'pos', 'readonly'] },
        schema: { tags, summary: 'Ledger entries, newest first (`sort`: createdAt, points)', params: IdParams, querystring: listQuery(LEDGER_LIST), response: { 200: LedgerPage, ...problemResponses } },
      },
      async (req) => getLedger(ctx, req.actor, req.params.id, listParams(req.query)),
    );
    app.get(
      '/members/:id/lots',
      {
        config: { roles: ['admin', 'readonly'] },
        schema: { tags, summary: 'Open lots in the order they are used: what the balance is made of', params: IdParams, response: { 200: LotsSchema, ...problemResponses } },
      },
      async (req) => getLots(ctx, req.actor, req.params.id),
    );
    app.post(
      '/members/:id/adjustments',
      {
        config: { roles: ['admin', 'support'] },
        schema: { tags, summary: 'Credit or debit points by hand, with a reason', params: IdParams, body: Adjustment, response: { 201: AdjustmentResult, ...problemResponses } },
      },
      async (req, reply) => reply.code(201).send(await adjustPoints(ctx, req.actor, req.params.id, req.body)),
    );
  };
