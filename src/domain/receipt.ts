import { allocate, divide } from './arithmetic.js';
import { availableAt, expiresAt } from './calendar.js';
import { DomainError, type FieldError } from './errors.js';
import { shortOfPoints, shortOfPointsDetail } from './ledger.js';
import { currencyMinorUnits, type ProgramSettings } from './settings.js';

/** A receipt line as the till sends it. Amounts are minor units. */
export interface ReceiptLineInput {
  sku: string;
  name?: string | undefined;
  category?: string | undefined;
  quantity: number;
  /** Unit price. */
  price: number;
  /** The till's own discount on the line, if any. */
  discount?: number | undefined;
}

export interface ReceiptInput {
  total: number;
  currency?: string | undefined;
  lines: ReceiptLineInput[];
}

/** One line after evaluation: what it cost, what points paid, what it earns. */
export interface EvaluatedLine {
  index: number;
  sku: string;
  name: string | null;
  category: string | null;
  quantity: number;
  price: number;
  /** price × quantity − the till's discount. */
  amount: number;
  /** Points spent on this line. */
  pointsSpent: number;
  /** Money covered by points on this line (the receipt's pointsSpent × pointValue, split over its lines). */
  pointsDiscount: number;
  /** Money the customer pays for the line. */
  paid: number;
  pointsEarned: number;
}

export interface MemberState {
  status: 'active' | 'blocked' | 'anonymised';
  /** Points spendable now. */
  available: number;
  /** Points earned but still in the return window, and when the first become spendable: asked only when a spend is short. */
  pending?: (() => { pending: number; nextAvailableAt: Date | null }) | undefined;
}

export interface Evaluation {
  lines: EvaluatedLine[];
  total: number;
  /** The most points that may be spent on this receipt by this member now. */
  maxPointsToSpend: number;
  pointsSpent: number;
  pointsEarned: number;
  paidTotal: number;
  /** When the earned points may be spent, and when they expire (null = never). */
  earnedAvailableAt: Date;
  earnedExpiresAt: Date | null;
}

/** Checks a receipt's arithmetic; every bad field is reported, nothing is guessed. */
export function validateReceipt(receipt: ReceiptInput, settings: ProgramSettings): void {
  if (receipt.currency !== undefined && receipt.currency !== settings.currency) {
    throw new DomainError('CURRENCY_MISMATCH', `the receipt is in ${receipt.currency}, the program in ${settings.currency}`, {
      errors: [{ pointer: '/currency', detail: `must be ${settings.currency}` }],
    });
  }
  const errors: FieldError[] = [];
  if (receipt.lines.length === 0) errors.push({ pointer: '/lines', detail: 'a receipt needs at least one line' });
  receipt.lines.forEach((line, i) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) errors.push({ pointer: `/lines/${i}/quantity`, detail: 'must be a positive integer' });
    if (!Number.isSafeInteger(line.price) || line.price < 0) errors.push({ pointer: `/lines/${i}/price`, detail: 'must be a non-negative integer in minor units' });
    const discount = line.discount ?? 0;
    if (!Number.isSafeInteger(discount) || discount < 0) errors.push({ pointer: `/lines/${i}/discount`, detail: 'must be a non-negative integer in minor units' });
    else if (Number.isSafeInteger(line.quantity) && line.quantity > 0 && discount > line.price * line.quantity) errors.push({ pointer: `/lines/${i}/discount`, detail: 'is larger than the line amount' });
  });
  if (errors.length > 0) throw new DomainError('INVALID_RECEIPT', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
  const sum = receipt.lines.reduce((s, l) => s + lineAmount(l), 0);
  if (sum !== receipt.total) {
    throw new DomainError('RECEIPT_TOTAL_MISMATCH', `the lines add up to ${sum}, the receipt total is ${receipt.total}`, {
      errors: [{ pointer: '/total', detail: `must equal the sum of the lines (${sum})` }],
      extra: { linesTotal: sum },
    });
  }
}

/** price × quantity − the till's discount. */
export const lineAmount = (l: ReceiptLineInput) => l.price * l.quantity - (l.discount ?? 0);

export const excluded = (l: ReceiptLineInput, ex: { categories: string[]; skus: string[] }) =>
  ex.skus.includes(l.sku) || (l.category !== undefined && ex.categories.includes(l.category));

/** The most points the program lets this member spend on this receipt. */
export function maxPointsToSpend(receipt: ReceiptInput, settings: ProgramSettings, member: MemberState | null): number {
  return maxPointsForAmount(redeemable(receipt, receipt.lines.map(lineAmount), settings).reduce((s, a) => s + a, 0), settings.maxRedeemPercent, settings, member);
}

/** Per line, the money points may pay for: `amounts`, or 0 on lines excluded from redeeming. */
export function redeemable(receipt: ReceiptInput, amounts: readonly number[], settings: ProgramSettings): number[] {
  return receipt.lines.map((l, i) => (excluded(l, settings.redeemExclusions) ? 0 : amounts[i]!));
}

/**
 * The most points a member may spend on `eligible` minor units of redeemable money when at most
 * `sharePercent` % of it may be paid with points (rounded down to whole points).
 */
export function maxPointsForAmount(eligible: number, sharePercent: number, settings: ProgramSettings, member: MemberState | null): number {
  if (!member || member.status !== 'active') return 0;
  if (member.available <= 0 || member.available < settings.minRedeemBalance) return 0;
  const byShare = divide(eligible * sharePercent, 100 * settings.pointValue, 'floor');
  return Math.min(member.available, byShare);
}

/** Refuses a spend of `pointsToSpend` that the member's state or the receipt's limit `max` does not allow. */
export function assertSpendAllowed(member: MemberState | null, pointsToSpend: number, max: number, settings: ProgramSettings): void {
  if (pointsToSpend <= 0) return;
  if (!member) throw new DomainError('MEMBER_NOT_FOUND', 'points can only be spent by a member');
  if (member.status === 'blocked') throw new DomainError('MEMBER_BLOCKED');
  if (member.available < settings.minRedeemBalance) {
    throw new DomainError('BELOW_MIN_REDEEM_BALANCE', `the balance ${member.available} is below ${settings.minRedeemBalance}`);
  }
  if (pointsToSpend > member.available) {
    const pending = member.pending?.() ?? { pending: 0, nextAvailableAt: null };
    throw new DomainError('INSUFFICIENT_POINTS', shortOfPointsDetail(pointsToSpend, member.available, pending), {
      extra: shortOfPoints(member.available, pending),
    });
  }
  if (pointsToSpend > max) {
    throw new DomainError('REDEEM_LIMIT_EXCEEDED', `at most ${max} points may be spent on this receipt`, { extra: { maxPointsToSpend: max } });
  }
}

/**
 * Splits spending `pointsToSpend` over lines by the money they may be paid with (`weights`):
 * the money the points cover per line (never more than its weight), then the points in
 * proportion to it. A line may so carry part of a point's value: capping each line at whole
 * points would make some allowed spends impossible on receipts of cheap lines.
 */
export function splitSpend(pointsToSpend: number, weights: readonly number[], settings: ProgramSettings): { discount: number[]; spent: number[] } {
  const discount = allocate(pointsToSpend * settings.pointValue, weights, weights);
  return { discount, spent: allocate(pointsToSpend, discount) };
}

/** Points earned on `base` minor units of money paid, by the main scheme's rate and rounding. */
export function pointsForAmount(base: number, settings: ProgramSettings): number {
  const rule = settings.earning;
  if (rule.kind === 'percent') {
    return divide(BigInt(base) * BigInt(Math.round(rule.percent * 100)), 10_000 * settings.pointValue, settings.rounding);
  }
  const perMinor = rule.per * 10 ** currencyMinorUnits(settings.currency);
  return divide(BigInt(base) * BigInt(rule.points), perMinor, settings.rounding);
}

/**
 * Evaluates a receipt against the main scheme: how many points may be spent, how spending
 * `pointsToSpend` splits over the lines, and what the money paid earns. Pure: `calculate` and
 * `create` call it with the same inputs and so get the same answer.
 */
export function evaluateReceipt(
  receipt: ReceiptInput,
  settings: ProgramSettings,
  member: MemberState | null,
  pointsToSpend: number,
  occurredAt: Date,
): Evaluation {
  validateReceipt(receipt, settings);
  const max = maxPointsToSpend(receipt, settings, member);
  assertSpendAllowed(member, pointsToSpend, max, settings);
  const amounts = receipt.lines.map(lineAmount);
  const { discount: discountPerLine, spent: spentPerLine } = splitSpend(pointsToSpend, redeemable(receipt, amounts, settings), settings);
  const paid = amounts.map((a, i) => a - discountPerLine[i]!);
  const earns = member?.status === 'active';
  const earnBase = receipt.lines.map((l, i) => (earns && !excluded(l, settings.earnExclusions) ? paid[i]! : 0));
  const pointsEarned = pointsForAmount(earnBase.reduce((s, b) => s + b, 0), settings);
  const earnedPerLine = allocate(pointsEarned, earnBase);
  const lines: EvaluatedLine[] = receipt.lines.map((l, i) => ({
    index: i,
    sku: l.sku,
    name: l.name ?? null,
    category: l.category ?? null,
    quantity: l.quantity,
    price: l.price,
    amount: amounts[i]!,
    pointsSpent: spentPerLine[i]!,
    pointsDiscount: discountPerLine[i]!,
    paid: paid[i]!,
    pointsEarned: earnedPerLine[i]!,
  }));
  const available = availableAt(occurredAt, settings.pendingDays, settings.timeZone);
  return {
    lines,
    total: receipt.total,
    maxPointsToSpend: max,
    pointsSpent: pointsToSpend,
    pointsEarned,
    paidTotal: paid.reduce((s, p) => s + p, 0),
    earnedAvailableAt: available,
    earnedExpiresAt: expiresAt(available, settings.expiry, settings.timeZone),
  };
}
