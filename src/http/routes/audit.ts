import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { AUDIT_LIST, getAuditLog } from '../../app/audit.js';
import type { AppContext } from '../../app/context.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { DateTime, NullableString, Obj, problemResponses } from '../schemas.js';

const AuditEntry = Obj({
  id: Type.String(),
  at: DateTime,
  actor: Type.String({ description: 'who, as recorded: `admin-user:<id>`, `key:<id>`, `member:<id>`, `system`, `first-start`, `demo` or `cli`' }),
  who: Obj(
    {
      kind: Type.Union([Type.Literal('admin_user'), Type.Literal('api_key'), Type.Literal('member'), Type.Literal('system'), Type.Literal('first_start'), Type.Literal('demo'), Type.Literal('cli')]),
      id: NullableString,
      name: Type.Union([Type.String(), Type.Null()], { description: "the admin user's or API key's name today (null when deleted since)" }),
      email: Type.Union([Type.String(), Type.Null()], { description: "the admin user's e-mail" }),
    },
    { description: 'who made the change, as a reader knows them' },
  ),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  changes: Type.Array(Obj({ path: Type.String({ description: 'dotted path of the field, e.g. `settings.pendingDays`; empty for a whole value' }), before: Type.Optional(Type.Unknown()), after: Type.Optional(Type.Unknown()) }), {
    description: 'the fields that differ between before and after (absent on one side: no value)',
  }),
});
const AuditQuery = listQuery(AUDIT_LIST, {
  entity: Type.Optional(Type.String({ maxLength: 50 })),
  entityId: Type.Optional(Type.String({ maxLength: 200 })),
  actor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const auditRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    app.get(
      '/audit',
      {
        config: { roles: ['admin', 'readonly'] },
        schema: { tags: ['audit'], summary: 'Changes to the program with the values before and after, newest first (`sort`: at, action, entity)', querystring: AuditQuery, response: { 200: listResponse(AuditEntry), ...problemResponses } },
      },
      async (req) => getAuditLog(ctx, req.actor.programId, { ...listParams(req.query), entity: req.query.entity, entityId: req.query.entityId, actor: req.query.actor }),
    );
  };
