import { runAnalytics, type AnalyticsRun } from '../app/analytics/run.js';
import type { AppContext } from '../app/context.js';
import { allPrograms } from '../app/programs.js';

interface Log {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * The analytics job over every program: aggregates, segments, daily RFM, due model fits
 * (src/app/analytics/run.ts). A program that fails is logged and the others still run.
 */
export async function analyticsJob(ctx: AppContext, log: Log): Promise<AnalyticsRun[]> {
  const runs: AnalyticsRun[] = [];
  for (const p of await allPrograms(ctx)) {
    try {
      const run = await runAnalytics(ctx, p.id);
      runs.push(run);
      if (run.aggregatedDays > 0 || run.comparisons.changed > 0 || run.daily || run.fit !== null || run.segments.fullSegments > 0) log.info({ analytics: run }, 'analytics job ran');
    } catch (err) {
      log.error({ err, programId: p.id }, 'the analytics job failed for a program; it will run again');
    }
  }
  return runs;
}
