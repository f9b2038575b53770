import { decideTier, nextReviewAt, tierWindows, type TierDecision, type TierState } from '../../domain/tiers.js';
import type { CompiledRules } from '../../domain/rules/compile.js';
import type { Executor } from '../../store/executor.js';
import { qualifyingTotals } from '../../store/tier-state.js';

/** Guards the walk through the periods (a member nobody looked at for years, on a weekly window, is still few). */
const MAX_REVIEWS = 1_000;

/**
 * The reviews of a member's tier due by `now`, one period at a time (domain/tiers.ts,
 * nextReviewAt): each decided at its own moment with the totals of the period that ended then,
 * and dated then. Reads only when a review is due. Returns the decisions that changed something
 * (kept or moved the tier) and the state after them.
 */
export async function dueTierReviews(db: Executor, rules: CompiledRules, memberId: string, state: TierState, now: Date): Promise<{ decisions: TierDecision[]; state: TierState }> {
  const policy = rules.tierPolicy;
  const decisions: TierDecision[] = [];
  if (!policy || rules.tierList.length === 0) return { decisions, state };
  const tz = rules.settings.timeZone;
  let grace: Date | null = null;
  for (let i = 0; i < MAX_REVIEWS; i++) {
    const at = nextReviewAt(policy, state, now, tz, grace);
    if (at === null) break;
    const windows = tierWindows(policy, state, at, tz);
    const current = await qualifyingTotals(db, memberId, windows.current.from, windows.current.to);
    const review = windows.review ? await qualifyingTotals(db, memberId, windows.review.from, windows.review.to) : null;
    const d = decideTier(rules.tierList, policy, state, { current, review }, at, tz);
    if (d.change === 'none') {
      // Short at the review: in grace until graceUntil, decided again then.
      if (d.graceUntil !== null && d.graceUntil > at) {
        grace = d.graceUntil;
        continue;
      }
      break;
    }
    decisions.push(d);
    state = { tierId: d.tierId, since: d.since };
    grace = null;
  }
  return { decisions, state };
}
