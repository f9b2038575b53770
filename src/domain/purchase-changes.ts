/**
 * What becomes of a recorded purchase after create, decided as plain values (the "decide" of
 * load → decide → commit, beside planPurchase): confirm, cancel (by the till or because the hold
 * ran out) and returns. Each reads the purchase's terms from its row's columns (PurchaseTerms),
 * never from the answer the till got, and returns a PurchaseChange that the store's member-ledger
 * writer commits in one statement with purchases (store/purchase-writer.ts), and the answer.
 * Nothing is deleted or decremented to undo what was written, except holds: a hold is a
 * reservation, not a movement of points, and it ends when the purchase is confirmed or cancelled
 * (docs/adr/0029-member-ledger-writer.md). Pure: no clock, no database; ids from the caller.
 */
import { expiresAt } from './calendar.js';
import { DomainError } from './errors.js';
import { earnInto, LedgerDraft, type NewEntry, type NewLot } from './ledger-draft.js';
import { planClawback, type Lot } from './ledger.js';
import type { MemberLedger, WalletMove } from './purchase-plan.js';
import type { EffectRow, UsageRow } from './purchase-rules.js';
import type { CancelReason, PurchaseResult, ReturnResult } from './purchase-types.js';
import { receiptText } from './receipt-text.js';
import { planReturn, returnedInFull, type LineTerms, type ReturnLineInput } from './returns.js';
import type { ProgramSettings } from './settings.js';

/** A member's purchase as its row keeps it: the terms create decided, in columns. */
export interface PurchaseTerms {
  memberId: string;
  purchaseId: string;
  status: 'held' | 'completed' | 'cancelled';
  occurredAt: Date;
  /** Points spent (held, while the purchase is held). */
  pointsSpent: number;
  /** The lot the purchase earns into; null when it earns nothing. */
  earnedAvailableAt: Date | null;
  earnedExpiresAt: Date | null;
  lineTerms: LineTerms[];
}

/** Points a purchase earns: the sum over its lines (as evaluatePurchase defines it). */
export const pointsEarnedOf = (lines: readonly LineTerms[]): number => lines.reduce((s, l) => s + l.pointsEarned, 0);

/** A coupon use of the purchase moving on; `givenBack` also lowers its code's use counter (a cache of the uses in force). */
export interface CouponUseChange {
  couponUseId: string;
  code: string;
  status: 'used' | 'released' | 'returned';
  givenBack: boolean;
}

/** A coupon use as loaded with its purchase. */
export interface PurchaseCouponUse {
  couponUseId: string;
  code: string;
  status: 'held' | 'used' | 'released' | 'returned';
}

/** What a purchase counted towards campaigns and has not had reversed yet: its uses and its effects. */
export interface PurchaseCounts {
  uses: { campaignId: string; period: string }[];
  effects: EffectRow[];
}

/** What a campaign's budget is given back (its cached spend goes down by the reversed effects). */
export interface BudgetRefund {
  campaignId: string;
  points: number;
  money: number;
}

/** The row's new status and the answer a retry or a GET is given from now on. */
export interface PurchaseStateChange {
  status: 'completed' | 'cancelled';
  cancelReason: CancelReason | null;
  pointsSpent: number;
  pointsEarned: number;
  response: PurchaseResult;
}

/** A return's row: the units it brought back per line (what later returns read) and its answer (for retries). */
export interface ReturnRecord {
  returnId: string;
  purchaseId: string;
  memberId: string | null;
  lines: { line: number; quantity: number }[];
  refund: number;
  response: ReturnResult;
}

/** Everything a confirm, cancel or return writes for one member. */
export interface PurchaseChange {
  memberId: string;
  purchaseId: string;
  newLots: NewLot[];
  entries: NewEntry[];
  wallet: WalletMove;
  /** The purchase's holds end (deleted: a hold is a reservation, not a movement of points). */
  endsHolds: boolean;
  state: PurchaseStateChange | null;
  couponUses: CouponUseChange[];
  /** Appended reversals of what a cancelled purchase counted: effects (negated, seq −1 − seq), uses (−1), budget refunds. */
  reversals: { effects: EffectRow[]; usage: UsageRow[]; budgets: BudgetRefund[] };
  returned: ReturnRecord | null;
}

export interface ChangeContext {
  now: Date;
  newId: () => string;
  settings: Pick<ProgramSettings, 'locale' | 'timeZone'>;
}

const noReversals = (): PurchaseChange['reversals'] => ({ effects: [], usage: [], budgets: [] });

/**
 * Confirms a held purchase: its holds become redeem entries on the lots they reserved, and it earns
 * into a new lot on its terms (paying off debt first); held coupon uses become used. `answer` is the
 * stored answer, used only to answer the same way with the new state.
 */
export function planConfirm(
  c: ChangeContext,
  terms: PurchaseTerms,
  ledger: MemberLedger,
  couponUses: readonly PurchaseCouponUse[],
  answer: PurchaseResult,
): PurchaseChange & { result: PurchaseResult } {
  const { purchaseId, memberId } = terms;
  const draft = new LedgerDraft(c.newId);
  for (const h of ledger.holds.filter((h) => h.purchaseId === purchaseId)) draft.post(h.lotId, 'redeemed', 'redeem', -h.amount, { purchaseId });
  const pointsEarned = pointsEarnedOf(terms.lineTerms);
  const availableAt = terms.earnedAvailableAt ?? c.now;
  earnInto(draft, ledger.lots, pointsEarned, { purchaseId, availableAt, expiresAt: terms.earnedExpiresAt });
  const balanceAfter = draft.availableAfter(ledger.lots, ledger.holds.filter((h) => h.purchaseId !== purchaseId), c.now);
  const result: PurchaseResult = {
    ...answer,
    status: 'completed',
    balanceAfter,
    receiptText: receiptText({ pointsSpent: terms.pointsSpent, pointsEarned, earnedAvailableAt: availableAt }, balanceAfter, terms.occurredAt, c.settings.locale, c.settings.timeZone),
  };
  return {
    memberId,
    purchaseId,
    newLots: draft.newLots,
    entries: draft.entries,
    wallet: { purchases: 0, purchaseAt: null },
    endsHolds: true,
    state: { status: 'completed', cancelReason: null, pointsSpent: terms.pointsSpent, pointsEarned, response: result },
    couponUses: couponUses.filter((u) => u.status === 'held').map((u) => ({ couponUseId: u.couponUseId, code: u.code, status: 'used', givenBack: false })),
    reversals: noReversals(),
    returned: null,
    result,
  };
}

/**
 * Cancels a held purchase (by the till, or because its hold ran out): its holds end, its held
 * coupon uses are released, and what it counted is given back by appending — reversing effect
 * rows, −1 uses, budget refunds, the wallet's purchase count down by one. The purchase's terms stay
 * as they were; the answer's balanceAfter is the balance once the hold is gone.
 */
export function planCancel(
  c: Pick<ChangeContext, 'now' | 'newId'>,
  terms: PurchaseTerms,
  ledger: MemberLedger,
  loaded: { counts: PurchaseCounts; couponUses: readonly PurchaseCouponUse[] },
  reason: CancelReason,
  answer: PurchaseResult,
): PurchaseChange & { result: PurchaseResult } {
  const { purchaseId, memberId } = terms;
  const balanceAfter = new LedgerDraft(c.newId).availableAfter(ledger.lots, ledger.holds.filter((h) => h.purchaseId !== purchaseId), c.now);
  const result: PurchaseResult = { ...answer, status: 'cancelled', cancelReason: reason, balanceAfter, receiptText: [] };
  const effects = loaded.counts.effects.map((e) => ({ ...e, seq: -1 - e.seq, points: -e.points, discount: -e.discount, cost: -e.cost }));
  const budgets = new Map<string, BudgetRefund>();
  for (const e of loaded.counts.effects) {
    const b = budgets.get(e.campaignId) ?? { campaignId: e.campaignId, points: 0, money: 0 };
    b.points += e.points;
    b.money += e.cost;
    budgets.set(e.campaignId, b);
  }
  return {
    memberId,
    purchaseId,
    newLots: [],
    entries: [],
    wallet: { purchases: -1, purchaseAt: null },
    endsHolds: true,
    state: { status: 'cancelled', cancelReason: reason, pointsSpent: 0, pointsEarned: 0, response: result },
    couponUses: loaded.couponUses.filter((u) => u.status === 'held').map((u) => ({ couponUseId: u.couponUseId, code: u.code, status: 'released', givenBack: true })),
    reversals: { effects, usage: loaded.counts.uses.map((u) => ({ memberId, campaignId: u.campaignId, period: u.period, uses: -1 })), budgets: [...budgets.values()] },
    returned: null,
    result,
  };
}

export type ReturnSettings = Pick<ProgramSettings, 'expiry' | 'timeZone' | 'clawbackPolicy' | 'pointValue' | 'couponUseBackOnReturn'>;

export interface ReturnContext {
  returnId: string;
  now: Date;
  newId: () => string;
  settings: ReturnSettings;
}

/** What a return asks of a purchase: its lines' terms, the units returned before, the units asked now. */
export interface ReturnAsked {
  purchaseId: string;
  status: PurchaseTerms['status'];
  lineTerms: readonly LineTerms[];
  returnedBefore: ReadonlyMap<number, number>;
  request: readonly ReturnLineInput[];
}

function returnedLines(a: ReturnAsked) {
  if (a.status !== 'completed') throw new DomainError('PURCHASE_NOT_RETURNABLE', `the purchase is ${a.status}`);
  const lines = planReturn(a.lineTerms, a.returnedBefore, a.request);
  const returnedNow = new Map(a.returnedBefore);
  for (const l of lines) returnedNow.set(l.line, (returnedNow.get(l.line) ?? 0) + l.quantity);
  return { lines, whole: returnedInFull(a.lineTerms, returnedNow) };
}

/**
 * A whole or partial return of a member's purchase (docs/adr/0004-returns.md). Points paid for the
 * returned goods come back as a new lot that expires by the program's rule counted from now;
 * points earned on them are taken back, from the purchase's own lot first. What the member has
 * already spent is settled by the clawback policy: a negative balance, or money withheld from the
 * refund (what the refund cannot cover still becomes a negative balance) — never lost. Returned
 * in full, the purchase's used coupons can be used again if the program says so.
 */
export function planMemberReturn(
  c: ReturnContext,
  memberId: string,
  asked: ReturnAsked,
  ledger: MemberLedger,
  couponUses: readonly PurchaseCouponUse[],
): PurchaseChange & { result: ReturnResult } {
  const { now, settings } = c;
  const { purchaseId } = asked;
  const { lines, whole } = returnedLines(asked);
  const refund = lines.reduce((s, l) => s + l.refund, 0);
  const restore = lines.reduce((s, l) => s + l.pointsToRestore, 0);
  const clawBack = lines.reduce((s, l) => s + l.pointsToClawBack, 0);
  const draft = new LedgerDraft(c.newId);
  const cause = { purchaseId, returnId: c.returnId };
  const working: Lot[] = [...ledger.lots];
  if (restore > 0) {
    const lot = { availableAt: now, expiresAt: expiresAt(now, settings.expiry, settings.timeZone) };
    const lotId = draft.openLot({ ...lot, purchaseId: null });
    draft.post(lotId, 'redeemed', 'return_restore', restore, cause);
    working.push({ lotId, remaining: restore, ...lot });
  }
  let shortfall = 0;
  let withheldPoints = 0;
  let owed = 0;
  if (clawBack > 0) {
    const own = ledger.lots.filter((l) => l.purchaseId === purchaseId).map((l) => l.lotId);
    const plan = planClawback(working, ledger.holds, own, clawBack, now);
    shortfall = plan.shortfall;
    for (const t of plan.taken) draft.post(t.lotId, 'issued', 'return_clawback', t.amount, cause);
    if (settings.clawbackPolicy === 'withhold_from_refund') withheldPoints = Math.min(shortfall, Math.floor(refund / settings.pointValue));
    owed = shortfall - withheldPoints;
    if (owed > 0) {
      const debtLot = draft.openLot({ availableAt: now, expiresAt: null, purchaseId: null });
      draft.post(debtLot, 'issued', 'return_clawback', -owed, cause);
    }
  }
  const refundWithheld = withheldPoints * settings.pointValue;
  const result: ReturnResult = {
    returnId: c.returnId,
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
    balanceAfter: draft.availableAfter(ledger.lots, ledger.holds, now),
    createdAt: now.toISOString(),
  };
  const givesCouponsBack = whole && settings.couponUseBackOnReturn;
  return {
    memberId,
    purchaseId,
    newLots: draft.newLots,
    entries: draft.entries,
    wallet: { purchases: 0, purchaseAt: null },
    endsHolds: false,
    state: null,
    couponUses: givesCouponsBack
      ? couponUses.filter((u) => u.status === 'used').map((u) => ({ couponUseId: u.couponUseId, code: u.code, status: 'returned', givenBack: true }))
      : [],
    reversals: noReversals(),
    returned: { returnId: c.returnId, purchaseId, memberId, lines: lines.map((l) => ({ line: l.line, quantity: l.quantity })), refund, response: result },
    result,
  };
}

/** A return of a receipt without a member: the refund only (no ledger). */
export function planAnonymousReturn(c: Pick<ReturnContext, 'returnId' | 'now'>, asked: ReturnAsked): { returned: ReturnRecord; result: ReturnResult } {
  const { lines } = returnedLines(asked);
  const refund = lines.reduce((s, l) => s + l.refund, 0);
  const result: ReturnResult = {
    returnId: c.returnId,
    purchaseId: asked.purchaseId,
    memberId: null,
    lines,
    refund,
    refundWithheld: 0,
    refundDue: refund,
    pointsRestored: lines.reduce((s, l) => s + l.pointsToRestore, 0),
    pointsClawedBack: lines.reduce((s, l) => s + l.pointsToClawBack, 0),
    pointsWithheld: 0,
    pointsOwed: 0,
    balanceAfter: null,
    createdAt: c.now.toISOString(),
  };
  return { returned: { returnId: c.returnId, purchaseId: asked.purchaseId, memberId: null, lines: lines.map((l) => ({ line: l.line, quantity: l.quantity })), refund, response: result }, result };
}
