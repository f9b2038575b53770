import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { API_KEY_LIST, createProgramApiKey, pageProgramApiKeys, revokeApiKey } from '../../app/api-keys.js';
import type { AppContext } from '../../app/context.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { DateTime, IdParams, Obj, problemResponses } from '../schemas.js';

const Role = Type.Union([Type.Literal('pos'), Type.Literal('admin'), Type.Literal('readonly')]);
const KeyView = Obj({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  prefix: Type.String({ description: 'the first characters of the key, to recognise it by' }),
  createdAt: DateTime,
  expiresAt: Type.Union([DateTime, Type.Null()]),
  revokedAt: Type.Union([DateTime, Type.Null()]),
});
const NewKey = Obj({ role: Role, name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), expiresAt: Type.Optional(DateTime) });
const CreatedKey = Obj({ id: Type.String(), key: Type.String({ description: 'shown only in this answer; only its hash is stored' }), role: Role, programId: Type.String() });

export const apiKeyRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['api keys'];
    const config = { roles: ['admin' as const] };
    app.get(
      '/api-keys',
      { config, schema: { tags, summary: "The program's API keys, oldest first (`sort`: createdAt, name, role)", querystring: listQuery(API_KEY_LIST), response: { 200: listResponse(KeyView), ...problemResponses } } },
      async (req) => pageProgramApiKeys(ctx, req.actor.programId, listParams(req.query)),
    );
    app.post(
      '/api-keys',
      // Its answer holds the key: not kept by Idempotency-Key (ADR 24).
      { config: { ...config, idempotency: 'unstored' }, schema: { tags, summary: 'Make an API key (shown once)', body: NewKey, response: { 201: CreatedKey, ...problemResponses } } },
      async (req, reply) => {
        return reply.code(201).send(await createProgramApiKey(ctx, req.actor.programId, req.body));
      },
    );
    app.delete('/api-keys/:id', { config, schema: { tags, summary: 'Revoke an API key', params: IdParams, response: { 200: KeyView, ...problemResponses } } }, async (req) =>
      revokeApiKey(ctx, req.actor.programId, req.params.id),
    );
  };
