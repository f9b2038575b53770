import { addDays, dayIn, daysBetween } from '../../domain/analytics/periods.js';
import { clearAggregates, clearHistoryMark, dirtyDays, findAnalyticsState, firstActivityDay, recomputeDays, saveAnalyticsState } from '../../store/analytics-aggregate.js';
import type { AppContext } from '../context.js';

/**
 * Rows created within this long before the last run started are looked at again: a transaction
 * that began (and took its created_at) before the run may commit after the run read the table.
 * Recomputing a day twice is harmless, missing one is not.
 */
export const OVERLAP_MS = 10 * 60_000;

/**
 * Days recomputed per transaction. A chunk reads the whole history of the members who bought on
 * its days, so a full rebuild goes fastest in one chunk (one pass over the history); incremental
 * runs touch a day or two.
 */
const CHUNK_DAYS = 31;

export interface AggregationResult {
  programId: string;
  days: number;
  full: boolean;
  /** Back-dated history had been marked (docs/adr/0020) and its days were recomputed: the daily work is due at once. */
  history: boolean;
  ms: number;
}

/**
 * The aggregation job for one program (docs/adr/0009): recomputes the day aggregates of the days
 * touched since its last run — or of every day, on the first run, when the program's time zone
 * has changed, or when `full` is asked for; and of every day from the earliest instant of
 * back-dated history marked since (docs/adr/0020). Each chunk of days is one transaction.
 */
export async function aggregateProgram(ctx: AppContext, programId: string, options: { full?: boolean } = {}): Promise<AggregationResult> {
  const started = ctx.clock();
  const t0 = performance.now();
  const { settings } = await ctx.programs.get(programId);
  const timeZone = settings.timeZone;
  const state = await findAnalyticsState(ctx.db, programId);
  const full = options.full === true || state.aggregatedAt === null || state.timeZone !== timeZone;
  const history = state.historyFrom !== null;
  // Receipts may be dated up to a day ahead of the server (a till's clock): include tomorrow.
  const last = addDays(dayIn(started, timeZone), 1);
  const through = (first: string | null) => (first === null || first > last ? [] : Array.from({ length: daysBetween(first, last) + 1 }, (_, i) => addDays(first, i)));
  let days: string[];
  if (full) {
    days = through(await firstActivityDay(ctx.db, programId, timeZone));
    if (state.timeZone !== null && state.timeZone !== timeZone) await clearAggregates(ctx.db, programId);
  } else {
    days = await dirtyDays(ctx.db, programId, timeZone, new Date(state.aggregatedAt!.getTime() - OVERLAP_MS));
    if (history) {
      // Back-dated history: every day from its first, in one pass like a rebuild (its later days
      // changed too: previous visits, cohorts, members so far).
      const first = dayIn(state.historyFrom!, timeZone);
      days = [...new Set([...days.filter((d) => d < first), ...through(first)])].sort();
    }
  }
  const chunkDays = full || history ? Math.max(days.length, 1) : CHUNK_DAYS;
  for (let i = 0; i < days.length; i += chunkDays) {
    const chunk = days.slice(i, i + chunkDays);
    await ctx.db.transaction().execute((trx) => recomputeDays(trx, { programId, timeZone, days: chunk }));
  }
  await saveAnalyticsState(ctx.db, programId, { aggregatedAt: started, timeZone }, ctx.clock());
  if (history) await clearHistoryMark(ctx.db, programId, state.historyMarks, ctx.clock());
  return { programId, days: days.length, full, history: history || full, ms: Math.round(performance.now() - t0) };
}
