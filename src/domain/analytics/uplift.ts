/**
 * The uplift of a campaign over its control group: the difference of two means (treatment −
 * control) with a confidence interval by Welch's t (unequal variances, Welch–Satterthwaite degrees
 * of freedom), the relative uplift by the delta method, and the return on the campaign's cost.
 * Pure: the caller gives each group's values (one per member) and the costs. docs/analytics.md,
 * "Campaigns", says how the populations are drawn; docs/adr/0015-campaign-uplift.md why.
 */
import { lbeta } from './special.js';

/** Count, mean and sum of squared deviations of one group, kept by Welford's update (stable on large sums of money). */
export interface Moments {
  n: number;
  mean: number;
  /** Σ (x − mean)². */
  m2: number;
}

export const emptyMoments = (): Moments => ({ n: 0, mean: 0, m2: 0 });

/** Adds one value to the moments in place and returns them. */
export function addValue(m: Moments, x: number): Moments {
  m.n += 1;
  const delta = x - m.mean;
  m.mean += delta / m.n;
  m.m2 += delta * (x - m.mean);
  return m;
}

/** Moments of a list of values, e.g. momentsOf([3, 5, 7]) → { n: 3, mean: 5, m2: 8 }. */
export const momentsOf = (values: readonly number[]): Moments => values.reduce(addValue, emptyMoments());

/** The sample variance (n − 1 in the denominator); null below two values. */
export const sampleVariance = (m: Moments): number | null => (m.n < 2 ? null : m.m2 / (m.n - 1));

/**
 * The regularised incomplete beta function I_x(a, b), by its continued fraction (modified Lentz),
 * on the side of x where it converges fast.
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - lbeta(a, b)) / a;
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let i = 0; i <= 400; i++) {
    const m = Math.floor(i / 2);
    let numerator: number;
    if (i === 0) numerator = 1;
    else if (i % 2 === 0) numerator = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    else numerator = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    const cd = c * d;
    f *= cd;
    if (Math.abs(1 - cd) < 1e-14) break;
  }
  return front * (f - 1);
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df > 0, not necessarily whole). */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The p-quantile of Student's t with `df` degrees of freedom, by bisection on the CDF, e.g.
 * studentTQuantile(0.975, 10) = 2.2281. Degrees of freedom beyond 10⁷ are taken as 10⁷ (the
 * normal quantile to seven digits).
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`studentTQuantile: p must be in (0, 1) and df > 0, got p = ${p}, df = ${df}`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const v = Math.min(df, 1e7);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, v) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, v) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Interval {
  low: number;
  high: number;
}

/** Why an interval could not be given. */
export type NoIntervalReason = 'too_few_members' | 'no_variance' | 'no_control_spend';

export interface Uplift {
  treatmentMean: number | null;
  controlMean: number | null;
  /** Treatment mean − control mean. */
  absolute: number | null;
  absoluteInterval: Interval | null;
  /** absolute ÷ control mean. */
  relative: number | null;
  relativeInterval: Interval | null;
  standardError: number | null;
  degreesOfFreedom: number | null;
  /** Null when both intervals are given; otherwise why (at least one is missing). */
  reason: NoIntervalReason | null;
}

/** Fewer members than this in either group and no interval is given. */
export const MIN_GROUP_SIZE = 2;

/**
 * The uplift of the treatment's mean over the control's with a `confidence` interval (0.95 by
 * default) by Welch's t: se = √(s²ₜ/nₜ + s²꜀/n꜀), df by Welch–Satterthwaite, interval = difference
 * ± t(1 − α/2, df) × se. The relative uplift's interval uses the delta method, Var(x̄ₜ/x̄꜀) ≈
 * (s²ₜ/nₜ)/x̄꜀² + x̄ₜ²(s²꜀/n꜀)/x̄꜀⁴, with the same critical value.
 *
 * Example: treatment 3, 5, 7 and control 1, 2 → absolute 3.5, se 1.2583, df 2.635,
 * interval −0.837 … 7.837 (t = 3.4469).
 */
export function welchUplift(treatment: Moments, control: Moments, confidence = 0.95): Uplift {
  const treatmentMean = treatment.n > 0 ? treatment.mean : null;
  const controlMean = control.n > 0 ? control.mean : null;
  const absolute = treatmentMean === null || controlMean === null ? null : treatmentMean - controlMean;
  const relative = absolute === null || controlMean === null || controlMean === 0 ? null : absolute / controlMean;
  const none = (reason: NoIntervalReason): Uplift => ({ treatmentMean, controlMean, absolute, absoluteInterval: null, relative, relativeInterval: null, standardError: null, degreesOfFreedom: null, reason });
  const vt = sampleVariance(treatment);
  const vc = sampleVariance(control);
  if (vt === null || vc === null || absolute === null || treatmentMean === null || controlMean === null) return none('too_few_members');
  const at = vt / treatment.n;
  const ac = vc / control.n;
  const se2 = at + ac;
  if (!(se2 > 0)) return none('no_variance');
  const se = Math.sqrt(se2);
  const df = (se2 * se2) / ((at * at) / (treatment.n - 1) + (ac * ac) / (control.n - 1));
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  const absoluteInterval = { low: absolute - q * se, high: absolute + q * se };
  const base = { treatmentMean, controlMean, absolute, absoluteInterval, relative, standardError: se, degreesOfFreedom: df };
  if (controlMean === 0 || relative === null) return { ...base, relativeInterval: null, reason: 'no_control_spend' };
  const relSe = Math.sqrt(at / controlMean ** 2 + (treatmentMean ** 2 * ac) / controlMean ** 4);
  return { ...base, relativeInterval: { low: relative - q * relSe, high: relative + q * relSe }, reason: null };
}

/** Return on cost: (margin − cost) ÷ cost; null when nothing was spent. E.g. roi(15_000, 10_000) = 0.5. */
export const returnOnCost = (margin: number, cost: number): number | null => (cost > 0 ? (margin - cost) / cost : null);
