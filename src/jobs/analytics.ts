import type { AnalyticsRun } from '../app/analytics/run.js';
import type { AppContext } from '../app/context.js';
import { runIsolated } from '../app/isolated/run.js';

interface Log {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * The analytics job over every program: aggregates, segments, daily RFM, due model fits
 * (src/app/analytics/run.ts), in a worker thread of its own where the server runs on PostgreSQL
 * (src/app/isolated/run.ts). A program that fails is logged and the others still run.
 */
export async function analyticsJob(ctx: AppContext, log: Log): Promise<AnalyticsRun[]> {
  const { runs, failures } = await runIsolated(ctx, 'analyticsRound');
  for (const run of runs) {
    if (run.aggregatedDays > 0 || run.comparisons.changed > 0 || run.daily || run.fit !== null || run.segments.fullSegments > 0) log.info({ analytics: run }, 'analytics job ran');
  }
  for (const f of failures) log.error({ programId: f.programId, err: f.error }, 'the analytics job failed for a program; it will run again');
  return runs;
}
