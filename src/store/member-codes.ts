import { sql } from 'kysely';
import type { Executor } from './executor.js';

export interface MemberCodeRow {
  codeId: string;
  codeHash: string;
  attempts: number;
  createdAt: Date;
  expiresAt: Date;
  consumedAt: Date | null;
}

type CodeKind = 'phone' | 'email';

/**
 * Serialises code requests and checks for one identifier until the transaction ends, so two
 * requests at once cannot both slip under the resend and hourly limits.
 */
export async function lockIdentifierCodes(db: Executor, programId: string, kind: CodeKind, value: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${programId}:${kind}:${value}`}, 0))`.execute(db);
}

/** When codes were sent to the identifier since `since`. */
export async function codesSentSince(db: Executor, programId: string, kind: CodeKind, value: string, since: Date): Promise<Date[]> {
  const rows = await db
    .selectFrom('member_codes')
    .select('created_at')
    .where('program_id', '=', programId)
    .where('kind', '=', kind)
    .where('value', '=', value)
    .where('created_at', '>', since)
    .execute();
  return rows.map((r) => r.created_at);
}

export async function insertMemberCode(db: Executor, c: { programId: string; codeId: string; kind: CodeKind; value: string; codeHash: string; at: Date; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('member_codes')
    .values({ program_id: c.programId, code_id: c.codeId, kind: c.kind, value: c.value, code_hash: c.codeHash, attempts: 0, created_at: c.at, expires_at: c.expiresAt, consumed_at: null })
    .execute();
}

/** The newest code sent to the identifier, locked: only the newest counts. */
export async function latestMemberCode(db: Executor, programId: string, kind: CodeKind, value: string): Promise<MemberCodeRow | undefined> {
  const r = await db
    .selectFrom('member_codes')
    .select(['code_id', 'code_hash', 'attempts', 'created_at', 'expires_at', 'consumed_at'])
    .where('program_id', '=', programId)
    .where('kind', '=', kind)
    .where('value', '=', value)
    .orderBy('created_at', 'desc')
    .orderBy('code_id', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  return r && { codeId: r.code_id, codeHash: r.code_hash, attempts: r.attempts, createdAt: r.created_at, expiresAt: r.expires_at, consumedAt: r.consumed_at };
}

export async function countWrongAttempt(db: Executor, programId: string, codeId: string): Promise<void> {
  await db.updateTable('member_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('program_id', '=', programId).where('code_id', '=', codeId).execute();
}

export async function consumeMemberCode(db: Executor, programId: string, codeId: string, at: Date): Promise<void> {
  await db.updateTable('member_codes').set({ consumed_at: at }).where('program_id', '=', programId).where('code_id', '=', codeId).execute();
}

/** Drops codes older than `before` (the background jobs); the hourly limit needs an hour of them. */
export async function deleteOldCodes(db: Executor, before: Date): Promise<number> {
  const r = await db.deleteFrom('member_codes').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
