import { dayIn, daysBetween } from '../../domain/analytics/periods.js';
import { isDomainError } from '../../domain/errors.js';
import { findAnalyticsState, saveAnalyticsState } from '../../store/analytics-aggregate.js';
import { latestFit } from '../../store/analytics-models.js';
import type { AppContext } from '../context.js';
import { allPrograms } from '../programs.js';
import { aggregateProgram } from './aggregate.js';
import { aggregateCampaignComparisons, type ComparisonsRun } from './campaign-comparisons.js';
import { fitModels } from './models.js';
import { recomputeRfm } from './rfm.js';
import { recomputeRuleSegments } from './segment-jobs.js';
import { getAnalyticsSettings } from './settings.js';

export interface AnalyticsRun {
  programId: string;
  aggregatedDays: number;
  /** The stored control-group comparisons brought up to date (docs/adr/0017). */
  comparisons: Omit<ComparisonsRun, 'ms'>;
  segments: { fullSegments: number; changedMembers: number };
  /** The daily work ran: RFM, and every rule segment over every member. */
  daily: boolean;
  rfmMembers: number | null;
  /** A model fit ran (it was due); its sample size, or why it could not run. */
  fit: { members: number } | { skipped: string } | null;
}

/**
 * One round of the analytics job for a program: the day aggregates of what changed; the stored
 * control-group comparisons of campaigns (the members touched since the last round); rule
 * segments of members who changed; once a day (the first round of a new day in the program's
 * time zone) RFM and a full recompute of the rule segments; and a model fit when the last one
 * is `fitEveryDays` old (or, never fitted, once a day). After back-dated history was written (the
 * demo, an import), all of it at once: every day from the history's first, every comparison, the
 * daily work and a fit.
 */
export async function runAnalytics(ctx: AppContext, programId: string): Promise<AnalyticsRun> {
  const { settings } = await ctx.programs.get(programId);
  const today = dayIn(ctx.clock(), settings.timeZone);
  const aggregated = await aggregateProgram(ctx, programId);
  // Back-dated history (the demo, an import: docs/adr/0020) changes what every comparison, RFM
  // score, segment and model saw: redo them now rather than a day at a time.
  const history = aggregated.history;
  const { campaigns, filled, members, changed } = await aggregateCampaignComparisons(ctx, programId, { full: history });
  const state = await findAnalyticsState(ctx.db, programId);
  const daily = state.fullDay !== today || history;
  const segments = await recomputeRuleSegments(ctx, programId, { full: daily });
  let rfmMembers: number | null = null;
  if (daily) {
    rfmMembers = (await recomputeRfm(ctx, programId)).members;
    await saveAnalyticsState(ctx.db, programId, { fullDay: today }, ctx.clock());
  }
  const { fitEveryDays } = await getAnalyticsSettings(ctx, programId);
  let fit: AnalyticsRun['fit'] = null;
  const last = fitEveryDays > 0 ? await latestFit(ctx.db, programId) : undefined;
  // A program that has never been fitted is tried once a day (it may not have enough history yet).
  if (fitEveryDays > 0 && (history || (last ? daysBetween(last.calibrationEnd, today) >= fitEveryDays : daily))) {
    try {
      fit = { members: (await fitModels(ctx, programId)).members };
    } catch (err) {
      if (!(isDomainError(err) && err.code === 'NOT_ENOUGH_DATA')) throw err;
      fit = { skipped: err.message };
    }
  }
  return { programId, aggregatedDays: aggregated.days, comparisons: { campaigns, filled, members, changed }, segments: { fullSegments: segments.fullSegments, changedMembers: segments.changedMembers }, daily, rfmMembers, fit };
}

export interface AnalyticsRound {
  runs: AnalyticsRun[];
  /** Programs whose run failed (the others still ran), with the error's text. */
  failures: { programId: string; error: string }[];
}

/**
 * One round of the analytics job over every program: aggregates, segments, daily RFM, due model
 * fits (src/app/analytics/run.ts). A program that fails is reported and the others still run.
 */
export async function analyticsRound(ctx: AppContext): Promise<AnalyticsRound> {
  const round: AnalyticsRound = { runs: [], failures: [] };
  for (const p of await allPrograms(ctx)) {
    try {
      round.runs.push(await runAnalytics(ctx, p.id));
    } catch (err) {
      round.failures.push({ programId: p.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  }
  return round;
}
