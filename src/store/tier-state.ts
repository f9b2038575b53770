import { sql } from 'kysely';
import type { Executor } from './executor.js';

/** What a member did in a qualification window: money paid (less refunds), purchases, points earned (less clawed back). */
export interface QualifyingTotals {
  spend: number;
  purchases: number;
  points: number;
}

/**
 * The member's qualifying totals for [from, to): completed purchases by when they happened, less
 * what was returned of them; points by the entries that earned them. One statement, filtered by
 * member_id (DESIGN.md: the hot path touches one member's rows).
 */
export async function qualifyingTotals(db: Executor, memberId: string, from: Date, to: Date): Promise<QualifyingTotals> {
  const r = await sql<{ spend: number; purchases: number; points: number }>`
    select
      (select coalesce(sum(coalesce(p.paid_total, p.total)), 0) from purchases p
        where p.member_id = ${memberId} and p.status = 'completed' and p.occurred_at >= ${from} and p.occurred_at < ${to})
      - (select coalesce(sum(r.refund), 0) from returns r join purchases p on p.member_id = r.member_id and p.purchase_id = r.purchase_id
        where r.member_id = ${memberId} and p.occurred_at >= ${from} and p.occurred_at < ${to}) as spend,
      (select count(*) from purchases p
        where p.member_id = ${memberId} and p.status = 'completed' and p.occurred_at >= ${from} and p.occurred_at < ${to})::int as purchases,
      (select coalesce(sum(e.amount), 0) from entries e
        where e.member_id = ${memberId} and e.kind in ('earn', 'return_clawback') and e.account = 'issued'
          and e.created_at >= ${from} and e.created_at < ${to}) as points`.execute(db);
  return r.rows[0]!;
}

export interface TierChangeRow {
  changeId: string;
  at: Date;
  fromTier: string | null;
  toTier: string | null;
  reason: string;
}

export function insertTierChangeQuery(programId: string, memberId: string, c: TierChangeRow) {
  return sql`insert into tier_changes (member_id, change_id, program_id, at, from_tier, to_tier, reason)
    values (${memberId}::uuid, ${c.changeId}::uuid, ${programId}::uuid, ${c.at}::timestamptz, ${c.fromTier}, ${c.toTier}, ${c.reason})`;
}

export async function tierChangesOf(db: Executor, memberId: string, limit: number): Promise<TierChangeRow[]> {
  const rows = await db.selectFrom('tier_changes').selectAll().where('member_id', '=', memberId).orderBy('change_id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ changeId: r.change_id, at: r.at, fromTier: r.from_tier, toTier: r.to_tier, reason: r.reason }));
}

/** Paid memberships in force at `at` (the best one wins). */
export async function membershipsAt(db: Executor, memberId: string, at: Date): Promise<{ tierId: string; endsAt: Date }[]> {
  const rows = await db
    .selectFrom('memberships')
    .select(['tier_id', 'ends_at'])
    .where('member_id', '=', memberId)
    .where('starts_at', '<=', at)
    .where('ends_at', '>', at)
    .execute();
  return rows.map((r) => ({ tierId: r.tier_id, endsAt: r.ends_at }));
}

/**
 * Members of the program with a tier held since before `before`: those whose review may be due
 * (and those in grace). Through the partial index wallets_tier_review (migration 0013).
 */
export async function tiersDueForReview(db: Executor, programId: string, before: Date): Promise<{ memberId: string; tierId: string | null; since: Date | null }[]> {
  const rows = await db
    .selectFrom('wallets')
    .select(['member_id', 'tier_id', 'tier_since'])
    .where('program_id', '=', programId)
    .where('tier_id', 'is not', null)
    .where('tier_since', '<', before)
    .orderBy('member_id')
    .execute();
  return rows.map((r) => ({ memberId: r.member_id, tierId: r.tier_id, since: r.tier_since }));
}

/** Stores the member's tier after a review (the wallet is locked by the caller). */
export async function setWalletTier(db: Executor, memberId: string, state: { tierId: string | null; since: Date | null }): Promise<void> {
  await db.updateTable('wallets').set({ tier_id: state.tierId, tier_since: state.since }).where('member_id', '=', memberId).execute();
}
