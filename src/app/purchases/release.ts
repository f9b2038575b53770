import { sql } from 'kysely';
import { couponUsesOfPurchase, giveCouponUseBack, setCouponUseStatus } from '../../store/coupons.js';
import type { Executor } from '../../store/executor.js';
import type { PurchaseResult } from '../../domain/purchase-types.js';

/**
 * A cancelled two-phase purchase did not happen: its coupon uses, campaign uses and budget
 * charges are given back, its effects no longer count as cost, and the member's purchase count
 * goes back down. Runs under the member's wallet lock, in the cancel's transaction.
 */
export async function releaseCancelled(db: Executor, programId: string, memberId: string, purchaseId: string, result: PurchaseResult, at: Date): Promise<void> {
  await giveCouponsBack(db, programId, memberId, purchaseId, ['held'], 'released', at);
  for (const u of result.usage ?? []) {
    await sql`update campaign_usage set uses = greatest(uses - 1, 0) where member_id = ${memberId} and campaign_id = ${u.campaignId} and period = ${u.period}`.execute(db);
  }
  const byCampaign = new Map<string, { points: number; money: number }>();
  for (const e of result.effects ?? []) {
    if (!e.campaignId) continue;
    const c = byCampaign.get(e.campaignId) ?? { points: 0, money: 0 };
    c.points += e.points;
    c.money += e.costMinor;
    byCampaign.set(e.campaignId, c);
  }
  // Only campaigns with a budget have a row; for the others the update finds nothing.
  const refunds = [...byCampaign].map(([campaignId, c]) => ({ campaignId, points: -c.points, money: -c.money, capPoints: null, capMoney: null }));
  if (refunds.length > 0) {
    await sql`update campaign_budgets set spent_points = campaign_budgets.spent_points + v.p, spent_money = campaign_budgets.spent_money + v.m, updated_at = ${at}
      from (values ${sql.join(refunds.map((r) => sql`(${r.campaignId}::text, ${r.points}::bigint, ${r.money}::bigint)`))}) as v(c, p, m)
      where campaign_budgets.program_id = ${programId} and campaign_budgets.campaign_id = v.c`.execute(db);
  }
  await sql`delete from campaign_effects where member_id = ${memberId} and purchase_id = ${purchaseId}`.execute(db);
  await sql`update wallets set purchase_count = greatest(purchase_count - 1, 0) where member_id = ${memberId}`.execute(db);
}

/** Gives the coupon uses of a purchase back (a cancel, or a full return when the program says so). */
export async function giveCouponsBack(
  db: Executor,
  programId: string,
  memberId: string,
  purchaseId: string,
  from: ('held' | 'used')[],
  to: 'released' | 'returned',
  at: Date,
): Promise<number> {
  let given = 0;
  for (const u of await couponUsesOfPurchase(db, memberId, purchaseId)) {
    if (!from.includes(u.status as 'held' | 'used')) continue;
    await setCouponUseStatus(db, memberId, u.couponUseId, to, at);
    // Codes whose uses are not counted (an unlimited shared code) stay at 0.
    await giveCouponUseBack(db, programId, u.code, true);
    given++;
  }
  return given;
}
