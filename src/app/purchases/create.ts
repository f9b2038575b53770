import { DateTime } from 'luxon';
import { DomainError } from '../../domain/errors.js';
import { availableAt, planEarn, planRedeem, type Lot } from '../../domain/ledger.js';
import type { PurchaseEvaluation } from '../../domain/purchase.js';
import { addUsageQuery, insertEffectsQuery } from '../../store/campaign-state.js';
import { insertAuditQuery } from '../../store/audit.js';
import { insertCouponUsesQuery } from '../../store/coupons.js';
import { insertHoldsQuery, loadOpenLots, postEntriesMany, runTogether, type NewEntry, type NewHold, type NewLot, type WalletChange } from '../../store/ledger.js';
import { insertTierChangeQuery } from '../../store/tier-state.js';
import type { OperationNodeSource } from 'kysely';
import { toMember, type MemberRow } from '../../store/members.js';
import {
  claimReceipt,
  claimReceiptAndLockMember,
  findAnonymousPurchase,
  findReceiptClaim,
  insertAnonymousPurchase,
  insertPurchaseQuery,
  type LockedMember,
  type PurchaseRowInput,
  type ReceiptClaim,
} from '../../store/purchases.js';
import { requestHash, type AppContext, type CachedProgram } from '../context.js';
import { LedgerChange } from '../ledger-state.js';
import { isUuid } from '../members.js';
import { couponViews, evaluateWith, occurredAtOf, resolvePurchaseMember, toResult } from './evaluate.js';
import { budgetWarningRows, effectRows, type BudgetMoves, loadMemberRuleState, loadRulesContext, tierAfter, usageRows, type MemberRuleState, type RulesContext, type WalletFacts } from './rules.js';
import { anonymousView, replayPurchase } from './hold-end.js';
import { settle } from './settle.js';
import type { PurchaseInput, PurchaseResult } from './types.js';

/**
 * create: evaluates the receipt exactly as calculate does and writes it: spends (or holds) the
 * points asked for and earns what the money paid earns. Idempotent on the receipt id: a retry
 * answers the purchase as it stands (the first result, or for a two-phase purchase what its
 * confirm or cancel made of it: docs/adr/0021-two-phase-outcomes.md) and writes nothing but a
 * timed-out hold's cancellation; another receipt with the same id is a conflict.
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
    const claim = { programId, receiptId: input.receiptId, purchaseId, requestHash: hash, at: now };
    let locked: LockedMember | null = null;
    let prior: ReceiptClaim | null;
    if (memberId === null) {
      prior = await claimReceipt(trx, { ...claim, memberId: null });
    } else {
      const r = await claimReceiptAndLockMember(trx, { ...claim, memberId });
      if (!r.member) throw new DomainError('MEMBER_NOT_FOUND', `no member ${memberId} in this program`);
      locked = r.member;
      prior = r.claimed ? null : await findReceiptClaim(trx, programId, input.receiptId);
    }
    if (prior) {
      if (prior.requestHash !== hash) {
        throw new DomainError('RECEIPT_ALREADY_EXISTS', `receipt ${input.receiptId} was already recorded with different contents`, {
          extra: { purchaseId: prior.purchaseId },
        });
      }
      // A retry answers the purchase as it stands: a two-phase one may be confirmed or cancelled by now.
      return prior.memberId
        ? replayPurchase(ctx, trx, prior.memberId, prior.purchaseId)
        : anonymousView((await findAnonymousPurchase(trx, programId, prior.purchaseId))!.result);
    }

    if (!locked) {
      const empty = { lots: [], holds: [] };
      const first = await loadMemberRuleState(trx, rc, null, null, placeOf(input), occurredAt);
      const { evaluation, rules, budgets } = await settle(trx, programId, rc, first, (r) => evaluateWith(rc, r, null, empty, input, occurredAt, now).evaluation, now);
      const result = toResult(program, rc, input, { purchaseId, status: 'completed', member: null, occurredAt, evaluation, coupons: couponViews(rules, evaluation), balanceBefore: null, balanceAfter: null, holdExpiresAt: null });
      await insertAnonymousPurchase(trx, {
        programId,
        purchaseId,
        receiptId: input.receiptId,
        storeId: input.storeId ?? null,
        channel: input.channel ?? null,
        occurredAt,
        total: input.total,
        result,
        ruleVersion: rc.version,
        at: now,
      });
      await runTogether(trx, [
        ...insertEffectsQuery(programId, effectRows(evaluation, { memberId: null, purchaseId, occurredAt })),
        ...budgetWarningRows(ctx, programId, rc.compiled, budgets, purchaseId, now).map((w) => insertAuditQuery(trx, w)),
      ]);
      return result;
    }

    // The wallet is locked: the lots and facts read now are the member's current state.
    const member = toMember(locked);
    const state = await loadOpenLots(trx, member.memberId);
    const first = await loadMemberRuleState(trx, rc, member, walletFactsOf(locked), placeOf(input), occurredAt);
    const settled = await settle(trx, programId, rc, first, (r) => evaluateWith(rc, r, member, state, input, occurredAt, now).evaluation, now);
    const plan = planMemberPurchase(ctx, program, rc, input, member, state, settled, { purchaseId, occurredAt, now });
    await postEntriesMany(trx, { programId, at: now }, [{ memberId: member.memberId, newLots: plan.newLots, entries: plan.entries, wallet: plan.wallet }], [
      ...insertHoldsQuery(trx, { memberId: member.memberId, programId }, plan.holds),
      insertPurchaseQuery(trx, [plan.purchase]),
      ...plan.also,
    ]);
    return plan.result;
  });
}

export const placeOf = (input: PurchaseInput) => ({ storeId: input.storeId ?? null, channel: input.channel ?? null });

export const walletFactsOf = (m: LockedMember): WalletFacts => ({
  purchaseCount: m.w_purchase_count,
  firstPurchaseAt: m.w_first_purchase_at,
  lastPurchaseAt: m.w_last_purchase_at,
  tierId: m.w_tier_id,
  tierSince: m.w_tier_since,
});

/** Everything a member's purchase writes, planned in memory from the member's locked state. */
export interface MemberPurchasePlan {
  result: PurchaseResult;
  newLots: NewLot[];
  entries: NewEntry[];
  holds: NewHold[];
  purchase: PurchaseRowInput;
  wallet: WalletChange;
  /** Effects, campaign usage, coupon uses and tier changes: written beside the ledger. */
  also: OperationNodeSource[];
}

/**
 * Plans a member's purchase from its settled evaluation (campaigns, coupons and budgets decided
 * on the member's state read under the wallet lock): spends or holds the points, earns, and
 * records the effects. Shared by the single and the batched write paths.
 */
export function planMemberPurchase(
  ctx: AppContext,
  program: CachedProgram,
  rc: RulesContext,
  input: PurchaseInput,
  member: MemberRow,
  state: Awaited<ReturnType<typeof loadOpenLots>>,
  settled: { evaluation: PurchaseEvaluation; rules: MemberRuleState; budgets?: BudgetMoves | undefined },
  at: { purchaseId: string; occurredAt: Date; now: Date },
): MemberPurchasePlan {
  const { purchaseId, occurredAt, now } = at;
  const settings = program.settings;
  const { lots, holds } = state;
  const { evaluation, rules } = settled;
  const available = availableAt(lots, holds, now);
  const change = new LedgerChange(ctx);
  const redeem = planRedeem(lots, holds, evaluation.pointsSpent, now);
  let holdExpiresAt: Date | null = null;
  let heldNow: NewHold[] = [];
  if (input.twoPhase) {
    holdExpiresAt = DateTime.fromJSDate(now).plus({ minutes: settings.holdTimeoutMinutes }).toJSDate();
    heldNow = redeem.map((m) => ({ purchaseId, lotId: m.lotId, amount: -m.amount, expiresAt: holdExpiresAt! }));
  } else {
    for (const m of redeem) change.post(m.lotId, 'redeemed', 'redeem', m.amount, { purchaseId });
    earn(change, lots, evaluation.pointsEarned, { purchaseId, availableAt: evaluation.earnedAvailableAt, expiresAt: evaluation.earnedExpiresAt });
  }
  const balanceAfter = change.availableAfter(lots, [...holds, ...heldNow], now);
  const status = input.twoPhase ? 'held' : 'completed';
  const coupons = couponViews(rules, evaluation);
  const result = toResult(program, rc, input, { purchaseId, status, member, occurredAt, evaluation, coupons, balanceBefore: available, balanceAfter, holdExpiresAt });

  // Tier: the review due before this purchase, then an upgrade it earns (a held purchase counts
  // once confirmed, so it upgrades at the member's next purchase).
  const also: OperationNodeSource[] = [...insertEffectsQuery(program.programId, effectRows(evaluation, { memberId: member.memberId, purchaseId, occurredAt }))];
  also.push(...addUsageQuery(usageRows(rc.compiled, evaluation, member.memberId, occurredAt)));
  for (const w of budgetWarningRows(ctx, program.programId, rc.compiled, settled.budgets, purchaseId, now)) also.push(insertAuditQuery(ctx.db, w));
  const usedCodes = coupons.filter((c) => c.status === 'applied');
  if (usedCodes.length > 0) {
    also.push(
      insertCouponUsesQuery(
        program.programId,
        member.memberId,
        evaluation.couponsUsed.map((c) => ({ couponUseId: ctx.newId(), code: c.code, seriesId: c.seriesId, purchaseId, status: input.twoPhase ? 'held' : 'used', at: now })),
      ),
    );
  }
  const wallet: WalletChange = { purchases: 1, purchaseAt: occurredAt };
  if (rules.tier) {
    const decisions = input.twoPhase ? [...rules.tier.reviews, rules.tier.before] : tierAfter(rc.compiled, rules.tier, { paid: evaluation.paidTotal, points: evaluation.pointsEarned }, occurredAt);
    let from = rules.tier.walletTierId;
    for (const d of decisions) {
      if (d.change !== 'none') also.push(insertTierChangeQuery(program.programId, member.memberId, { changeId: ctx.newId(), at: d.effectiveAt, fromTier: from, toTier: d.tierId, reason: d.reason }));
      from = d.tierId;
    }
    const last = decisions[decisions.length - 1]!;
    wallet.tier = { tierId: last.tierId, since: last.since };
  }
  return {
    result,
    newLots: change.newLots,
    entries: change.entries,
    holds: heldNow,
    wallet,
    also,
    purchase: {
      memberId: member.memberId,
      purchaseId,
      programId: program.programId,
      receiptId: input.receiptId,
      status,
      storeId: input.storeId ?? null,
      channel: input.channel ?? null,
      occurredAt,
      total: input.total,
      pointsSpent: evaluation.pointsSpent,
      pointsEarned: input.twoPhase ? 0 : evaluation.pointsEarned,
      result,
      holdExpiresAt,
      ruleVersion: rc.version,
      paidTotal: evaluation.paidTotal,
      at: now,
    },
  };
}

/** Earns points into a new lot, paying off any debt first. */
export function earn(
  change: LedgerChange,
  lots: readonly Lot[],
  points: number,
  lot: { purchaseId: string | null; availableAt: Date; expiresAt: Date | null; reason?: string; actor?: string },
): void {
  if (points <= 0) return;
  const { toDebt, newLot } = planEarn(lots, points);
  const cause = { purchaseId: lot.purchaseId, reason: lot.reason ?? null, actor: lot.actor ?? null };
  for (const d of toDebt) change.post(d.lotId, 'issued', 'earn', d.amount, cause);
  if (newLot > 0) {
    const lotId = change.openLot({ availableAt: lot.availableAt, expiresAt: lot.expiresAt, purchaseId: lot.purchaseId });
    change.post(lotId, 'issued', 'earn', newLot, cause);
  }
}
