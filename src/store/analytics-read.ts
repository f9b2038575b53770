import { sql, type RawBuilder } from 'kysely';
import type { DaySums, VisitSums } from '../domain/analytics/kpis.js';
import { addDays, type Interval } from '../domain/analytics/periods.js';
import { DAY_COLUMNS, dayRowsSql, type DayColumn } from './analytics-days.js';
import { planEachCall, type Executor } from './executor.js';

/**
 * Reads of the day aggregates for reports (docs/adr/0009). Day sums: days before today come from
 * the stored aggregates (as fresh as the aggregation job's last run) and today, when the range
 * includes it, is computed live from today's rows by the same SQL the job runs. Distinct counts
 * (the visit histogram, cohorts) come from the stored aggregates for every day, today included:
 * computing them live would read the whole history of today's buyers on every request.
 */
export interface ReadScope {
  programId: string;
  timeZone: string;
  /** Today in the program's time zone. */
  today: string;
  from: string;
  to: string;
  /** '' for all stores. */
  storeId: string;
}

const CAMEL: Record<DayColumn, keyof DaySums> = {
  purchases: 'purchases', sales: 'sales', paid: 'paid', points_spent: 'pointsSpent', points_earned: 'pointsEarned',
  anon_purchases: 'anonPurchases', anon_sales: 'anonSales', returns: 'returns', refunds: 'refunds', anon_returns: 'anonReturns',
  anon_refunds: 'anonRefunds', new_members: 'newMembers', issued: 'issued', redeemed: 'redeemed', expired: 'expired', adjusted: 'adjusted',
};

export function toSums(row: Record<string, unknown>): DaySums {
  return Object.fromEntries(DAY_COLUMNS.map((c) => [CAMEL[c], Number(row[c] ?? 0)])) as unknown as DaySums;
}

const live = (s: ReadScope) => s.from <= s.today && s.today <= s.to;
const storedTo = (s: ReadScope) => (live(s) ? addDays(s.today, -1) : s.to);

/** analytics_days rows of the scope's store and range: stored days, and today live. */
export function daysSource(s: ReadScope): RawBuilder<unknown> {
  const cols = sql.join(['day', ...DAY_COLUMNS].map((c) => sql.ref(c)));
  const stored = sql`select ${planEachCall} ${cols} from analytics_days where program_id = ${s.programId} and store_id = ${s.storeId} and day >= ${s.from}::date and day <= ${storedTo(s)}::date`;
  if (!live(s)) return stored;
  return sql`${stored} union all select ${cols} from (${dayRowsSql({ programId: s.programId, timeZone: s.timeZone, days: [s.today] })}) l where store_id = ${s.storeId}`;
}

export function visitsSource(s: ReadScope): RawBuilder<unknown> {
  return sql`select ${planEachCall} day, prev_day, ordinal, members from analytics_visits
    where program_id = ${s.programId} and store_id = ${s.storeId} and day >= ${s.from}::date and day <= ${s.to}::date`;
}

export function cohortSource(s: ReadScope): RawBuilder<unknown> {
  return sql`select ${planEachCall} day, cohort_month, members from analytics_cohort_days where program_id = ${s.programId} and day >= ${s.from}::date and day <= ${s.to}::date`;
}

function periodOf(interval: Interval, from: string): RawBuilder<unknown> {
  const start = interval === 'day' ? sql`day` : sql`date_trunc(${interval}, day::timestamp)::date`;
  return sql`greatest(${start}, ${from}::date)`;
}

/** Day sums per period (keyed by the period's first day inside the range). */
export async function periodSums(db: Executor, s: ReadScope, interval: Interval): Promise<Map<string, DaySums>> {
  const sums = sql.join(DAY_COLUMNS.map((c) => sql`sum(${sql.ref(c)})::bigint as ${sql.ref(c)}`));
  const r = await sql<Record<string, unknown> & { period: string }>`
    select ${periodOf(interval, s.from)} as period, ${sums} from (${daysSource(s)}) d group by 1 order by 1`.execute(db);
  return new Map(r.rows.map((row) => [row.period, toSums(row)]));
}

/**
 * Visit sums per period and for the whole range (see VisitSums): the histogram's cells filtered
 * against each period's first day and against the range's first day.
 */
export async function periodVisits(db: Executor, s: ReadScope, interval: Interval): Promise<{ periods: Map<string, VisitSums>; range: VisitSums }> {
  const r = await sql<{ period: string; first: number; before: number; second: number; before_r: number; second_r: number }>`
    select period,
      coalesce(sum(members) filter (where ordinal = 1), 0)::bigint as first,
      coalesce(sum(members) filter (where ordinal > 1 and prev_day < period), 0)::bigint as before,
      coalesce(sum(members) filter (where ordinal = 2 and prev_day >= period), 0)::bigint as second,
      coalesce(sum(members) filter (where ordinal > 1 and prev_day < ${s.from}::date), 0)::bigint as before_r,
      coalesce(sum(members) filter (where ordinal = 2 and prev_day >= ${s.from}::date), 0)::bigint as second_r
    from (select ${periodOf(interval, s.from)} as period, prev_day, ordinal, members from (${visitsSource(s)}) v) x
    group by 1 order by 1`.execute(db);
  const range = { first: 0, before: 0, secondWithin: 0 };
  const periods = new Map<string, VisitSums>();
  for (const row of r.rows) {
    periods.set(row.period, { first: row.first, before: row.before, secondWithin: row.second });
    range.first += row.first;
    range.before += row.before_r;
    range.secondWithin += row.second_r;
  }
  return { periods, range };
}

/** Members enrolled before a day (from the stored aggregates, all stores). */
export async function membersBefore(db: Executor, programId: string, day: string): Promise<number> {
  const r = await sql<{ n: number }>`select ${planEachCall} coalesce(sum(new_members), 0)::bigint as n from analytics_days where program_id = ${programId} and store_id = '' and day < ${day}::date`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** Ledger totals of the range and of everything up to its end (all stores). */
export async function pointTotals(db: Executor, s: ReadScope): Promise<{ range: DaySums; toDate: DaySums }> {
  const all = { ...s, from: '0001-01-01', storeId: '' };
  const cols = ['issued', 'redeemed', 'expired', 'adjusted'] as const;
  const r = await sql<Record<string, number>>`
    select ${sql.join(cols.map((c) => sql`coalesce(sum(${sql.ref(c)}) filter (where day >= ${s.from}::date), 0)::bigint as ${sql.ref(`r_${c}`)}`))},
           ${sql.join(cols.map((c) => sql`coalesce(sum(${sql.ref(c)}), 0)::bigint as ${sql.ref(c)}`))}
    from (${daysSource(all)}) d`.execute(db);
  const row = r.rows[0] ?? {};
  return { range: toSums(Object.fromEntries(cols.map((c) => [c, row[`r_${c}`]]))), toDate: toSums(row) };
}

/** Cohort sizes (members enrolled per month) and cells (cohort × month of activity) for the months. */
export async function cohortData(db: Executor, s: ReadScope): Promise<{ sizes: Map<string, number>; cells: { cohortMonth: string; month: string; members: number }[] }> {
  const sizes = await sql<{ month: string; n: number }>`
    select date_trunc('month', day::timestamp)::date as month, sum(new_members)::bigint as n from (${daysSource({ ...s, storeId: '' })}) d group by 1`.execute(db);
  const cells = await sql<{ cohort_month: string; month: string; n: number }>`
    select cohort_month, date_trunc('month', day::timestamp)::date as month, sum(members)::bigint as n
    from (${cohortSource(s)}) c where cohort_month >= ${s.from}::date group by 1, 2`.execute(db);
  return {
    sizes: new Map(sizes.rows.map((r) => [r.month, r.n])),
    cells: cells.rows.map((r) => ({ cohortMonth: r.cohort_month, month: r.month, members: r.n })),
  };
}
