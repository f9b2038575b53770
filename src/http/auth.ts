import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateAdminSession } from '../app/admin-auth.js';
import { authenticate } from '../app/api-keys.js';
import type { Actor, AppContext } from '../app/context.js';
import { authenticateMemberSession } from '../app/member-auth.js';
import { authenticateOperator, OPERATOR_KEY_PREFIX } from '../app/operator.js';
import { DomainError } from '../domain/errors.js';
import { isAdminRole, mayCall, type Role } from '../domain/roles.js';
import type { SessionPolicy } from '../domain/sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    /** When the admin session of this request ends (admin-panel requests only). */
    sessionExpiresAt?: string;
  }
  interface FastifyContextConfig {
    /**
     * Roles that may call the route; a route without roles is public. API-key roles (pos,
     * admin, readonly) also admit admin users by src/domain/roles.ts's mapping.
     */
    roles?: Role[];
    /** A public route that sets a session cookie: it needs the CSRF header too. */
    csrf?: boolean;
    /**
     * A route with roles that also serves callers who send no bearer secret (an NPS answer by a
     * survey's link): they run without `req.actor`. A caller who sends one is identified and
     * checked against the roles like on any other route.
     */
    anonymous?: boolean;
  }
}

export const ADMIN_COOKIE = 'kopilka_admin';
export const MEMBER_COOKIE = 'kopilka_member';
/** Browsers send a custom header only from the same origin (cross-origin, CORS would have to allow it). */
export const CSRF_HEADER = 'x-kopilka-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a request that a session cookie authenticates without the CSRF header (docs/auth.md);
 * `doing` names the request in the error, `POST /v1/…` by default.
 */
export function requireCsrfHeader(request: FastifyRequest, doing = `${request.method} ${request.routeOptions.url}`): void {
  if (request.headers[CSRF_HEADER] !== '1') {
    throw new DomainError('CSRF_HEADER_MISSING', `${doing} with a session cookie needs the header "X-Kopilka-CSRF: 1"`);
  }
}

/** The token of `Authorization: Bearer …`, if the request has that header. */
export function authorizationBearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** The bearer secret of a request: `Authorization: Bearer …` or else `X-API-Key`. */
export function bearerSecret(request: FastifyRequest): string | undefined {
  return authorizationBearer(request) ?? (request.headers['x-api-key'] as string | undefined);
}

/**
 * Who is calling: a bearer secret (an API key, a member session token `kms_…` from the PWA, or the
 * operator key `kop_…`) wins; otherwise a session cookie — the member's on member routes, the
 * admin's elsewhere.
 */
async function identify(ctx: AppContext, request: FastifyRequest, roles: readonly Role[]): Promise<{ actor: Actor; byCookie: boolean }> {
  const secret = bearerSecret(request);
  if (secret?.startsWith('kms_')) return { actor: await authenticateMemberSession(ctx, secret), byCookie: false };
  if (secret?.startsWith(OPERATOR_KEY_PREFIX)) return { actor: authenticateOperator(ctx, secret), byCookie: false };
  if (secret !== undefined) return { actor: await authenticate(ctx, secret), byCookie: false };
  const adminToken = request.cookies[ADMIN_COOKIE];
  const memberToken = request.cookies[MEMBER_COOKIE];
  if (memberToken && (roles.includes('member') || !adminToken)) return { actor: await authenticateMemberSession(ctx, memberToken), byCookie: true };
  if (adminToken) {
    const session = await authenticateAdminSession(ctx, adminToken);
    request.sessionExpiresAt = session.expiresAt;
    return { actor: session.actor, byCookie: true };
  }
  throw new DomainError('UNAUTHORIZED', roles.includes('member') ? 'sign in to the member app' : 'send an API key as "Authorization: Bearer <key>", or sign in to the admin panel');
}

const callerName = (actor: Actor) => (actor.memberId ? 'a member' : isAdminRole(actor.role) ? `an admin user with the role ${actor.role}` : `a ${actor.role} key`);

/**
 * The onRequest hook: authenticates by the route's `config.roles`, checks the role, and asks for
 * the CSRF header on every state-changing request that a cookie authenticates (docs/auth.md).
 */
export function authHook(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const { roles, csrf, anonymous } = request.routeOptions.config;
    const unsafe = !SAFE_METHODS.has(request.method);
    if (csrf && unsafe) requireCsrfHeader(request);
    if (!roles) return;
    if (anonymous && bearerSecret(request) === undefined) return;
    const { actor, byCookie } = await identify(ctx, request, roles);
    if (byCookie && unsafe) requireCsrfHeader(request);
    if (!mayCall(roles, actor.role)) throw new DomainError('FORBIDDEN', `${callerName(actor)} may not call ${request.method} ${request.routeOptions.url}`);
    request.actor = actor;
  };
}

/**
 * Sets a session cookie: HttpOnly, SameSite=Strict, Secure when the request came over https
 * (behind a proxy, with TRUST_PROXY set). The cookie lives as long as the session could (the
 * absolute limit, or 400 days, browsers' cap); the server decides whether it is still valid.
 */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, name: string, token: string, policy: SessionPolicy): void {
  const maxAge = Math.floor((policy.maxMs ?? 400 * 86_400_000) / 1000);
  void reply.setCookie(name, token, { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/', maxAge });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, name: string): void {
  void reply.clearCookie(name, { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/' });
}
