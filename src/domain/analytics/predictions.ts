/**
 * Fits the customer-base models on a program's purchase history and predicts for each member:
 * the BG/NBD (expected purchases, P(alive)) and the Gamma-Gamma (expected spend per purchase),
 * and CLV from both. Pure: the caller loads the purchases (calendar days in the program's time
 * zone) and stores the answer. docs/analytics-models.md explains the models.
 */
import { conditionalExpectedPurchases, fitBgNbd, groupHistories, probabilityAlive, type BgNbdFit, type BgNbdParams } from './bgnbd.js';
import { customerLifetimeValue, expectedSpend, fitGammaGamma, type GammaGammaFit } from './gamma-gamma.js';
import { roundHalfUp } from './kpis.js';
import { summarize, type MemberSummary, type Transaction } from './summary.js';
import { DomainError } from '../errors.js';

export interface PredictionOptions {
  /** Last day of the history used ('YYYY-MM-DD', inclusive): usually today. */
  calibrationEnd: string;
  /** Forecast horizon for expected purchases, in weeks. */
  predictionWeeks: number;
  /** CLV horizon in months and its monthly discount rate (0.01 = 1 %). */
  clvMonths: number;
  monthlyDiscountRate: number;
}

export interface MemberPrediction {
  memberId: string;
  x: number;
  tx: number;
  T: number;
  expectedPurchases: number;
  pAlive: number;
  /** Expected spend per future purchase, minor units; null when the spend model could not be fitted. */
  expectedSpend: number | null;
  /** Expected revenue over the CLV horizon, discounted, minor units; null without the spend model. */
  clv: number | null;
}

export interface ModelFit {
  bgnbd: BgNbdFit;
  /**
   * The BG/NBD parameters the forecasts (expected purchases, CLV) were computed with: the fitted
   * ones, or — when a + b exceeds MAX_DROPOUT_CONCENTRATION — a and b scaled down to that sum
   * with a/(a+b) kept (see `forecastParams`). P(alive) always uses the fitted ones.
   */
  forecastParams: BgNbdParams;
  gammaGamma: GammaGammaFit | null;
  /** Why there is no spend model, when there is none. */
  gammaGammaSkipped: string | null;
  members: number;
  repeatMembers: number;
  predictions: MemberPrediction[];
}

/** Fewer members than this, or fewer with a repeat purchase, and the fit is refused. */
export const MIN_MEMBERS = 20;
export const MIN_REPEAT_MEMBERS = 5;
/**
 * When the fit drives a and b of the dropout distribution towards infinity (every member seems to
 * drop out with the same probability a/(a+b)), the forecast's closed form multiplies a power of
 * (1 − z) raised to about a, which underflows, by one raised to about −a, which overflows: not a
 * number. A Beta with a + b = 200 is already all but a point mass (its standard deviation is at
 * most 0.035), so the forecasts use a and b scaled down to that sum, the mean dropout kept.
 */
export const MAX_DROPOUT_CONCENTRATION = 200;

export function forecastParams(p: BgNbdParams): BgNbdParams {
  const sum = p.a + p.b;
  if (sum <= MAX_DROPOUT_CONCENTRATION) return p;
  const k = MAX_DROPOUT_CONCENTRATION / sum;
  return { ...p, a: p.a * k, b: p.b * k };
}

/** One month in the models' time unit (weeks): 365.25 / 12 / 7. */
export const WEEKS_PER_MONTH = 365.25 / 84;

/** Example: see test/unit/predictions.test.ts — a simulated program of a few hundred members. */
export function fitAndPredict(transactions: Iterable<Transaction>, options: PredictionOptions): ModelFit {
  return fitAndPredictSummaries(summarize(transactions, { calibrationEnd: options.calibrationEnd, unitDays: 7 }), options);
}

/** fitAndPredict on member summaries made in weeks up to options.calibrationEnd (e.g. by summarizeMemberDays). */
export function fitAndPredictSummaries(summaries: MemberSummary[], options: PredictionOptions): ModelFit {
  const repeatMembers = summaries.filter((s) => s.x > 0).length;
  if (summaries.length < MIN_MEMBERS || repeatMembers < MIN_REPEAT_MEMBERS) {
    throw new DomainError(
      'NOT_ENOUGH_DATA',
      `the models need at least ${MIN_MEMBERS} members who bought and ${MIN_REPEAT_MEMBERS} who bought again; the history has ${summaries.length} and ${repeatMembers}`,
    );
  }
  const bgnbd = fitBgNbd(groupHistories(summaries));
  let gammaGamma: GammaGammaFit | null = fitGammaGamma(summaries.map((s) => ({ x: s.x, meanSpend: s.meanRepeatSpend ?? 0 })));
  let gammaGammaSkipped: string | null = null;
  if (!(gammaGamma.params.q > 1)) {
    gammaGammaSkipped = `the spend model's q = ${gammaGamma.params.q.toFixed(3)} ≤ 1 (mean spend unbounded): spend and CLV are left out`;
    gammaGamma = null;
  }
  const forecast = forecastParams(bgnbd.params);
  const predictions = summaries.map((s) => predict(s, bgnbd, forecast, gammaGamma, options));
  const bad = predictions.find((p) => ![p.expectedPurchases, p.pAlive, p.expectedSpend ?? 0, p.clv ?? 0].every(Number.isFinite));
  if (bad) {
    throw new DomainError('MODEL_FIT_FAILED', `the fitted models give no finite forecast for member ${bad.memberId} (r = ${bgnbd.params.r}, α = ${bgnbd.params.alpha}, a = ${bgnbd.params.a}, b = ${bgnbd.params.b})`);
  }
  return { bgnbd, forecastParams: forecast, gammaGamma, gammaGammaSkipped, members: summaries.length, repeatMembers, predictions };
}

function predict(s: MemberSummary, bgnbd: BgNbdFit, forecast: BgNbdParams, gg: GammaGammaFit | null, o: PredictionOptions): MemberPrediction {
  const h = { x: s.x, tx: s.tx, T: s.T };
  const spend = gg === null ? null : expectedSpend(gg.params, { x: s.x, meanSpend: s.meanRepeatSpend ?? 0 });
  const clv =
    gg === null
      ? null
      : customerLifetimeValue(forecast, gg.params, { ...h, meanSpend: s.meanRepeatSpend }, { periods: o.clvMonths, periodLength: WEEKS_PER_MONTH, discountRate: o.monthlyDiscountRate });
  return {
    memberId: s.memberId,
    ...h,
    expectedPurchases: conditionalExpectedPurchases(forecast, o.predictionWeeks, h),
    pAlive: probabilityAlive(bgnbd.params, h),
    expectedSpend: spend === null ? null : roundHalfUp(spend),
    clv: clv === null ? null : roundHalfUp(clv),
  };
}

/**
 * The at-risk rule: P(alive) below `threshold`, or fallen by more than `drop` since the
 * previous fit. Example: threshold 0.3, drop 0.3 — 0.25 is at risk; 0.9 → 0.55 is at risk.
 */
export function isAtRisk(pAlive: number, previous: number | null, threshold: number, drop: number): boolean {
  return pAlive < threshold || (previous !== null && previous - pAlive > drop);
}
