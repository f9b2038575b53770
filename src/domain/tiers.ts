/**
 * Tier qualification. A member's tier is measured on what they did in a window (money paid,
 * purchases, or points earned; each tier names its own metric and minimum):
 *
 * - **upgrade at once**: as soon as the current window qualifies for a higher tier;
 * - **review at the end of the tier's period**: a calendar period (the end of the month,
 *   quarter or year in which the tier was reached or last kept) or, for a rolling window of D
 *   days, D days after it was reached or last kept. At the review the tier is kept if the
 *   period that just ended (or the current window) qualifies for it;
 * - **downgrade only after grace**: otherwise the member keeps the tier `graceDays` longer, then
 *   moves to the best tier the reviewed period or the current window qualifies for.
 *
 * The caller asks `tierWindows` which windows to total, totals the member's history over them,
 * and calls `decideTier`; it stores the decision's tier and `since`, and writes its `reason`
 * into the member's history. Pure: the moment is passed in.
 */
import { DateTime } from 'luxon';
import { plusDays, startOfNextPeriod, startOfPeriod } from './calendar.js';
import type { Tier, TierMetric, TierPolicy } from './rules/types.js';

/** A member's qualifying totals over one window: money paid (minor units), purchases, points earned. */
export type QualifyingTotals = Record<TierMetric, number>;

export interface TierState {
  /** The member's tier now, or null. */
  tierId: string | null;
  /** When the tier's current period began: when it was reached, or kept at a review. */
  since: Date | null;
}

/** A time window, `from` inclusive, `to` exclusive. */
export interface Window {
  from: Date;
  to: Date;
}

export interface TierWindows {
  /** The window that can upgrade now; it ends 1 ms after the moment, so a purchase at the moment counts. */
  current: Window;
  /** The period that ended at the review now due (`at` is its end), or null when none is due. */
  review: (Window & { at: Date }) | null;
}

export type TierChange = 'upgrade' | 'downgrade' | 'keep' | 'none';

export interface TierDecision {
  tierId: string | null;
  since: Date | null;
  change: TierChange;
  /** For the member's history, e.g. "upgrade to gold: spend 5000000 ≥ 5000000 in the window". */
  reason: string;
  /** When the tier's period ends and it is reviewed next (null without a tier). */
  reviewAt: Date | null;
  /** While in grace: when the downgrade takes effect. */
  graceUntil: Date | null;
  /**
   * When the change took effect, the date its history row bears: the moment decided at for an
   * upgrade (or no change), the period's end for a review that keeps the tier, the period's end
   * (or the end of grace) for a downgrade — not the day someone next looked.
   */
  effectiveAt: Date;
}

const zoned = (d: Date, timeZone: string) => DateTime.fromJSDate(d, { zone: timeZone });

/** The end of the tier period that began at `since`: the next review. */
export function periodEnd(policy: TierPolicy, since: Date, timeZone: string): Date {
  const w = policy.window;
  if (w.kind === 'rolling') return plusDays(since, w.days, timeZone);
  return startOfNextPeriod(since, w.period, timeZone);
}

/** The start of the period that ends at `end` (the review window's start). */
function periodStartBefore(policy: TierPolicy, end: Date, timeZone: string): Date {
  const w = policy.window;
  if (w.kind === 'rolling') return plusDays(end, -w.days, timeZone);
  return startOfPeriod(new Date(end.getTime() - 1), w.period, timeZone);
}

/** The latest review due at `at` for a tier whose period began at `since`, or null. */
function dueReview(policy: TierPolicy, since: Date, at: Date, timeZone: string): Date | null {
  let review = periodEnd(policy, since, timeZone);
  if (review > at) return null;
  // Several periods may have passed (nobody looked): the latest period end counts.
  for (let next = periodEnd(policy, review, timeZone); next <= at; next = periodEnd(policy, next, timeZone)) review = next;
  return review;
}

/** The windows the caller must total for `decideTier` at `at`. */
export function tierWindows(policy: TierPolicy, state: TierState, at: Date, timeZone: string): TierWindows {
  const w = policy.window;
  const from = w.kind === 'rolling' ? plusDays(at, -w.days, timeZone) : startOfPeriod(at, w.period, timeZone);
  const current = { from, to: new Date(at.getTime() + 1) };
  const review = state.tierId !== null && state.since !== null ? dueReview(policy, state.since, at, timeZone) : null;
  return { current, review: review ? { from: periodStartBefore(policy, review, timeZone), to: review, at: review } : null };
}

/** The highest-ranked tier the totals qualify for, or null. */
export function qualifiedTier(tiers: readonly Tier[], totals: QualifyingTotals): Tier | null {
  let best: Tier | null = null;
  for (const t of tiers) if (totals[t.qualification.metric] >= t.qualification.min && (!best || t.rank > best.rank)) best = t;
  return best;
}

const why = (t: Tier, totals: QualifyingTotals) => `${t.qualification.metric} ${totals[t.qualification.metric]} ≥ ${t.qualification.min}`;
const day = (d: Date, timeZone: string) => zoned(d, timeZone).toISODate() ?? d.toISOString();

/**
 * Decides the member's tier at `at` from the totals over `tierWindows`' windows (`review` is
 * needed when a review is due, and ignored otherwise).
 */
export function decideTier(
  tiers: readonly Tier[],
  policy: TierPolicy,
  state: TierState,
  totals: { current: QualifyingTotals; review: QualifyingTotals | null },
  at: Date,
  timeZone: string,
): TierDecision {
  const current = state.tierId === null ? null : (tiers.find((t) => t.id === state.tierId) ?? null);
  const now = qualifiedTier(tiers, totals.current);
  const reviewAt = (since: Date | null, tier: Tier | null) => (tier && since ? periodEnd(policy, since, timeZone) : null);
  if (now && (!current || now.rank > current.rank)) {
    return { tierId: now.id, since: at, change: 'upgrade', reason: `upgrade to ${now.id}: ${why(now, totals.current)} in the current window`, reviewAt: reviewAt(at, now), graceUntil: null, effectiveAt: at };
  }
  const unchanged = (reason: string, graceUntil: Date | null = null): TierDecision => ({
    tierId: current?.id ?? null,
    since: current ? state.since : null,
    change: 'none',
    reason,
    reviewAt: reviewAt(state.since, current),
    graceUntil,
    effectiveAt: at,
  });
  if (!current) return unchanged(state.tierId === null ? 'qualifies for no tier' : `tier ${state.tierId} no longer exists; qualifies for no tier`);
  const windows = tierWindows(policy, state, at, timeZone);
  if (!windows.review) return unchanged(`keeps ${current.id} until its review`);
  const r = windows.review.at;
  const byReview = totals.review ? qualifiedTier(tiers, totals.review) : null;
  const target = byReview && (!now || byReview.rank >= now.rank) ? byReview : now;
  if (target && target.rank >= current.rank) {
    const basis = byReview && byReview.rank >= current.rank ? `${why(byReview, totals.review!)} in the period to ${day(r, timeZone)}` : `${why(now!, totals.current)} in the current window`;
    return { tierId: current.id, since: r, change: 'keep', reason: `keeps ${current.id} at the review of ${day(r, timeZone)}: ${basis}`, reviewAt: reviewAt(r, current), graceUntil: null, effectiveAt: r };
  }
  const graceUntil = zoned(r, timeZone).plus({ days: policy.graceDays }).toJSDate();
  const shortfall = `${current.qualification.metric} ${totals.review?.[current.qualification.metric] ?? 0} < ${current.qualification.min} in the period to ${day(r, timeZone)}`;
  if (at < graceUntil) return unchanged(`grace: ${shortfall}; keeps ${current.id} until ${day(graceUntil, timeZone)}`, graceUntil);
  return {
    tierId: target?.id ?? null,
    since: target ? r : null,
    change: 'downgrade',
    reason: `downgrade from ${current.id} to ${target?.id ?? 'no tier'}: ${shortfall}${policy.graceDays > 0 ? `, grace ended ${day(graceUntil, timeZone)}` : ''}`,
    reviewAt: reviewAt(r, target),
    graceUntil: null,
    effectiveAt: graceUntil,
  };
}

/**
 * Tiers held since before this instant may have a review due at `now` (and those in grace are
 * among them): for a calendar window, since before the current period began; for a rolling
 * window of D days, since D days ago or earlier.
 */
export function reviewDueSince(policy: TierPolicy, now: Date, timeZone: string): Date {
  const w = policy.window;
  if (w.kind === 'rolling') return new Date(zoned(now, timeZone).minus({ days: w.days }).toMillis() + 1);
  return startOfPeriod(now, w.period, timeZone);
}

/**
 * The next moment a review of the member's tier takes effect, if it is due by `now`: the end of
 * the tier's period or, when the review at that end granted grace (`graceUntil`, from
 * decideTier's answer there), the end of the grace. Null when none is due. A caller that walks
 * the reviews one by one — deciding at each moment with the totals of tierWindows at that
 * moment — records each period's review on its own date with its own period's totals, however
 * long nobody looked.
 *
 * @example monthly calendar window, silver since 10 Jan, now 5 Mar: the review of 1 Feb (January's
 * spend); if it keeps silver (since 1 Feb), then the review of 1 Mar (February's).
 */
export function nextReviewAt(policy: TierPolicy, state: TierState, now: Date, timeZone: string, graceUntil: Date | null = null): Date | null {
  if (state.tierId === null || state.since === null) return null;
  const at = graceUntil ?? periodEnd(policy, state.since, timeZone);
  return at <= now ? at : null;
}
