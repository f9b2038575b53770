import { DomainError } from '../../domain/errors.js';
import { planAnonymousPurchase, planPurchase, type PlanContext } from '../../domain/purchase-plan.js';
import { ruleStateOf, type WalletFacts } from '../../domain/purchase-rules.js';
import type { PurchaseInput, PurchaseResult } from '../../domain/purchase-types.js';
import type { Tx } from '../../store/executor.js';
import { toMember } from '../../store/members.js';
import { claimLockAndLoad } from '../../store/purchase-loader.js';
import { writePurchasesWithCommit } from '../../store/purchase-writer.js';
import { findAnonymousPurchase, findReceiptClaim, type LockedMember, type ReceiptClaim } from '../../store/purchases.js';
import { requestHash, type AppContext } from '../context.js';
import { isUuid } from '../members.js';
import { evaluateWith, occurredAtOf, resolvePurchaseMember } from './evaluate.js';
import { anonymousView, replayPurchase } from './hold-end.js';
import { loadRulesContext } from './rules.js';
import { settle } from './settle.js';
import { readsBeforeLock, statesFrom } from './state.js';

/**
 * create: evaluates the receipt exactly as calculate does and writes it: spends (or holds) the
 * points asked for and earns what the money paid earns. Idempotent on the receipt id: a retry
 * answers the purchase as it stands (the first result, or for a two-phase purchase what its
 * confirm or cancel made of it: docs/adr/0021-two-phase-outcomes.md) and writes nothing but a
 * timed-out hold's cancellation; another receipt with the same id is a conflict.
 *
 * Load → decide → commit: the member's state is loaded under the wallet lock (state.ts), the
 * shared rows a purchase takes (limited codes, budgets) are settled under their locks, the domain
 * plans the purchase (domain/purchase-plan.ts), and the purchase writer commits the plan.
 */
export async function createPurchase(ctx: AppContext, programId: string, input: PurchaseInput): Promise<PurchaseResult> {
  const program = await ctx.programs.get(programId);
  // A member named by an identifier is looked up first; one named by id is read under the lock.
  const named = input.identifier ? await resolvePurchaseMember(ctx.db, programId, input) : null;
  const memberId = named?.memberId ?? input.memberId ?? null;
  if (memberId !== null && !isUuid(memberId)) throw new DomainError('MEMBER_NOT_FOUND', `no member ${memberId} in this program`);
  const hash = requestHash(input);
  // The rules in force and the codes presented are read before the transaction (on the embedded
  // database the transaction owns the only connection); what they decide is settled inside it.
  const occurredAt = occurredAtOf(input, ctx.clock());
  const rc = await loadRulesContext(ctx, program, occurredAt, input.coupons);
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const purchaseId = ctx.newId();
    // The one claim statement of the purchase path (a batch of one): claims the receipt id and
    // locks the member's wallet, reading the member — sent with the read of the member's state.
    const place = placeOf(input);
    const { claimed, members, reads } = await claimLockAndLoad(
      trx,
      programId,
      [{ receiptId: input.receiptId, purchaseId, memberId, requestHash: hash }],
      memberId === null ? [] : readsBeforeLock([{ rc, memberId, place, occurredAt }]),
      now,
    );
    const locked: LockedMember | null = memberId === null ? null : (members.get(memberId) ?? null);
    if (memberId !== null && !locked) throw new DomainError('MEMBER_NOT_FOUND', `no member ${memberId} in this program`);
    const prior: ReceiptClaim | null = claimed.has(purchaseId) ? null : await findReceiptClaim(trx, programId, input.receiptId);
    if (prior) return answerRetry(ctx, trx, programId, input, prior);
    const pc: PlanContext = { programId, settings: program.settings, rc, purchaseId, occurredAt, now, newId: ctx.newId };

    if (!locked) {
      const empty = { lots: [], holds: [] };
      const first = ruleStateOf(rc, null, null, null, place, occurredAt);
      const settled = await settle(trx, programId, rc, first, (r) => evaluateWith(rc, r, null, empty, input, occurredAt, now).evaluation, now);
      const plan = planAnonymousPurchase(pc, input, settled);
      await writePurchasesWithCommit(trx, { programId, at: now, plans: [], anonymous: [plan] });
      return plan.result;
    }

    // The wallet is locked: the lots and facts read now are the member's current state.
    const member = toMember(locked);
    const [state] = await statesFrom(trx, [{ rc, member, wallet: walletFactsOf(locked), place, occurredAt }], reads);
    const { ledger, rules } = state!;
    const settled = await settle(trx, programId, rc, rules, (r) => evaluateWith(rc, r, member, ledger, input, occurredAt, now).evaluation, now);
    const plan = planPurchase(pc, input, member, ledger, settled);
    await writePurchasesWithCommit(trx, { programId, at: now, plans: [plan] });
    return plan.result;
  });
}

/**
 * The answer to a receipt id claimed before (one implementation for the single and the batched
 * path): a retry with the same body gets the purchase as it stands — a two-phase one may be
 * confirmed or cancelled by now, a lapsed hold is cancelled first — and another body with the same
 * receipt id is a conflict. Runs in a transaction (the lapsed hold's cancellation writes).
 */
export async function answerRetry(ctx: AppContext, trx: Tx, programId: string, input: PurchaseInput, prior: ReceiptClaim): Promise<PurchaseResult> {
  if (prior.requestHash !== requestHash(input)) {
    throw new DomainError('RECEIPT_ALREADY_EXISTS', `receipt ${input.receiptId} was already recorded with different contents`, { extra: { purchaseId: prior.purchaseId } });
  }
  return prior.memberId
    ? replayPurchase(ctx, trx, prior.memberId, prior.purchaseId)
    : anonymousView((await findAnonymousPurchase(trx, programId, prior.purchaseId))!.result);
}

export const placeOf = (input: PurchaseInput) => ({ storeId: input.storeId ?? null, channel: input.channel ?? null });

export const walletFactsOf = (m: LockedMember): WalletFacts => ({
  purchaseCount: m.w_purchase_count,
  firstPurchaseAt: m.w_first_purchase_at,
  lastPurchaseAt: m.w_last_purchase_at,
  tierId: m.w_tier_id,
  tierSince: m.w_tier_since,
});
