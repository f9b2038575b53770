/** The main scheme's base earning per line, as `evaluateReceipt` computes it, for the rules engine's use. */
import { allocate } from '../arithmetic.js';
import { pointsForAmount } from '../receipt.js';
import type { CompiledRules } from './compile.js';
import type { ReceiptView } from './lines.js';

/** Which lines may earn: those the program does not exclude from earning. */
export function earnEligible(rules: CompiledRules, view: ReceiptView): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < view.n; i++) out.push(!rules.earnExcluded(view.sku[i]!, view.category[i]!));
  return out;
}

/** Which lines campaign and tier discounts may touch: those the program lets points pay for. */
export function discountEligible(rules: CompiledRules, view: ReceiptView): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < view.n; i++) out.push(!rules.redeemExcluded(view.sku[i]!, view.category[i]!));
  return out;
}

/**
 * Base points per line on the money paid: the main scheme's rate on the eligible lines' sum,
 * rounded once by the program's mode, then split over those lines by what they paid.
 */
export function baseEarning(rules: CompiledRules, paid: readonly number[], eligible: readonly boolean[]): number[] {
  const weights = paid.map((p, i) => (eligible[i] ? p : 0));
  const total = pointsForAmount(
    weights.reduce((s, w) => s + w, 0),
    rules.settings,
  );
  return allocate(total, weights);
}
