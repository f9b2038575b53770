import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { getAuditLog } from '../../app/audit.js';
import type { AppContext } from '../../app/context.js';
import type { App } from '../app.js';
import { DateTime, Obj, PageQuery, problemResponses } from '../schemas.js';

const AuditEntry = Obj({
  id: Type.String(),
  at: DateTime,
  actor: Type.String({ description: 'who: `key:<id>`, `admin:<id>` or `cli`' }),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
});
const AuditQuery = Obj({
  ...PageQuery.properties,
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
        schema: { tags: ['audit'], summary: 'Changes to the program, newest first, with the values before and after', querystring: AuditQuery, response: { 200: Obj({ items: Type.Array(AuditEntry), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses } },
      },
      async (req) => getAuditLog(ctx, req.actor.programId, { ...req.query, limit: req.query.limit ?? 50 }),
    );
  };
