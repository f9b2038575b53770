import { DateTime } from 'luxon';
import { DomainError } from '../../domain/errors.js';
import { availableAt, planEarn, planRedeem, type Lot } from '../../domain/ledger.js';
import { evaluateReceipt } from '../../domain/receipt.js';
import { insertHoldsQuery, loadOpenLots, postEntries, type NewEntry, type NewHold, type NewLot } from '../../store/ledger.js';
import { toMember, type MemberRow } from '../../store/members.js';
import {
  claimReceipt,
  claimReceiptAndLockMember,
  findAnonymousPurchase,
  findPurchase,
  findReceiptClaim,
  insertAnonymousPurchase,
  insertPurchaseQuery,
  type PurchaseRowInput,
  type ReceiptClaim,
} from '../../store/purchases.js';
import { requestHash, type AppContext, type CachedProgram } from '../context.js';
import { LedgerChange } from '../ledger-state.js';
import { isUuid } from '../members.js';
import { evaluateFor, occurredAtOf, resolvePurchaseMember, toResult } from './evaluate.js';
import type { PurchaseInput, PurchaseResult } from './types.js';

/**
 * create: evaluates the receipt exactly as calculate does and writes it: spends (or holds) the
 * points asked for and earns what the money paid earns. Idempotent on the receipt id: a retry
 * answers the first result and writes nothing; another receipt with the same id is a conflict.
 */
export async function createPurchase(ctx: AppContext, programId: string, input: PurchaseInput): Promise<PurchaseResult> {
  const program = await ctx.programs.get(programId);
  const settings = program.settings;
  // A member named by an identifier is looked up first; one named by id is read under the lock.
  const named = input.identifier ? await resolvePurchaseMember(ctx.db, programId, input) : null;
  const memberId = named?.memberId ?? input.memberId ?? null;
  if (memberId !== null && !isUuid(memberId)) throw new DomainError('MEMBER_NOT_FOUND', `no member ${memberId} in this program`);
  const hash = requestHash(input);
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const occurredAt = occurredAtOf(input, now);
    const purchaseId = ctx.newId();
    const claim = { programId, receiptId: input.receiptId, purchaseId, requestHash: hash, at: now };
    let member: MemberRow | null = null;
    let prior: ReceiptClaim | null;
    if (memberId === null) {
      prior = await claimReceipt(trx, { ...claim, memberId: null });
    } else {
      const locked = await claimReceiptAndLockMember(trx, { ...claim, memberId });
      if (!locked.member) throw new DomainError('MEMBER_NOT_FOUND', `no member ${memberId} in this program`);
      member = toMember(locked.member);
      prior = locked.claimed ? null : await findReceiptClaim(trx, programId, input.receiptId);
    }
    if (prior) {
      if (prior.requestHash !== hash) {
        throw new DomainError('RECEIPT_ALREADY_EXISTS', `receipt ${input.receiptId} was already recorded with different contents`, {
          extra: { purchaseId: prior.purchaseId },
        });
      }
      const stored = prior.memberId
        ? await findPurchase(trx, prior.memberId, prior.purchaseId)
        : await findAnonymousPurchase(trx, programId, prior.purchaseId);
      return stored!.result as PurchaseResult;
    }

    if (!member) {
      const { evaluation } = await evaluateFor(trx, settings, null, input, occurredAt, now);
      const result = toResult(program, input, { purchaseId, status: 'completed', member: null, occurredAt, evaluation, balanceBefore: null, balanceAfter: null, holdExpiresAt: null });
      await insertAnonymousPurchase(trx, {
        programId,
        purchaseId,
        receiptId: input.receiptId,
        storeId: input.storeId ?? null,
        channel: input.channel ?? null,
        occurredAt,
        total: input.total,
        result,
        at: now,
      });
      return result;
    }

    // The wallet is locked: the lots read now are the member's current state.
    const state = await loadOpenLots(trx, member.memberId);
    const plan = planMemberPurchase(ctx, program, input, member, state, { purchaseId, occurredAt, now });
    await postEntries(trx, { memberId: member.memberId, programId, at: now }, plan.newLots, plan.entries, [
      ...insertHoldsQuery(trx, { memberId: member.memberId, programId }, plan.holds),
      insertPurchaseQuery(trx, [plan.purchase]),
    ]);
    return plan.result;
  });
}

/** Everything a member's purchase writes, planned in memory from the member's locked state. */
export interface MemberPurchasePlan {
  result: PurchaseResult;
  newLots: NewLot[];
  entries: NewEntry[];
  holds: NewHold[];
  purchase: PurchaseRowInput;
}

/**
 * Plans a member's purchase: evaluates the receipt on the member's open lots (read under the
 * wallet lock), spends or holds the points and earns. Throws the domain error that refuses the
 * purchase, having planned nothing. Shared by the single and the batched write paths.
 */
export function planMemberPurchase(
  ctx: AppContext,
  program: CachedProgram,
  input: PurchaseInput,
  member: MemberRow,
  state: Awaited<ReturnType<typeof loadOpenLots>>,
  at: { purchaseId: string; occurredAt: Date; now: Date },
): MemberPurchasePlan {
  const { purchaseId, occurredAt, now } = at;
  const settings = program.settings;
  const { lots, holds } = state;
  const available = availableAt(lots, holds, now);
  const evaluation = evaluateReceipt(
    { total: input.total, currency: input.currency, lines: input.lines },
    settings,
    { status: member.status, available },
    input.pointsToSpend ?? 0,
    occurredAt,
  );
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
  const result = toResult(program, input, { purchaseId, status, member, occurredAt, evaluation, balanceBefore: available, balanceAfter, holdExpiresAt });
  return {
    result,
    newLots: change.newLots,
    entries: change.entries,
    holds: heldNow,
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
