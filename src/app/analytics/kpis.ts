import { cohortMatrix, type CohortRow } from '../../domain/analytics/cohorts.js';
import { addSums, kpisOf, visitCounts, zeroSums, type Kpis } from '../../domain/analytics/kpis.js';
import { addDays, checkRange, dayIn, monthStart, periodsOf, type Interval } from '../../domain/analytics/periods.js';
import { findAnalyticsState } from '../../store/analytics-aggregate.js';
import { cohortData, membersBefore, periodSums, periodVisits, type ReadScope } from '../../store/analytics-read.js';
import type { AppContext } from '../context.js';

export interface Freshness {
  /** When the aggregation job last started: the stored aggregates are as of then. */
  aggregatedAt: string | null;
  /**
   * Whether today's sums (receipts, sales, returns, enrolments, points) were computed live from
   * today's rows; distinct counts (active, new and returning members, cohorts) are always as of
   * aggregatedAt.
   */
  todayLive: boolean;
}

export interface KpiReport {
  from: string;
  to: string;
  storeId: string | null;
  interval: Interval;
  timeZone: string;
  currency: string;
  freshness: Freshness;
  totals: Kpis;
  series: ({ period: string; from: string; to: string } & Kpis)[];
}

/** The scope of a report: the program's zone and today, the range checked. */
export async function readScope(ctx: AppContext, programId: string, q: { from: string; to: string; storeId?: string | undefined }): Promise<ReadScope & { currency: string; pointValue: number }> {
  checkRange(q.from, q.to);
  const { settings } = await ctx.programs.get(programId);
  return { programId, timeZone: settings.timeZone, today: dayIn(ctx.clock(), settings.timeZone), from: q.from, to: q.to, storeId: q.storeId ?? '', currency: settings.currency, pointValue: settings.pointValue };
}

export async function freshnessOf(ctx: AppContext, s: ReadScope): Promise<Freshness> {
  const state = await findAnalyticsState(ctx.db, s.programId);
  return { aggregatedAt: state.aggregatedAt?.toISOString() ?? null, todayLive: s.from <= s.today && s.today <= s.to };
}

/**
 * KPIs of a range, in total and per day, week or month (docs/analytics.md, "KPIs"). With a store,
 * the figures are the store's; members, new members and the ledger are program-wide and null.
 */
export async function getKpis(ctx: AppContext, programId: string, q: { from: string; to: string; storeId?: string | undefined; interval?: Interval | undefined }): Promise<KpiReport> {
  const s = await readScope(ctx, programId, q);
  const interval = q.interval ?? 'day';
  const [sums, visits, before, freshness] = await Promise.all([
    periodSums(ctx.db, s, interval),
    periodVisits(ctx.db, s, interval),
    s.storeId === '' ? membersBefore(ctx.db, programId, s.from) : Promise.resolve(null),
    freshnessOf(ctx, s),
  ]);
  let members = before;
  let total = zeroSums();
  const series = periodsOf(s.from, s.to, interval).map((p) => {
    const ps = sums.get(p.from) ?? zeroSums();
    total = addSums(total, ps);
    if (members !== null) members += ps.newMembers;
    const v = visitCounts(visits.periods.get(p.from) ?? { first: 0, before: 0, secondWithin: 0 });
    return { ...p, ...kpisOf(ps, v, members) };
  });
  return {
    from: s.from,
    to: s.to,
    storeId: s.storeId === '' ? null : s.storeId,
    interval,
    timeZone: s.timeZone,
    currency: s.currency,
    freshness,
    totals: kpisOf(total, visitCounts(visits.range), members),
    series,
  };
}

export interface CohortReport {
  from: string;
  to: string;
  timeZone: string;
  freshness: Freshness;
  cohorts: CohortRow[];
}

/** Retention by monthly cohort of enrolment, for cohorts from the month of `from` to the month of `to`. */
export async function getCohorts(ctx: AppContext, programId: string, q: { from: string; to: string }): Promise<CohortReport> {
  const s = await readScope(ctx, programId, { ...q, from: monthStart(q.from) });
  const [data, freshness] = await Promise.all([cohortData(ctx.db, s), freshnessOf(ctx, s)]);
  return { from: s.from, to: s.to, timeZone: s.timeZone, freshness, cohorts: cohortMatrix(s.from, monthStart(s.to), data.sizes, data.cells) };
}

/** The default range of a report: the last `days` days up to today. */
export function defaultRange(ctx: AppContext, timeZone: string, days: number): { from: string; to: string } {
  const today = dayIn(ctx.clock(), timeZone);
  return { from: addDays(today, -(days - 1)), to: today };
}
