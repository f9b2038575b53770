import { DomainError } from '../../domain/errors.js';
import { planAnonymousReturn, planMemberReturn } from '../../domain/purchase-changes.js';
import { couponUsesOfPurchase } from '../../store/coupons.js';
import { loadOpenLots, lockWallet } from '../../store/ledger.js';
import { writePurchaseChanges } from '../../store/purchase-writer.js';
import { findAnonymousPurchase, findPurchase, returnedQuantities } from '../../store/purchases.js';
import type { AppContext } from '../context.js';
import { insertEvents } from '../../store/domain-events.js';
import { returnedEvent } from '../../domain/events/producers.js';
import { locatePurchase } from './two-phase.js';
import type { ReturnInput, ReturnResult } from '../../domain/purchase-types.js';

/**
 * A whole or partial return (decided by domain/purchase-changes.ts planMemberReturn or
 * planAnonymousReturn, written by the member-ledger writer). It reads the purchase's state from
 * its columns — each line's terms, the row's status, the units earlier returns brought back —
 * never the answers stored for retries, so changing an answer's shape cannot change a return.
 */
export async function returnPurchase(ctx: AppContext, programId: string, purchaseId: string, input: ReturnInput): Promise<ReturnResult> {
  const { memberId } = await locatePurchase(ctx, programId, purchaseId);
  const program = await ctx.programs.get(programId);
  const settings = program.settings;
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const returnId = ctx.newId();
    if (!memberId) {
      const purchase = await findAnonymousPurchase(trx, programId, purchaseId, true);
      if (!purchase) throw new DomainError('PURCHASE_NOT_FOUND');
      const returnedBefore = await returnedQuantities(trx, { programId, memberId, purchaseId });
      const asked = { purchaseId, status: 'completed' as const, lineTerms: purchase.lineTerms, returnedBefore, request: input.lines };
      const plan = planAnonymousReturn({ returnId, now }, asked);
      await writePurchaseChanges(trx, { programId, at: now, changes: [], anonymousReturns: [plan.returned] });
      await insertEvents(trx, programId, now, [returnedEvent(ctx.newId(), plan.result, now)]);
      return plan.result;
    }
    await lockWallet(trx, memberId);
    const purchase = await findPurchase(trx, memberId, purchaseId);
    if (!purchase) throw new DomainError('PURCHASE_NOT_FOUND');
    const returnedBefore = await returnedQuantities(trx, { programId, memberId, purchaseId });
    const asked = { purchaseId, status: purchase.status, lineTerms: purchase.lineTerms, returnedBefore, request: input.lines };
    const ledger = await loadOpenLots(trx, memberId);
    const couponUses = await couponUsesOfPurchase(trx, memberId, purchaseId);
    const plan = planMemberReturn({ returnId, now, newId: ctx.newId, settings }, memberId, asked, ledger, couponUses);
    await writePurchaseChanges(trx, { programId, at: now, changes: [plan] });
    await insertEvents(trx, programId, now, [returnedEvent(ctx.newId(), plan.result, now)]);
    return plan.result;
  });
}
