/**
 * The Gamma-Gamma model of spend per transaction (Fader & Hardie, "The Gamma-Gamma Model of
 * Monetary Value", 2013) and customer lifetime value built on it and the BG/NBD.
 *
 * Each of a member's transactions is worth zᵢ ~ Gamma(p, ν) with the member's own ν; across
 * members ν ~ Gamma(q, γ). The member's mean z̄ of x transactions is then Gamma(px, νx), and the
 * model assumes spend does not depend on how often the member buys.
 */
import { conditionalExpectedPurchases, type BgNbdParams, type PurchaseHistory } from './bgnbd.js';
import { minimizePositive, type PositiveOptions } from './optimize.js';
import { lgamma } from './special.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendHistory {
  /** Number of transactions the mean is taken over (repeat purchases in the usual set-up). */
  x: number;
  /** Their mean spend, > 0. */
  meanSpend: number;
}

/**
 * Members that the model can use: x > 0 and a positive mean. A member with no repeat purchase
 * tells nothing about spend apart from the first purchase, which the literature leaves out
 * because first purchases are often different (sign-up offers).
 */
export function usableSpend(histories: Iterable<SpendHistory>): SpendHistory[] {
  const out: SpendHistory[] = [];
  for (const h of histories) {
    if (!(Number.isInteger(h.x) && h.x >= 0)) throw new RangeError(`Gamma-Gamma: x = ${h.x} is not a whole number ≥ 0`);
    if (h.x > 0 && h.meanSpend > 0 && Number.isFinite(h.meanSpend)) out.push(h);
  }
  return out;
}

/**
 * Log-likelihood summed over members (the note, eq. 3 as a density of z̄):
 *   f(z̄ | x) = Γ(px+q)/(Γ(px)Γ(q)) · γ^q · z̄^(px−1) · x^(px) / (γ + x z̄)^(px+q).
 * Members with x = 0 or a non-positive mean are skipped (see usableSpend).
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, histories: Iterable<SpendHistory>): number {
  return prepare(usableSpend(histories))(params);
}

/** The likelihood as a closure over pre-computed columns, so that a fit's many calls stay cheap. */
function prepare(members: readonly SpendHistory[]): (params: GammaGammaParams) => number {
  const n = members.length;
  const xs = Float64Array.from(members, (m) => m.x);
  const totals = Float64Array.from(members, (m) => m.x * m.meanSpend);
  const logMean = Float64Array.from(members, (m) => Math.log(m.meanSpend));
  const logX = Float64Array.from(members, (m) => Math.log(m.x));
  // Γ terms depend on x only; x takes few values, so they are computed once per value per call.
  const distinct = [...new Set(xs)];
  const position = new Map(distinct.map((x, k) => [x, k]));
  const xIndex = Int32Array.from(xs, (x) => position.get(x) as number);
  const byX = new Float64Array(distinct.length);
  return ({ p, q, gamma }) => {
    if (!(p > 0 && q > 0 && gamma > 0)) return NaN;
    const constant = -lgamma(q) + q * Math.log(gamma);
    for (let k = 0; k < distinct.length; k++) {
      const px = p * (distinct[k] as number);
      byX[k] = constant + lgamma(px + q) - lgamma(px);
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const px = p * (xs[i] as number);
      sum +=
        (byX[xIndex[i] as number] as number) +
        (px - 1) * (logMean[i] as number) +
        px * (logX[i] as number) -
        (px + q) * Math.log(gamma + (totals[i] as number));
    }
    return sum;
  };
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Members used (x > 0 and a positive mean). */
  members: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Fit p, q, γ by maximum likelihood on the members with x > 0. Starts from p = 1, q = 2 and
 * γ = the mean of the means, which has the scale of the money unit, so the same start works for
 * kopecks and roubles.
 */
export function fitGammaGamma(histories: Iterable<SpendHistory>, options: PositiveOptions = {}): GammaGammaFit {
  const members = usableSpend(histories);
  if (members.length === 0) throw new RangeError('Gamma-Gamma: no member with a repeat purchase and a positive mean spend');
  const ll = prepare(members);
  const scale = members.reduce((s, m) => s + m.meanSpend, 0) / members.length;
  const objective = (v: readonly number[]) => -ll(toParams(v)) / members.length;
  const result = minimizePositive(objective, [1, 2, scale], options);
  const params = toParams(result.x);
  return { params, logLikelihood: ll(params), members: members.length, evaluations: result.evaluations, converged: result.converged };
}

function toParams(v: readonly number[]): GammaGammaParams {
  return { p: v[0] as number, q: v[1] as number, gamma: v[2] as number };
}

/**
 * E[M | x, z̄]: a member's expected spend per future transaction (the note, eq. 5), a weighted
 * mean of the population mean γp/(q−1) and the member's own mean z̄, with weight px/(px+q−1) on
 * z̄ — the more transactions seen, the more the member's own mean counts:
 *   E[M] = (γ + x z̄) p / (px + q − 1).
 * A member with x = 0 gets the population mean. Needs q > 1 (otherwise the mean spend is infinite).
 */
export function expectedSpend(params: GammaGammaParams, h: SpendHistory): number {
  const { p, q, gamma } = params;
  if (!(q > 1)) throw new RangeError(`Gamma-Gamma: q = ${q} ≤ 1, the expected spend is infinite`);
  const x = h.x > 0 && h.meanSpend > 0 ? h.x : 0;
  const total = x > 0 ? x * h.meanSpend : 0;
  return ((gamma + total) * p) / (p * x + q - 1);
}

/** The population mean spend per transaction, E[Z] = γp/(q−1). */
export function populationMeanSpend(params: GammaGammaParams): number {
  return expectedSpend(params, { x: 0, meanSpend: 0 });
}

export interface ClvOptions {
  /** Number of periods to sum over, e.g. 12 months. */
  periods: number;
  /** Length of one period in the BG/NBD's time unit, e.g. 52/12 weeks for a month. */
  periodLength: number;
  /** Discount rate per period, e.g. 0.01 a month; default 0. */
  discountRate?: number;
  /** Share of spend that is profit; default 1 (CLV in revenue). */
  margin?: number;
}

/**
 * Customer lifetime value over a finite horizon, discounted per period:
 *   CLV = margin · E[M] · Σ_{k=1..N} (E[Y(kL)] − E[Y((k−1)L)]) / (1+d)^k,
 * where E[Y(t)] is the BG/NBD's expected purchases in the next t units given the member's
 * history, L the period length and d the discount rate. The k-th difference is the purchases
 * expected in period k, discounted as if they all happened at its end; the spend model's
 * independence of frequency is what allows E[M] to be taken out of the sum.
 */
export function customerLifetimeValue(
  bgnbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  member: PurchaseHistory & { meanSpend: number | null },
  options: ClvOptions,
): number {
  const { periods, periodLength } = options;
  const discountRate = options.discountRate ?? 0;
  const margin = options.margin ?? 1;
  if (!(Number.isInteger(periods) && periods >= 0)) throw new RangeError(`CLV: periods = ${periods} is not a whole number ≥ 0`);
  if (!(periodLength > 0)) throw new RangeError('CLV: periodLength must be positive');
  if (!(discountRate > -1)) throw new RangeError('CLV: discountRate must be greater than −1');
  const spend = expectedSpend(gammaGamma, { x: member.x, meanSpend: member.meanSpend ?? 0 });
  let value = 0;
  let before = 0;
  for (let k = 1; k <= periods; k++) {
    const upTo = conditionalExpectedPurchases(bgnbd, k * periodLength, member);
    value += (upTo - before) / Math.pow(1 + discountRate, k);
    before = upTo;
  }
  return margin * spend * value;
}
