import { couponUsesOfPurchase, giveCouponUseBack, setCouponUseStatus } from '../../store/coupons.js';
import type { Executor } from '../../store/executor.js';
import { reverseCampaignState } from '../../store/campaign-state.js';

/**
 * A cancelled two-phase purchase did not happen: its coupon uses are released, and what it counted
 * and cost is given back by appending — reversing rows for its campaign uses and effects, budget
 * refunds, the purchase count (store/campaign-state.ts reverseCampaignState; nothing is deleted).
 * Runs under the member's wallet lock, in the cancel's transaction.
 */
export async function releaseCancelled(db: Executor, programId: string, memberId: string, purchaseId: string, at: Date): Promise<void> {
  await giveCouponsBack(db, programId, memberId, purchaseId, ['held'], 'released', at);
  await reverseCampaignState(db, { programId, memberId, purchaseId, at });
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
