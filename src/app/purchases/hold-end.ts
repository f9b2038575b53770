/**
 * How a two-phase purchase's hold ends other than by confirm, and how a recorded purchase is
 * answered afterwards (docs/adr/0021-two-phase-outcomes.md).
 */
import { deleteHolds, loadOpenLots, lockWallet } from '../../store/ledger.js';
import { findPurchase, setPurchaseState, type PurchaseRow } from '../../store/purchases.js';
import type { Executor } from '../../store/executor.js';
import { insertEvents } from '../../store/domain-events.js';
import { draftEvent } from '../../domain/events/catalogue.js';
import type { AppContext } from '../context.js';
import { LedgerDraft } from '../../domain/ledger-draft.js';
import { releaseCancelled } from './release.js';
import type { CancelReason, PurchaseResult } from '../../domain/purchase-types.js';

/** Whether the hold of a held purchase has run out at `now` (it is then released, whether or not the job ran). */
export const holdRanOut = (p: Pick<PurchaseRow, 'status' | 'holdExpiresAt'>, now: Date): boolean =>
  p.status === 'held' && p.holdExpiresAt !== null && p.holdExpiresAt.getTime() <= now.getTime();

/**
 * A member's purchase as its last change left it: the stored answer, with the state fields from
 * the purchase's row (the stored answer is a replay, not the state; rows written before a field
 * existed lack it).
 */
export function purchaseView(p: PurchaseRow): PurchaseResult {
  return { ...(p.result as PurchaseResult), status: p.status, holdExpiresAt: p.holdExpiresAt?.toISOString() ?? null, cancelReason: p.cancelReason };
}

/** A purchase without a member: complete when created, never cancelled. */
export const anonymousView = (result: unknown): PurchaseResult => ({ ...(result as PurchaseResult), cancelReason: null });

/**
 * Cancels a held purchase under the member's wallet lock: releases the held points, gives back
 * what the purchase took from campaigns and coupons, and records why. The purchase's terms stay
 * as they were (what was held and dropped); the answer's balanceAfter is the balance after it.
 */
export async function cancelHeld(ctx: AppContext, trx: Executor, p: PurchaseRow, reason: CancelReason, now: Date): Promise<PurchaseResult> {
  await deleteHolds(trx, p.memberId, p.purchaseId);
  await releaseCancelled(trx, p.programId, p.memberId, p.purchaseId, now);
  const { lots, holds } = await loadOpenLots(trx, p.memberId);
  const balanceAfter = new LedgerDraft(ctx.newId).availableAfter(lots, holds, now);
  const result: PurchaseResult = { ...purchaseView(p), status: 'cancelled', cancelReason: reason, balanceAfter, receiptText: [] };
  await setPurchaseState(trx, p.memberId, p.purchaseId, { status: 'cancelled', result, pointsSpent: 0, cancelReason: reason, at: now });
  const released = purchaseView(p).pointsSpent;
  await insertEvents(trx, p.programId, now, [draftEvent(ctx.newId(), 'purchase.cancelled', p.memberId, now, { purchaseId: p.purchaseId, receiptId: p.receiptId, reason, pointsReleased: released })]);
  return result;
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
