import { DomainError } from '../../domain/errors.js';
import { planConfirm } from '../../domain/purchase-changes.js';
import { loadOpenLots, lockWallet } from '../../store/ledger.js';
import { findAnonymousPurchase, findPurchase, findPurchaseRef, heldPurchasesDue, type PurchaseRow } from '../../store/purchases.js';
import type { Tx } from '../../store/executor.js';
import { couponUsesOfPurchase } from '../../store/coupons.js';
import { writePurchaseChanges } from '../../store/purchase-writer.js';
import { insertEvents } from '../../store/domain-events.js';
import { confirmedEvents } from '../../domain/events/producers.js';
import type { AppContext } from '../context.js';
import { anonymousView, cancelHeld, holdRanOut, purchaseView } from './hold-end.js';
import type { PurchaseResult } from '../../domain/purchase-types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds a purchase of the program by its id: the member it belongs to (null for an anonymous one). */
export async function locatePurchase(ctx: AppContext, programId: string, purchaseId: string): Promise<{ memberId: string | null }> {
  const ref = UUID.test(purchaseId) ? await findPurchaseRef(ctx.db, programId, purchaseId) : undefined;
  if (!ref) throw new DomainError('PURCHASE_NOT_FOUND', `no purchase ${purchaseId} in this program`);
  return ref;
}

/** A recorded purchase as create (or the last confirm or cancel) answered it. */
export async function getPurchase(ctx: AppContext, programId: string, purchaseId: string): Promise<PurchaseResult> {
  const { memberId } = await locatePurchase(ctx, programId, purchaseId);
  if (!memberId) {
    const anonymous = await findAnonymousPurchase(ctx.db, programId, purchaseId);
    if (!anonymous) throw new DomainError('PURCHASE_NOT_FOUND');
    return anonymousView(anonymous.result);
  }
  const row = await findPurchase(ctx.db, memberId, purchaseId);
  if (!row) throw new DomainError('PURCHASE_NOT_FOUND');
  return purchaseView(row);
}

const notHeld = (p: PurchaseRow, purchaseId: string) =>
  p.cancelReason === 'hold_timeout'
    ? new DomainError('HOLD_EXPIRED', `the hold of purchase ${purchaseId} timed out at ${p.holdExpiresAt?.toISOString() ?? '?'}; the purchase was cancelled`, {
        extra: { holdExpiresAt: p.holdExpiresAt?.toISOString() ?? null },
      })
    : new DomainError('PURCHASE_NOT_HELD', 'the purchase was cancelled');

async function lockedPurchase(trx: Tx, memberId: string, purchaseId: string): Promise<PurchaseRow> {
  await lockWallet(trx, memberId);
  const p = await findPurchase(trx, memberId, purchaseId);
  if (!p) throw new DomainError('PURCHASE_NOT_FOUND');
  return p;
}

/**
 * confirm: the held points are spent and the purchase earns. Confirming a confirmed purchase
 * answers the same result. A hold that has timed out answers HOLD_EXPIRED — whether the job has
 * cancelled the purchase already or this confirm does it now; a purchase cancelled while held
 * answers PURCHASE_NOT_HELD.
 */
export async function confirmPurchase(ctx: AppContext, programId: string, purchaseId: string): Promise<PurchaseResult> {
  const { memberId } = await locatePurchase(ctx, programId, purchaseId);
  if (!memberId) throw new DomainError('PURCHASE_NOT_HELD', 'a purchase without a member is complete when created');
  // Read before the transaction: on the embedded database the transaction owns the only connection.
  const program = await ctx.programs.get(programId);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const p = await lockedPurchase(trx, memberId, purchaseId);
    const prior = purchaseView(p);
    if (p.status === 'completed') return { result: prior };
    if (p.status === 'cancelled') throw notHeld(p, purchaseId);
    const now = ctx.clock();
    if (holdRanOut(p, now)) {
      await cancelHeld(ctx, trx, p, 'hold_timeout', now);
      return { expired: { ...p, cancelReason: 'hold_timeout' as const } };
    }
    // The terms come from the row's columns; the stored answer only shapes the new answer.
    const ledger = await loadOpenLots(trx, memberId);
    const couponUses = await couponUsesOfPurchase(trx, memberId, purchaseId);
    const plan = planConfirm({ now, newId: ctx.newId, settings: program.settings }, p, ledger, couponUses, prior);
    await writePurchaseChanges(trx, { programId, at: now, changes: [plan] });
    await insertEvents(trx, programId, now, confirmedEvents(ctx.newId, memberId, plan.result, now));
    return { result: plan.result };
  });
  // The cancellation is committed; the confirm still fails.
  if (outcome.expired) throw notHeld(outcome.expired, purchaseId);
  return outcome.result!;
}

/**
 * cancel: releases the held points. Cancelling a cancelled purchase answers the same result. A
 * hold that has already run out was ended by the timeout, and is recorded so (a later confirm
 * answers HOLD_EXPIRED either way).
 */
export async function cancelPurchase(ctx: AppContext, programId: string, purchaseId: string): Promise<PurchaseResult> {
  const { memberId } = await locatePurchase(ctx, programId, purchaseId);
  if (!memberId) throw new DomainError('PURCHASE_NOT_HELD', 'a purchase without a member cannot be cancelled; return it');
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockedPurchase(trx, memberId, purchaseId);
    if (p.status === 'cancelled') return purchaseView(p);
    if (p.status === 'completed') throw new DomainError('PURCHASE_NOT_HELD', 'the purchase is complete; use a return');
    const now = ctx.clock();
    return cancelHeld(ctx, trx, p, holdRanOut(p, now) ? 'hold_timeout' : 'cancel', now);
  });
}

/** The hold-timeout job: cancels two-phase purchases whose hold has run out. */
export async function cancelTimedOutHolds(ctx: AppContext, batchSize = 500): Promise<number> {
  let cancelled = 0;
  for (;;) {
    const due = await heldPurchasesDue(ctx.db, ctx.clock(), batchSize);
    for (const d of due) {
      await ctx.db.transaction().execute(async (trx) => {
        const p = await lockedPurchase(trx, d.memberId, d.purchaseId);
        if (p.status === 'held') {
          await cancelHeld(ctx, trx, p, 'hold_timeout', ctx.clock());
          cancelled++;
        }
      });
    }
    if (due.length < batchSize) return cancelled;
  }
}
