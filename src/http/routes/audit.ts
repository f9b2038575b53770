import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { AUDIT_LIST, getAuditLog } from '../../app/audit.js';
import type { AppContext } from '../../app/context.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { DateTime, Obj, problemResponses } from '../schemas.js';

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
