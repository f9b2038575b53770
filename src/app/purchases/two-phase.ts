import { sql, type Transaction } from 'kysely';
import { DomainError } from '../../domain/errors.js';
import { receiptText } from '../../domain/receipt-text.js';
import { deleteHolds, loadOpenLots, lockWallet, postEntries } from '../../store/ledger.js';
import { findAnonymousPurchase, findPurchase, findPurchaseRef, heldPurchasesDue, setPurchaseState, type PurchaseRow } from '../../store/purchases.js';
import type { DB } from '../../store/schema.js';
import type { AppContext } from '../context.js';
import { LedgerChange } from '../ledger-state.js';
import { earn } from './create.js';
import { releaseCancelled } from './release.js';
import type { PurchaseResult } from './types.js';

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
  const row = memberId ? await findPurchase(ctx.db, memberId, purchaseId) : await findAnonymousPurchase(ctx.db, programId, purchaseId);
  if (!row) throw new DomainError('PURCHASE_NOT_FOUND');
  return row.result as PurchaseResult;
}

async function lockedPurchase(trx: Transaction<DB>, memberId: string, purchaseId: string): Promise<PurchaseRow> {
  await lockWallet(trx, memberId);
  const p = await findPurchase(trx, memberId, purchaseId);
  if (!p) throw new DomainError('PURCHASE_NOT_FOUND');
  return p;
}

/**
 * confirm: the held points are spent and the purchase earns. Confirming a confirmed purchase
 * answers the same result; a hold that has timed out cancels the purchase and answers HOLD_EXPIRED.
 */
export async function confirmPurchase(ctx: AppContext, programId: string, purchaseId: string): Promise<PurchaseResult> {
  const { memberId } = await locatePurchase(ctx, programId, purchaseId);
  if (!memberId) throw new DomainError('PURCHASE_NOT_HELD', 'a purchase without a member is complete when created');
  // Read before the transaction: on the embedded database the transaction owns the only connection.
  const program = await ctx.programs.get(programId);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const p = await lockedPurchase(trx, memberId, purchaseId);
    const prior = p.result as PurchaseResult;
    if (p.status === 'completed') return { result: prior };
    if (p.status === 'cancelled') throw new DomainError('PURCHASE_NOT_HELD', 'the purchase was cancelled');
    const now = ctx.clock();
    if (p.holdExpiresAt && p.holdExpiresAt.getTime() <= now.getTime()) {
      await cancelHeld(ctx, trx, p, now);
      return { expired: true as const };
    }
    const { lots, holds } = await loadOpenLots(trx, memberId);
    const change = new LedgerChange(ctx);
    for (const h of holds.filter((h) => h.purchaseId === purchaseId)) change.post(h.lotId, 'redeemed', 'redeem', -h.amount, { purchaseId });
    earn(change, lots, prior.pointsEarned, {
      purchaseId,
      availableAt: new Date(prior.earnedAvailableAt ?? now),
      expiresAt: prior.earnedExpiresAt ? new Date(prior.earnedExpiresAt) : null,
    });
    const otherHolds = holds.filter((h) => h.purchaseId !== purchaseId);
    const balanceAfter = change.availableAfter(lots, otherHolds, now);
    const result: PurchaseResult = {
      ...prior,
      status: 'completed',
      balanceAfter,
      holdExpiresAt: null,
      receiptText: receiptText(
        { pointsSpent: prior.pointsSpent, pointsEarned: prior.pointsEarned, earnedAvailableAt: new Date(prior.earnedAvailableAt ?? now) },
        balanceAfter,
        new Date(prior.occurredAt),
        program.settings.locale,
        program.settings.timeZone,
      ),
    };
    await postEntries(trx, { memberId, programId, at: now }, change.newLots, change.entries);
    await deleteHolds(trx, memberId, purchaseId);
    await sql`update coupon_uses set status = 'used', updated_at = ${now} where member_id = ${memberId} and purchase_id = ${purchaseId} and status = 'held'`.execute(trx);
    await setPurchaseState(trx, memberId, purchaseId, { status: 'completed', result, pointsEarned: prior.pointsEarned, at: now });
    return { result };
  });
  if ('expired' in outcome) throw new DomainError('HOLD_EXPIRED', `the hold of purchase ${purchaseId} timed out; the purchase was cancelled`);
  return outcome.result;
}

/** cancel: releases the held points. Cancelling a cancelled purchase answers the same result. */
export async function cancelPurchase(ctx: AppContext, programId: string, purchaseId: string): Promise<PurchaseResult> {
  const { memberId } = await locatePurchase(ctx, programId, purchaseId);
  if (!memberId) throw new DomainError('PURCHASE_NOT_HELD', 'a purchase without a member cannot be cancelled; return it');
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockedPurchase(trx, memberId, purchaseId);
    if (p.status === 'cancelled') return p.result as PurchaseResult;
    if (p.status === 'completed') throw new DomainError('PURCHASE_NOT_HELD', 'the purchase is complete; use a return');
    return cancelHeld(ctx, trx, p, ctx.clock());
  });
}

async function cancelHeld(ctx: AppContext, trx: Transaction<DB>, p: PurchaseRow, now: Date): Promise<PurchaseResult> {
  await deleteHolds(trx, p.memberId, p.purchaseId);
  await releaseCancelled(trx, p.programId, p.memberId, p.purchaseId, p.result as PurchaseResult, now);
  const { lots, holds } = await loadOpenLots(trx, p.memberId);
  const balanceAfter = new LedgerChange(ctx).availableAfter(lots, holds, now);
  const result: PurchaseResult = { ...(p.result as PurchaseResult), status: 'cancelled', pointsSpent: 0, pointsEarned: 0, balanceAfter, holdExpiresAt: null, receiptText: [] };
  await setPurchaseState(trx, p.memberId, p.purchaseId, { status: 'cancelled', result, pointsSpent: 0, at: now });
  return result;
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
          await cancelHeld(ctx, trx, p, ctx.clock());
          cancelled++;
        }
      });
    }
    if (due.length < batchSize) return cancelled;
  }
}
