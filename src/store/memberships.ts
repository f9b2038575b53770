import { sql, type Selectable } from 'kysely';
import type { Executor } from './executor.js';
import type { MembershipsTable } from './schema-rules.js';

export type MembershipRow = Selectable<MembershipsTable>;

/** The membership a purchase bought, if it was recorded already (a retried buy). */
export async function findMembershipByPurchase(db: Executor, memberId: string, purchaseId: string | null): Promise<MembershipRow | undefined> {
  return db.selectFrom('memberships').selectAll().where('member_id', '=', memberId).where('purchase_id', '=', purchaseId).executeTakeFirst();
}

/** When the member's current term of the tier ends (the latest end after `now`), or null without one. */
export async function currentMembershipEnd(db: Executor, memberId: string, tierId: string, now: Date): Promise<Date | null> {
  const current = await sql<{ ends_at: Date | null }>`
      select max(ends_at) as ends_at from memberships where member_id = ${memberId} and tier_id = ${tierId} and ends_at > ${now}`.execute(db);
  return current.rows[0]?.ends_at ?? null;
}

export async function insertMembership(db: Executor, row: MembershipRow): Promise<void> {
  await db.insertInto('memberships').values(row).execute();
}

/** The member's memberships, the latest start first. */
export async function listMembershipRows(db: Executor, memberId: string): Promise<MembershipRow[]> {
  return db.selectFrom('memberships').selectAll().where('member_id', '=', memberId).orderBy('starts_at', 'desc').execute();
}
