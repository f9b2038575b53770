import { fitModels } from '../analytics/models.js';
import { recomputeRfm } from '../analytics/rfm.js';
import { runAnalytics, type AnalyticsRun } from '../analytics/run.js';
import type { AppContext } from '../context.js';
import { allPrograms } from '../programs.js';

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

/**
 * The use cases that may run in a worker thread of their own (./run.ts): the ones whose memory
 * grows with the program — the model fit holds every buyer's history and forecast, RFM every
 * scored member. Arguments and results cross the thread boundary by structured clone, so they are
 * plain data.
 */
export const TASKS = {
  fitModels,
  recomputeRfm,
  analyticsRound,
} satisfies Record<string, (ctx: AppContext, ...args: never[]) => Promise<unknown>>;

export type TaskName = keyof typeof TASKS;
export type TaskArgs<K extends TaskName> = Parameters<(typeof TASKS)[K]> extends [AppContext, ...infer A] ? A : never;
export type TaskResult<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
