import { parseArgs } from 'node:util';
import { aggregateProgram } from '../app/analytics/aggregate.js';
import { aggregateCampaignComparisons } from '../app/analytics/campaign-comparisons.js';
import { fitModels } from '../app/analytics/models.js';
import { recomputeRfm } from '../app/analytics/rfm.js';
import { runAnalytics } from '../app/analytics/run.js';
import { recomputeRuleSegments } from '../app/analytics/segment-jobs.js';
import { createContext } from '../app/context.js';
import { allPrograms } from '../app/programs.js';
import type { Config } from '../config.js';
import { migrateToLatest, openDatabase } from '../app/database.js';

export const ANALYTICS_USAGE = `kopilka analytics <command> [--program ID]   (all programs when --program is left out)
  aggregate [--full]    recompute the day aggregates of what changed (--full: of every day)
  comparisons [--full]  bring the campaigns' stored control-group comparisons up to date (--full: refill them)
  segments [--full]     update the rule segments (--full: every segment over every member)
  rfm                   recompute RFM scores and the RFM segments
  fit [--calibration-end YYYY-MM-DD]
                        fit BG/NBD and Gamma-Gamma, store the predictions, update the at-risk segment
  run                   one round of the analytics job (what the server runs every JOB_INTERVAL_SECONDS)`;

/** `kopilka analytics …`: the analytics job's parts, by hand. Returns the exit code. */
export async function runAnalyticsCommand(config: Config, args: string[]): Promise<number> {
  const [command, ...rest] = args;
  let o: { program?: string | undefined; full?: boolean | undefined; 'calibration-end'?: string | undefined };
  try {
    o = parseArgs({ args: rest, options: { program: { type: 'string' }, full: { type: 'boolean' }, 'calibration-end': { type: 'string' } }, strict: true, allowPositionals: false }).values;
  } catch (err) {
    console.error(`kopilka analytics: ${(err as Error).message}\n\n${ANALYTICS_USAGE}`);
    return 2;
  }
  const run: Record<string, (ctx: ReturnType<typeof createContext>, programId: string) => Promise<unknown>> = {
    aggregate: (ctx, id) => aggregateProgram(ctx, id, { full: o.full === true }),
    comparisons: (ctx, id) => aggregateCampaignComparisons(ctx, id, { full: o.full === true }),
    segments: (ctx, id) => recomputeRuleSegments(ctx, id, { full: o.full === true }),
    rfm: (ctx, id) => recomputeRfm(ctx, id),
    fit: (ctx, id) => fitModels(ctx, id, { calibrationEnd: o['calibration-end'] }),
    run: (ctx, id) => runAnalytics(ctx, id),
  };
  const work = command === undefined ? undefined : run[command];
  if (!work) {
    console.error(`kopilka analytics: unknown command ${command ?? '(none)'}\n\n${ANALYTICS_USAGE}`);
    return 2;
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 4 });
  try {
    await migrateToLatest(database.db);
    const ctx = createContext(database.db);
    const programs = o.program ? [o.program] : (await allPrograms(ctx)).map((p) => p.id);
    for (const id of programs) {
      const started = Date.now();
      const result = await work(ctx, id);
      console.log(`${command} ${id} (${((Date.now() - started) / 1000).toFixed(1)} s): ${JSON.stringify(result)}`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
