import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { getBalance, getLedger, LEDGER_LIST } from '../../app/ledger.js';
import { getCard, getMe, memberOf, patchMe, rotateCard } from '../../app/me.js';
import type { App } from '../app.js';
import { listParams, listQuery } from '../list-query.js';
import { DateTime, Obj, problemResponses } from '../schemas.js';
import { MemberSchema, MessagePreferences } from './members.js';
import { BalanceSchema, LedgerPage } from './wallet.js';

const PatchMe = Obj({
  name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  birthday: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
  gender: Type.Optional(Type.Union([Type.Literal('female'), Type.Literal('male'), Type.Literal('other'), Type.Null()])),
  city: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  consents: Type.Optional(Type.Record(Type.String({ maxLength: 50 }), Type.Boolean(), { description: 'changed consents; others stay as they are' })),
  messagePreferences: Type.Optional(MessagePreferences),
});
const Card = Obj({ kind: Type.Literal('member_token'), value: Type.String({ description: "the virtual card's QR content; the till looks it up as an identifier" }), createdAt: DateTime });

/** The member app's own routes: only a member session (bearer `kms_…` or the cookie) may call them. */
export const meRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['member app'];
    const config = { roles: ['member' as const] };
    const security = [{ memberSession: [] }];
    app.get('/me', { config, schema: { tags, security, summary: 'My profile', response: { 200: MemberSchema, ...problemResponses } } }, async (req) => getMe(ctx, req.actor));
    app.patch(
      '/me',
      { config, schema: { tags, security, summary: 'Change my name, birthday, gender, city or consents', body: PatchMe, response: { 200: MemberSchema, ...problemResponses } } },
      async (req) => patchMe(ctx, req.actor, req.body),
    );
    app.get('/me/balance', { config, schema: { tags, security, summary: 'My points', response: { 200: BalanceSchema, ...problemResponses } } }, async (req) =>
      getBalance(ctx, req.actor, memberOf(req.actor)),
    );
    app.get('/me/ledger', { config, schema: { tags, security, summary: 'My points history, newest first (`sort`: createdAt, points)', querystring: listQuery(LEDGER_LIST), response: { 200: LedgerPage, ...problemResponses } } }, async (req) =>
      getLedger(ctx, req.actor, memberOf(req.actor), listParams(req.query)),
    );
    app.get('/me/card', { config, schema: { tags, security, summary: "My virtual card's token (made on first view)", response: { 200: Card, ...problemResponses } } }, async (req) => getCard(ctx, req.actor));
    app.post('/me/card/rotate', { config, schema: { tags, security, summary: 'Replace my card token; the old one stops working at once', response: { 200: Card, ...problemResponses } } }, async (req) =>
      rotateCard(ctx, req.actor),
    );
  };
