import { DomainError } from '../../domain/errors.js';
import { planClawback, type Lot } from '../../domain/ledger.js';
import { expiresAt } from '../../domain/calendar.js';
import type { EvaluatedLine } from '../../domain/receipt.js';
import { planReturn } from '../../domain/returns.js';
import { loadOpenLots, lockWallet, lotsOfPurchase, postEntries } from '../../store/ledger.js';
import { findAnonymousPurchase, findPurchase, insertReturn, returnsOfPurchase } from '../../store/purchases.js';
import type { AppContext } from '../context.js';
import { insertEvents } from '../../store/domain-events.js';
import { returnedEvent } from '../../domain/events/producers.js';
import { LedgerDraft } from '../../domain/ledger-draft.js';
import { giveCouponsBack } from './release.js';
import { locatePurchase } from './two-phase.js';
import type { PurchaseResult, ReturnInput, ReturnResult } from '../../domain/purchase-types.js';

/**
 * A whole or partial return. Points paid for the returned goods come back (as a new lot that
 * expires by the program's rule counted from today: docs/adr/0004-returns.md); points earned on
 * them are taken back, from the purchase's own lot first. What the member has already spent is
 * settled by the program's clawback policy: a negative balance, or money withheld from the refund
 * (and whatever the refund cannot cover still becomes a negative balance) — never lost.
 */
export async function returnPurchase(
  ctx: AppContext,
  programId: string,
  purchaseId: string,
  input: ReturnInput,
): Promise<ReturnResult> {
  const { memberId } = await locatePurchase(ctx, programId, purchaseId);
  const program = await ctx.programs.get(programId);
  const settings = program.settings;
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    if (memberId) await lockWallet(trx, memberId);
    const purchase = memberId ? await findPurchase(trx, memberId, purchaseId) : await findAnonymousPurchase(trx, programId, purchaseId, true);
    if (!purchase) throw new DomainError('PURCHASE_NOT_FOUND');
    const prior = purchase.result as PurchaseResult;
    // The state is the row's status; the stored answer only gives the lines' terms.
    const status = 'status' in purchase ? purchase.status : 'completed';
    if (status !== 'completed') throw new DomainError('PURCHASE_NOT_RETURNABLE', `the purchase is ${status}`);
    const returnedBefore = new Map<number, number>();
    for (const r of (await returnsOfPurchase(trx, { programId, memberId, purchaseId })) as ReturnResult[]) {
      for (const l of r.lines) returnedBefore.set(l.line, (returnedBefore.get(l.line) ?? 0) + l.quantity);
    }
    const lines = planReturn(prior.lines as EvaluatedLine[], returnedBefore, input.lines);
    const refund = lines.reduce((s, l) => s + l.refund, 0);
    const restore = lines.reduce((s, l) => s + l.pointsToRestore, 0);
    const clawBack = lines.reduce((s, l) => s + l.pointsToClawBack, 0);
    const returnId = ctx.newId();
    let shortfall = 0;
    let withheldPoints = 0;
    let owed = 0;
    let balanceAfter: number | null = null;
    if (memberId) {
      const { lots, holds } = await loadOpenLots(trx, memberId);
      const change = new LedgerDraft(ctx.newId);
      const cause = { purchaseId, returnId };
      const working: Lot[] = [...lots];
      if (restore > 0) {
        const lot = { availableAt: now, expiresAt: expiresAt(now, settings.expiry, settings.timeZone) };
        const lotId = change.openLot({ ...lot, purchaseId: null });
        change.post(lotId, 'redeemed', 'return_restore', restore, cause);
        working.push({ lotId, remaining: restore, ...lot });
      }
      if (clawBack > 0) {
        const own = await lotsOfPurchase(trx, memberId, purchaseId);
        const plan = planClawback(working, holds, own, clawBack, now);
        shortfall = plan.shortfall;
        for (const t of plan.taken) change.post(t.lotId, 'issued', 'return_clawback', t.amount, cause);
        if (settings.clawbackPolicy === 'withhold_from_refund') withheldPoints = Math.min(shortfall, Math.floor(refund / settings.pointValue));
        owed = shortfall - withheldPoints;
        if (owed > 0) {
          const debtLot = change.openLot({ availableAt: now, expiresAt: null, purchaseId: null });
          change.post(debtLot, 'issued', 'return_clawback', -owed, cause);
        }
      }
      balanceAfter = change.availableAfter(lots, holds, now);
      await postEntries(trx, { memberId, programId, at: now }, change.newLots, change.entries);
    }
    const refundWithheld = withheldPoints * settings.pointValue;
    const out: ReturnResult = {
      returnId,
      purchaseId,
      memberId,
      lines,
      refund,
      refundWithheld,
      refundDue: refund - refundWithheld,
      pointsRestored: restore,
      // Each point earned on the returned goods is settled one way, under either policy.
      pointsClawedBack: clawBack - shortfall,
      pointsWithheld: withheldPoints,
      pointsOwed: owed,
      balanceAfter,
      createdAt: now.toISOString(),
    };
    await insertReturn(trx, { programId, memberId, purchaseId, returnId, lines: input.lines, result: out, refund, at: now });
    await insertEvents(trx, programId, now, [returnedEvent(ctx.newId(), out, now)]);
    // Returned in full: the coupon the purchase used can be used again, if the program says so.
    const returnedNow = new Map(returnedBefore);
    for (const l of lines) returnedNow.set(l.line, (returnedNow.get(l.line) ?? 0) + l.quantity);
    const whole = prior.lines.every((l) => (returnedNow.get(l.index) ?? 0) >= l.quantity);
    if (whole && memberId && settings.couponUseBackOnReturn) await giveCouponsBack(trx, programId, memberId, purchaseId, ['used'], 'returned', now);
    return out;
  });
}

