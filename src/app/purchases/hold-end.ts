/**
 * How a two-phase purchase's hold ends other than by confirm, and how a recorded purchase is
 * answered afterwards (docs/adr/0021-two-phase-outcomes.md).
 */
import { loadOpenLots, lockWallet } from '../../store/ledger.js';
import { findPurchase, type PurchaseRow } from '../../store/purchases.js';
import { countsOfPurchase } from '../../store/campaign-state.js';
import { couponUsesOfPurchase } from '../../store/coupons.js';
import type { Executor } from '../../store/executor.js';
import { writePurchaseChanges } from '../../store/purchase-writer.js';
import { insertEvents } from '../../store/domain-events.js';
import { draftEvent } from '../../domain/events/catalogue.js';
import type { AppContext } from '../context.js';
import { planCancel } from '../../domain/purchase-changes.js';
import type { CancelReason, PurchaseResult } from '../../domain/purchase-types.js';

/** Whether the hold of a held purchase has run out at `now` (it is then released, whether or not the job ran). */
export const holdRanOut = (p: Pick<PurchaseRow, 'status' | 'holdExpiresAt'>, now: Date): boolean =>
  p.status === 'held' && p.holdExpiresAt !== null && p.holdExpiresAt.getTime() <= now.getTime();

/**
 * A member's purchase as its last change left it, for a GET or a retry: the stored answer, with
 * the state fields from the purchase's row (the stored answer is a replay, not the state; rows
 * written before a field existed lack it). Never read to decide anything.
 */
export function purchaseView(p: PurchaseRow): PurchaseResult {
  return { ...(p.result as PurchaseResult), status: p.status, holdExpiresAt: p.holdExpiresAt?.toISOString() ?? null, cancelReason: p.cancelReason };
}

/** A purchase without a member: complete when created, never cancelled. */
export const anonymousView = (result: unknown): PurchaseResult => ({ ...(result as PurchaseResult), cancelReason: null });

/**
 * Cancels a held purchase under the member's wallet lock: loads what it counted, plans the cancel
 * (domain/purchase-changes.ts planCancel: the hold ends, coupons and campaign counts are given back
 * by appending, the reason is recorded) and writes it through the member-ledger writer. The
 * purchase's terms stay as they were; the answer's balanceAfter is the balance after it.
 */
export async function cancelHeld(ctx: AppContext, trx: Executor, p: PurchaseRow, reason: CancelReason, now: Date): Promise<PurchaseResult> {
  const ledger = await loadOpenLots(trx, p.memberId);
  const counts = await countsOfPurchase(trx, p.memberId, p.purchaseId);
  const couponUses = await couponUsesOfPurchase(trx, p.memberId, p.purchaseId);
  const plan = planCancel({ now, newId: ctx.newId }, p, ledger, { counts, couponUses }, reason, purchaseView(p));
  await writePurchaseChanges(trx, { programId: p.programId, at: now, changes: [plan] });
  const released = purchaseView(p).pointsSpent;
  await insertEvents(trx, p.programId, now, [draftEvent(ctx.newId(), 'purchase.cancelled', p.memberId, now, { purchaseId: p.purchaseId, receiptId: p.receiptId, reason, pointsReleased: released })]);
  return plan.result;
}

/**
 * The answer to a retry of create (same receipt id, same body): the purchase as it stands, not
 * a stale "held" — a hold that has run out is cancelled by the timeout first. Runs in a
 * transaction; takes the member's wallet lock when it has to write.
 */
export async function replayPurchase(ctx: AppContext, trx: Executor, memberId: string, purchaseId: string): Promise<PurchaseResult> {
  let p = await findPurchase(trx, memberId, purchaseId);
  if (!p) throw new Error(`purchase ${purchaseId} has a receipt claim but no row`);
  if (!holdRanOut(p, ctx.clock())) return purchaseView(p);
  await lockWallet(trx, memberId);
  p = (await findPurchase(trx, memberId, purchaseId))!;
  const now = ctx.clock();
  return holdRanOut(p, now) ? cancelHeld(ctx, trx, p, 'hold_timeout', now) : purchaseView(p);
}
