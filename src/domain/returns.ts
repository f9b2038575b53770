import { cumulativeShare } from './arithmetic.js';
import { DomainError, type FieldError } from './errors.js';
import type { EvaluatedLine } from './receipt.js';

/**
 * What a return needs of one line of a purchase, as create decided it: the units bought, the money
 * paid for them and the points spent and earned on them. A purchase keeps its lines' terms in a
 * column of its own (`line_terms`), so that a return is computed from the purchase's state, never
 * from the answer the till got (which may change shape).
 */
export interface LineTerms {
  quantity: number;
  paid: number;
  pointsSpent: number;
  pointsEarned: number;
}

/** The terms of evaluated lines, in line order (a line's index is its position). */
export const lineTermsOf = (lines: readonly EvaluatedLine[]): LineTerms[] =>
  lines.map((l) => ({ quantity: l.quantity, paid: l.paid, pointsSpent: l.pointsSpent, pointsEarned: l.pointsEarned }));

/** Whether a purchase is returned in full once `returned` units of each line (by index) are back. */
export const returnedInFull = (lines: readonly LineTerms[], returned: ReadonlyMap<number, number>): boolean =>
  lines.every((l, i) => (returned.get(i) ?? 0) >= l.quantity);

export interface ReturnLineInput {
  /** Index of the line in the purchase. */
  line: number;
  quantity: number;
}

export interface ReturnedLine {
  line: number;
  quantity: number;
  /** Money refunded for the returned units (before any withholding). */
  refund: number;
  /** Points earned on the returned units, to be taken back. */
  pointsToClawBack: number;
  /** Points paid for the returned units, to be given back. */
  pointsToRestore: number;
}

/**
 * Splits a (partial) return over the purchase's lines. Shares are cumulative: the k-th unit
 * returned of a line brings back floor(total × k / quantity) in all, so returning a line in any
 * number of steps brings back exactly what it earned and cost — never a point more or less.
 */
export function planReturn(
  lines: readonly LineTerms[],
  alreadyReturned: ReadonlyMap<number, number>,
  request: readonly ReturnLineInput[],
): ReturnedLine[] {
  const errors: FieldError[] = [];
  const asked = new Map<number, number>();
  request.forEach((r, i) => {
    if (!Number.isSafeInteger(r.quantity) || r.quantity <= 0) errors.push({ pointer: `/lines/${i}/quantity`, detail: 'must be a positive integer' });
    if (!lines[r.line]) errors.push({ pointer: `/lines/${i}/line`, detail: `the purchase has no line ${r.line}` });
    asked.set(r.line, (asked.get(r.line) ?? 0) + r.quantity);
  });
  if (errors.length > 0) throw new DomainError('INVALID_RECEIPT', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
  const result: ReturnedLine[] = [];
  for (const [index, quantity] of [...asked.entries()].sort((a, b) => a[0] - b[0])) {
    const line = lines[index]!;
    const before = alreadyReturned.get(index) ?? 0;
    if (before + quantity > line.quantity) {
      throw new DomainError('RETURN_EXCEEDS_PURCHASE', `line ${index}: ${line.quantity} bought, ${before} returned before, ${quantity} asked`, {
        errors: [{ pointer: `/lines`, detail: `line ${index} has only ${line.quantity - before} left to return` }],
      });
    }
    const share = (total: number) => cumulativeShare(total, line.quantity, before + quantity) - cumulativeShare(total, line.quantity, before);
    result.push({
      line: index,
      quantity,
      refund: share(line.paid),
      pointsToClawBack: share(line.pointsEarned),
      pointsToRestore: share(line.pointsSpent),
    });
  }
  return result;
}
