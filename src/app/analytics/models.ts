import { addDays, checkRange, dayIn, startOfDayIn } from '../../domain/analytics/periods.js';
import { fitAndPredictSummaries, isAtRisk } from '../../domain/analytics/predictions.js';
import { summarizeMemberDays } from '../../domain/analytics/summary.js';
import { DomainError } from '../../domain/errors.js';
import { insertFit, latestFit, memberPrediction, purchaseDays, savePredictions, type FitRecord } from '../../store/analytics-models.js';
import { listSegments, refreshSegmentCounts, syncAtRiskMemberships } from '../../store/analytics-segments.js';
import type { AppContext } from '../context.js';
import { requireMember } from '../members.js';
import { ensureBuiltinSegments } from './segments.js';
import { getAnalyticsSettings } from './settings.js';

export interface ModelsView {
  fitId: string;
  fittedAt: string;
  /** Last day of the history the models were fitted on. */
  calibrationEnd: string;
  /** Members with at least one completed purchase (the sample), and those with repeat purchases. */
  members: number;
  repeatMembers: number;
  durationMs: number;
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number; converged: boolean };
  /** Null when the spend model could not be fitted (see `gammaGammaSkipped`). */
  gammaGamma: { p: number; q: number; gamma: number; logLikelihood: number; converged: boolean; members: number } | null;
  options: {
    predictionWeeks: number;
    clvMonths: number;
    clvMonthlyDiscountPercent: number;
    timeUnit: 'week';
    gammaGammaSkipped: string | null;
    /** The BG/NBD parameters the forecasts used when they differ from the fitted ones (src/domain/analytics/predictions.ts, forecastParams). */
    forecastParams: { r: number; alpha: number; a: number; b: number } | null;
  };
}

const view = (f: FitRecord): ModelsView => ({
  fitId: f.fitId,
  fittedAt: f.fittedAt.toISOString(),
  calibrationEnd: f.calibrationEnd,
  members: f.members,
  repeatMembers: f.repeatMembers,
  durationMs: f.durationMs,
  bgnbd: f.bgnbd as ModelsView['bgnbd'],
  gammaGamma: f.gammaGamma as ModelsView['gammaGamma'],
  options: f.options as ModelsView['options'],
});

export interface FitOptions {
  /**
   * Last day of the history to fit on ('YYYY-MM-DD' in the program's time zone, inclusive; default
   * today). Purchases after it are left out and T runs to it: e.g. '1997-09-30' reproduces the
   * calibration period of the BG/NBD paper on the CDNOW data. Not after today.
   */
  calibrationEnd?: string | undefined;
}

/**
 * Fits the BG/NBD and Gamma-Gamma models on the program's history up to the calibration end (today
 * by default; members' completed purchases, calendar days in the program's time zone, same-day
 * receipts merged, weeks as the time unit), stores the fit and every member's predictions, and
 * updates the at-risk segment: members whose P(alive) is below the threshold or fell by more than
 * the allowed drop since the previous fit.
 */
export async function fitModels(ctx: AppContext, programId: string, options: FitOptions = {}): Promise<ModelsView> {
  const t0 = performance.now();
  const at = ctx.clock();
  const { settings } = await ctx.programs.get(programId);
  const a = await getAnalyticsSettings(ctx, programId);
  const today = dayIn(at, settings.timeZone);
  const end = options.calibrationEnd ?? today;
  checkRange(end, end);
  if (end > today) throw new DomainError('INVALID_DATE_RANGE', `calibrationEnd (${end}) is after today (${today})`, { errors: [{ pointer: 'querystring:/calibrationEnd', detail: 'must not be after today' }] });
  const history = await purchaseDays(ctx.db, programId, settings.timeZone, startOfDayIn(addDays(end, 1), settings.timeZone));
  const fit = fitAndPredictSummaries(summarizeMemberDays(history, { calibrationEnd: end, unitDays: 7 }), { calibrationEnd: end, predictionWeeks: a.predictionWeeks, clvMonths: a.clvMonths, monthlyDiscountRate: a.clvMonthlyDiscountPercent / 100 });
  const fitId = ctx.newId();
  const gg = fit.gammaGamma;
  const record: FitRecord = {
    fitId,
    fittedAt: at,
    calibrationEnd: end,
    members: fit.members,
    repeatMembers: fit.repeatMembers,
    bgnbd: { ...fit.bgnbd.params, logLikelihood: fit.bgnbd.logLikelihood, converged: fit.bgnbd.converged },
    gammaGamma: gg && { ...gg.params, logLikelihood: gg.logLikelihood, converged: gg.converged, members: gg.members },
    options: {
      predictionWeeks: a.predictionWeeks,
      clvMonths: a.clvMonths,
      clvMonthlyDiscountPercent: a.clvMonthlyDiscountPercent,
      timeUnit: 'week',
      gammaGammaSkipped: fit.gammaGammaSkipped,
      forecastParams: fit.forecastParams === fit.bgnbd.params ? null : fit.forecastParams,
    },
    durationMs: 0,
  };
  await ensureBuiltinSegments(ctx, programId);
  await ctx.db.transaction().execute(async (tx) => {
    await savePredictions(tx, programId, fitId, fit.predictions, at);
    await syncAtRiskMemberships(tx, programId, a, at);
    record.durationMs = Math.round(performance.now() - t0);
    await insertFit(tx, programId, record);
  });
  const atRisk = (await listSegments(ctx.db, programId, 'at_risk')).map((s) => s.segmentId);
  await refreshSegmentCounts(ctx.db, programId, atRisk, atRisk, at);
  return view(record);
}

export async function getModels(ctx: AppContext, programId: string): Promise<ModelsView> {
  const f = await latestFit(ctx.db, programId);
  if (!f) throw new DomainError('NOT_FOUND', 'the models have not been fitted yet: POST /v1/analytics/models/fit');
  return view(f);
}

export interface PredictionView {
  memberId: string;
  fitId: string;
  fittedAt: string;
  /** Repeat purchase days, and weeks from the first purchase day to the last and to the fit's end. */
  x: number;
  tx: number;
  T: number;
  expectedPurchases: number;
  predictionWeeks: number;
  pAlive: number;
  previousPAlive: number | null;
  expectedSpend: number | null;
  clv: number | null;
  atRisk: boolean;
}

/** The member's predictions from the latest fit; NOT_FOUND when the member has none (no purchase, or no fit yet). */
export async function getMemberPredictions(ctx: AppContext, programId: string, memberId: string): Promise<PredictionView> {
  await requireMember(ctx.db, programId, memberId);
  const [p, fit, a] = await Promise.all([memberPrediction(ctx.db, memberId), latestFit(ctx.db, programId), getAnalyticsSettings(ctx, programId)]);
  if (!p || !fit) throw new DomainError('NOT_FOUND', `no predictions for member ${memberId}: the member has no completed purchase or the models have not been fitted`);
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    memberId,
    fitId: p.fit_id,
    fittedAt: p.fitted_at.toISOString(),
    x: p.x,
    tx: round(p.tx),
    T: round(p.t),
    expectedPurchases: round(p.expected_purchases),
    predictionWeeks: (fit.options as ModelsView['options']).predictionWeeks,
    pAlive: round(p.p_alive),
    previousPAlive: p.previous_p_alive === null ? null : round(p.previous_p_alive),
    expectedSpend: p.expected_spend,
    clv: p.clv,
    atRisk: isAtRisk(p.p_alive, p.previous_p_alive, a.atRiskThreshold, a.atRiskDrop),
  };
}
