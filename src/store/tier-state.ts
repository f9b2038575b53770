import { sql } from 'kysely';
import type { QualifyingTotals } from '../domain/tiers.js';
import type { Executor } from './executor.js';
import { qualifyingTotalsMany } from './purchase-loader.js';

export type { QualifyingTotals };

/** The member's qualifying totals for [from, to) (store/purchase-loader.ts `qualifyingTotalsMany` for one window). */
export async function qualifyingTotals(db: Executor, memberId: string, from: Date, to: Date): Promise<QualifyingTotals> {
  return (await qualifyingTotalsMany(db, [{ memberId, from, to }]))[0]!;
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
