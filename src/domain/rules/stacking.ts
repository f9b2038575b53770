/**
 * Stacking: which of the matching campaigns apply together. Candidates come highest priority
 * first (ties by id):
 *
 * - `stack` applies alongside others;
 * - `exclusive` applies only if nothing has applied before it, and then nothing after it does;
 * - `best_of` campaigns compete among themselves: where the first of them comes, the one worth
 *   most to the customer (discount + points × pointValue, estimated on the receipt as it stands
 *   then) applies and the others do not; ties go to the higher priority. The winner stacks with
 *   `stack` campaigns.
 *
 * A campaign whose effects come to nothing (or that the budget stops) does not count as applied:
 * it neither blocks an exclusive campaign nor wins a best_of.
 */
import type { TraceReason } from './facts.js';
import { refuse, type Candidate } from './match.js';

export interface StackingSteps<A> {
  /** What a candidate is worth now, in minor units, without applying it (for best_of). */
  value(cand: Candidate): number;
  /** Applies a candidate, or says why it gave nothing. */
  apply(cand: Candidate): A | TraceReason;
}

export function applyInOrder<A extends object>(candidates: readonly Candidate[], steps: StackingSteps<A>, explain: boolean): A[] {
  const applied: A[] = [];
  let firstApplied: string | null = null;
  let exclusive: string | null = null;
  const lost = new Set<Candidate>();
  for (let k = 0; k < candidates.length; k++) {
    let cand = candidates[k]!;
    if (lost.has(cand)) continue;
    if (exclusive !== null) {
      const by = exclusive;
      refuse(cand.trace, 'stacking', '/stacking', () => `campaign ${by} is exclusive and applied first`, explain);
      continue;
    }
    const stacking = cand.c.source.stacking;
    if (stacking === 'exclusive' && firstApplied !== null) {
      const by = firstApplied;
      refuse(cand.trace, 'stacking', '/stacking', () => `exclusive, but campaign ${by} applied first`, explain);
      continue;
    }
    if (stacking === 'best_of') {
      const group = candidates.slice(k).filter((x) => x.c.source.stacking === 'best_of' && !lost.has(x));
      const values = group.map((x) => steps.value(x));
      let best = 0;
      values.forEach((v, i) => v > values[best]! && (best = i));
      const winner = group[best]!;
      group.forEach((x, i) => {
        if (x === winner) return;
        lost.add(x);
        refuse(x.trace, 'stacking', '/stacking', () => `best_of: campaign ${winner.c.id} is worth more (${values[best]} against ${values[i]} minor units)`, explain);
      });
      if (explain && group.length > 1) winner.trace.matched.push(`best_of: worth ${values[best]} minor units, the most of ${group.length}`);
      cand = winner;
      lost.add(winner);
    }
    const result = steps.apply(cand);
    if (typeof result === 'string') {
      refuse(cand.trace, result, result === 'budget' ? '/budget' : '/effects', () => (result === 'budget' ? 'the budget left is too small for its discount' : 'its effects come to nothing on this receipt'), explain);
      continue;
    }
    cand.trace.status = 'applied';
    applied.push(result);
    firstApplied ??= cand.c.id;
    if (cand.c.source.stacking === 'exclusive') exclusive = cand.c.id;
  }
  return applied;
}
