import type { Executor } from './executor.js';
import { ADMIN_USER_COLUMNS, toAdminUser, type AdminUserRow } from './admin-users.js';

/*
 * Sessions of admin users (program-level, keyed by the token's SHA-256) and of members
 * (member-scoped: member_id leads the key, the token names its member). Tokens are never stored.
 */

export async function insertAdminSession(db: Executor, s: { tokenHash: string; adminUserId: string; programId: string; at: Date; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('admin_sessions')
    .values({ token_hash: s.tokenHash, admin_user_id: s.adminUserId, program_id: s.programId, created_at: s.at, expires_at: s.expiresAt, last_seen_at: s.at })
    .execute();
}

export interface AdminSessionRow {
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  user: AdminUserRow;
}

/** The session and its user, in one query (every admin-panel request). */
export async function findAdminSession(db: Executor, tokenHash: string): Promise<AdminSessionRow | undefined> {
  const r = await db
    .selectFrom('admin_sessions as s')
    .innerJoin('admin_users as u', 'u.admin_user_id', 's.admin_user_id')
    .select(['s.token_hash', 's.created_at as s_created_at', 's.expires_at', 's.last_seen_at', ...ADMIN_USER_COLUMNS.map((c) => `u.${c}` as const)])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return r && { tokenHash: r.token_hash, createdAt: r.s_created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at, user: toAdminUser(r) };
}

export async function touchAdminSession(db: Executor, tokenHash: string, t: { expiresAt: Date; lastSeenAt: Date }): Promise<void> {
  await db.updateTable('admin_sessions').set({ expires_at: t.expiresAt, last_seen_at: t.lastSeenAt }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteAdminSession(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of a user (disabled, demoted, deleted, or a new password). */
export async function deleteAdminSessionsOf(db: Executor, adminUserId: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('admin_user_id', '=', adminUserId).execute();
}

/** Drops sessions that ended before `now` (the background jobs). */
export async function deleteExpiredSessions(db: Executor, now: Date): Promise<number> {
  const a = await db.deleteFrom('admin_sessions').where('expires_at', '<=', now).executeTakeFirst();
  const m = await db.deleteFrom('member_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(m.numDeletedRows);
}

export interface MemberSessionRow {
  memberId: string;
  programId: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
}

export async function insertMemberSession(db: Executor, s: { memberId: string; tokenHash: string; programId: string; at: Date; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('member_sessions')
    .values({ member_id: s.memberId, token_hash: s.tokenHash, program_id: s.programId, created_at: s.at, expires_at: s.expiresAt, last_seen_at: s.at })
    .execute();
}

export async function findMemberSession(db: Executor, memberId: string, tokenHash: string): Promise<MemberSessionRow | undefined> {
  const r = await db.selectFrom('member_sessions').selectAll().where('member_id', '=', memberId).where('token_hash', '=', tokenHash).executeTakeFirst();
  return r && { memberId: r.member_id, programId: r.program_id, createdAt: r.created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at };
}

export async function touchMemberSession(db: Executor, memberId: string, tokenHash: string, t: { expiresAt: Date; lastSeenAt: Date }): Promise<void> {
  await db.updateTable('member_sessions').set({ expires_at: t.expiresAt, last_seen_at: t.lastSeenAt }).where('member_id', '=', memberId).where('token_hash', '=', tokenHash).execute();
}

export async function deleteMemberSession(db: Executor, memberId: string, tokenHash: string): Promise<void> {
  await db.deleteFrom('member_sessions').where('member_id', '=', memberId).where('token_hash', '=', tokenHash).execute();
}
