import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { signInAdmin, signOutAdmin } from '../../app/admin-auth.js';
import { getAdminUser } from '../../app/admin-users.js';
import type { AppContext } from '../../app/context.js';
import { getProgram } from '../../app/programs.js';
import { ADMIN_ROLES } from '../../domain/roles.js';
import type { App } from '../app.js';
import { ADMIN_COOKIE, clearSessionCookie, setSessionCookie } from '../auth.js';
import { DateTime, Obj, problemResponses, Uuid } from '../schemas.js';
import { AdminUserSchema } from './admin-users.js';

export const authProblemResponses = { ...problemResponses, 429: Type.Ref('Problem'), 503: Type.Ref('Problem') };

const SignIn = Obj({
  programId: Uuid,
  email: Type.String({ minLength: 3, maxLength: 200 }),
  password: Type.String({ minLength: 1, maxLength: 1000 }),
});
const Session = Obj({ user: AdminUserSchema, expiresAt: DateTime, program: Obj({ id: Type.String(), name: Type.String() }) });

export const adminAuthRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['admin sign-in'];
    app.post(
      '/auth/admin/sign-in',
      {
        config: { csrf: true },
        schema: {
          tags,
          summary: 'Sign in to the admin panel: sets the session cookie (send X-Kopilka-CSRF: 1)',
          security: [],
          body: SignIn,
          response: { 200: Session, ...authProblemResponses },
        },
      },
      async (req, reply) => {
        const signedIn = await signInAdmin(ctx, { ...req.body, ip: req.ip });
        setSessionCookie(req, reply, ADMIN_COOKIE, signedIn.token, ctx.auth.adminSession);
        const program = await getProgram(ctx, req.body.programId);
        return { user: signedIn.user, expiresAt: signedIn.expiresAt, program: { id: program.id, name: program.name } };
      },
    );
    app.post(
      '/auth/admin/sign-out',
      { config: { csrf: true }, schema: { tags, summary: 'End the session and clear its cookie', security: [{ adminSession: [] }], response: { 204: Type.Null(), ...problemResponses } } },
      async (req, reply) => {
        const token = req.cookies[ADMIN_COOKIE];
        if (token) await signOutAdmin(ctx, token);
        clearSessionCookie(req, reply, ADMIN_COOKIE);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/auth/admin/me',
      {
        config: { roles: [...ADMIN_ROLES] },
        schema: { tags, summary: 'The signed-in admin user, the program, and when the session ends', security: [{ adminSession: [] }], response: { 200: Session, ...problemResponses } },
      },
      async (req) => {
        const program = await getProgram(ctx, req.actor.programId);
        return { user: await getAdminUser(ctx, req.actor.programId, req.actor.adminUserId!), expiresAt: req.sessionExpiresAt!, program: { id: program.id, name: program.name } };
      },
    );
  };
