import { DomainError } from '../domain/errors.js';
import { checkSession, sessionEnd } from '../domain/sessions.js';
import { findAdminUserForSignIn, updateAdminUser } from '../store/admin-users.js';
import { deleteAdminSession, findAdminSession, insertAdminSession, touchAdminSession } from '../store/sessions.js';
import { adminUserView, type AdminUserView } from './admin-users.js';
import type { Actor, AppContext } from './context.js';
import { isUuid } from './members.js';
import { newToken, sha256, verifyPassword } from './secrets.js';

export interface AdminSignIn {
  /** The session token: the HTTP layer puts it in an HttpOnly cookie. */
  token: string;
  expiresAt: string;
  user: AdminUserView;
}

/**
 * Signs an admin user in with e-mail and password. Refused attempts count against the e-mail and
 * the client address (RATE_LIMITED past the limits); an unknown e-mail costs a password check
 * like a known one and gets the same answer as a wrong password.
 */
export async function signInAdmin(ctx: AppContext, input: { programId: string; email: string; password: string; ip: string }): Promise<AdminSignIn> {
  const now = ctx.clock();
  const email = input.email.trim().toLowerCase();
  const limits = ctx.auth.signInLimits;
  const emailKey = `sign-in:${input.programId}:${email}`;
  const ipKey = `sign-in-ip:${input.ip}`;
  ctx.limiter.take(ipKey, now, limits.perIp, 'sign-in attempts from this address');
  ctx.limiter.take(emailKey, now, limits.perEmail, 'sign-in attempts for this e-mail');
  const user = isUuid(input.programId) ? await findAdminUserForSignIn(ctx.db, input.programId, email) : undefined;
  if (!(await verifyPassword(user?.passwordHash, input.password)) || !user) throw new DomainError('INVALID_CREDENTIALS');
  ctx.limiter.giveBack(emailKey);
  ctx.limiter.giveBack(ipKey);
  if (user.disabled) throw new DomainError('ADMIN_USER_DISABLED');

  const token = newToken('kas_');
  const expiresAt = sessionEnd(now, now, ctx.auth.adminSession);
  await ctx.db.transaction().execute(async (trx) => {
    await insertAdminSession(trx, { tokenHash: sha256(token), adminUserId: user.adminUserId, programId: user.programId, at: now, expiresAt });
    await updateAdminUser(trx, user.programId, user.adminUserId, { lastSignInAt: now, at: now });
  });
  return { token, expiresAt: expiresAt.toISOString(), user: adminUserView({ ...user, lastSignInAt: now }) };
}

export interface AdminSession {
  actor: Actor;
  user: AdminUserView;
  expiresAt: string;
}

/** The admin user behind a session token; slides the session's end forward when it is used. */
export async function authenticateAdminSession(ctx: AppContext, token: string): Promise<AdminSession> {
  const tokenHash = sha256(token);
  const session = await findAdminSession(ctx.db, tokenHash);
  if (!session || session.user.disabled) throw new DomainError('UNAUTHORIZED', 'sign in to the admin panel');
  const now = ctx.clock();
  const check = checkSession(session, now, ctx.auth.adminSession);
  if (!check.valid) {
    await deleteAdminSession(ctx.db, tokenHash);
    throw new DomainError('SESSION_EXPIRED');
  }
  if (check.renew) await touchAdminSession(ctx.db, tokenHash, check.renew);
  const { user } = session;
  return {
    actor: { programId: user.programId, role: user.role, name: `admin-user:${user.adminUserId}`, adminUserId: user.adminUserId },
    user: adminUserView(user),
    expiresAt: (check.renew?.expiresAt ?? session.expiresAt).toISOString(),
  };
}

/** Ends the session of this token (signing out twice is not an error). */
export async function signOutAdmin(ctx: AppContext, token: string): Promise<void> {
  await deleteAdminSession(ctx.db, sha256(token));
}
