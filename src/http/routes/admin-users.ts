import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { ADMIN_USER_LIST, createAdminUser, deleteProgramAdminUser, getAdminUser, listProgramAdminUsers, updateProgramAdminUser } from '../../app/admin-users.js';
import type { AppContext } from '../../app/context.js';
import type { AdminRole as Role } from '../../domain/roles.js';
import { PASSWORD_RULES } from '../../domain/sessions.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { DateTime, IdParams, NullableString, Obj, problemResponses, type Static } from '../schemas.js';

const AdminRole = Type.Union([Type.Literal('owner'), Type.Literal('marketer'), Type.Literal('support'), Type.Literal('analyst')], { description: 'owner: everything; marketer: program settings and campaigns; support: members, adjustments, blocks; analyst: read-only' });
const Password = Type.String({ minLength: PASSWORD_RULES.minLength, maxLength: PASSWORD_RULES.maxLength, description: `at least ${PASSWORD_RULES.minLength} characters, not the e-mail` });

// The schema and the domain's roles name the same four; this fails to compile if they drift.
const _sameRoles: [Static<typeof AdminRole>] extends [Role] ? ([Role] extends [Static<typeof AdminRole>] ? true : never) : never = true;
void _sameRoles;

export const AdminUserSchema = Obj({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: AdminRole,
  disabled: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
  lastSignInAt: NullableString,
});
const NewAdminUser = Obj({
  email: Type.String({ minLength: 3, maxLength: 200 }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  role: AdminRole,
  password: Type.Optional(Password),
});
const PatchAdminUser = Obj({ name: Type.Optional(Type.String({ maxLength: 200 })), role: Type.Optional(AdminRole), disabled: Type.Optional(Type.Boolean()), password: Type.Optional(Password) });
const Created = Obj({ user: AdminUserSchema, password: Type.Optional(Type.String({ description: 'the generated password, shown only in this answer (when none was given)' })) });

/** Admin users of the program: owners (and admin API keys) manage them. */
export const adminUserRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['admin users'];
    // 'admin' admits owners too (src/domain/roles.ts); no other admin-user role inherits it.
    const config = { roles: ['admin' as const] };
    app.get(
      '/admin-users',
      { config, schema: { tags, summary: "The program's admin users, oldest first (`sort`: createdAt, email, name, role)", querystring: listQuery(ADMIN_USER_LIST), response: { 200: listResponse(AdminUserSchema), ...problemResponses } } },
      async (req) => listProgramAdminUsers(ctx, req.actor.programId, listParams(req.query)),
    );
    app.post(
      '/admin-users',
      // Its answer may hold a generated password: not kept by Idempotency-Key (ADR 24).
      { config: { ...config, idempotency: 'unstored' }, schema: { tags, summary: 'Add an admin user (a password is generated and shown once when none is given)', body: NewAdminUser, response: { 201: Created, ...problemResponses } } },
      async (req, reply) => reply.code(201).send(await createAdminUser(ctx, req.actor.programId, req.body)),
    );
    app.get('/admin-users/:id', { config, schema: { tags, summary: 'An admin user', params: IdParams, response: { 200: AdminUserSchema, ...problemResponses } } }, async (req) =>
      getAdminUser(ctx, req.actor.programId, req.params.id),
    );
    app.patch(
      '/admin-users/:id',
      {
        config,
        schema: { tags, summary: 'Rename, change the role, disable or set a new password (disabling or a new password ends their sessions)', params: IdParams, body: PatchAdminUser, response: { 200: AdminUserSchema, ...problemResponses } },
      },
      async (req) => updateProgramAdminUser(ctx, req.actor.programId, req.params.id, req.body),
    );
    app.delete(
      '/admin-users/:id',
      { config, schema: { tags, summary: 'Delete an admin user and their sessions (not the last active owner)', params: IdParams, response: { 204: Type.Null(), ...problemResponses } } },
      async (req, reply) => {
        await deleteProgramAdminUser(ctx, req.actor.programId, req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
