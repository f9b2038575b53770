import { sql, type RawBuilder } from 'kysely';
import { addDays } from '../domain/analytics/periods.js';
import { planEachCall } from './executor.js';

/*
 * The SQL that computes the analytics rows of whole days from the raw tables. The aggregation
 * job writes its result into analytics_days, analytics_visits and analytics_cohort_days for
 * dirty days; the reports run the day rows' SELECT for today, live (docs/adr/0009).
 *
 * Days are calendar days in the program's time zone; a day's instants are
 * [day 00:00, day+1 00:00) in that zone, so each day is one index range over occurred_at or
 * created_at.
 */

export interface DayScope {
  programId: string;
  timeZone: string;
  /** 'YYYY-MM-DD', in any order, no duplicates needed. */
  days: string[];
}

/** Columns of analytics_days after (program_id, store_id, day), in table order. */
export const DAY_COLUMNS = [
  'purchases', 'sales', 'paid', 'points_spent', 'points_earned', 'anon_purchases', 'anon_sales', 'returns', 'refunds',
  'anon_returns', 'anon_refunds', 'new_members', 'issued', 'redeemed', 'expired', 'adjusted',
] as const;
export type DayColumn = (typeof DAY_COLUMNS)[number];

/** The days as rows (day, t0, t1) with each day's instants in the program's zone. */
function bounds(s: DayScope): RawBuilder<unknown> {
  return sql`select d.day, (d.day::timestamp at time zone ${s.timeZone}::text) as t0, ((d.day + 1)::timestamp at time zone ${s.timeZone}::text) as t1
    from unnest(${s.days}::date[]) as d(day)`;
}

/** The days as runs of consecutive days, each [first, last]. */
function runs(days: string[]): [string, string][] {
  const sorted = [...new Set(days)].sort();
  const out: [string, string][] = [];
  for (const d of sorted) {
    const last = out[out.length - 1];
    if (last && addDays(last[1], 1) === d) last[1] = d;
    else out.push([d, d]);
  }
  return out;
}

/**
 * `col` within the days: one range of instants per run of consecutive days (a full rebuild is one
 * range, an incremental run one or two), so each table is read once through its index on `col`.
 */
function within(col: string, s: DayScope): RawBuilder<unknown> {
  const c = sql.ref(col);
  const tz = sql`${s.timeZone}::text`;
  return sql`(${planEachCall} ${sql.join(
    runs(s.days).map(([a, b]) => sql`(${c} >= (${a}::date::timestamp at time zone ${tz}) and ${c} < ((${b}::date + 1)::timestamp at time zone ${tz}))`),
    sql` or `,
  )})`;
}

/** One source of day facts: the instant that decides its day, the columns it fills (the others are 0), the rest of the query. */
function part(at: string, store: RawBuilder<unknown>, values: Partial<Record<DayColumn, RawBuilder<unknown>>>, from: RawBuilder<unknown>, s: DayScope): RawBuilder<unknown> {
  const cols = DAY_COLUMNS.map((c) => sql`${values[c] ?? sql`0`}::bigint as ${sql.ref(c)}`);
  return sql`select (${sql.ref(at)} at time zone ${s.timeZone}::text)::date as day, ${store} as store_id, ${sql.join(cols)} ${from} and ${within(at, s)} group by 1, 2`;
}

/**
 * analytics_days rows (program_id, store_id, day, …DAY_COLUMNS) of the days: one row per day for
 * all stores (store_id '') and one per store that had receipts or returns. Member and anonymous
 * receipts count by the day they occurred (completed purchases only); returns by the day they were
 * made; new members by the day they enrolled; ledger movements by the day of the entry, per
 * program account as `kopilka verify` reads them (issued and adjusted as posted, redeemed and
 * expired negated).
 */
export function dayRowsSql(s: DayScope): RawBuilder<unknown> {
  const pid = s.programId;
  const parts = [
    part('p.occurred_at', sql`p.store_id`, { purchases: sql`count(*)`, sales: sql`sum(p.total)`, paid: sql`sum((p.result->>'paidTotal')::bigint)`, points_spent: sql`sum(p.points_spent)`, points_earned: sql`sum(p.points_earned)` },
      sql`from purchases p where p.program_id = ${pid} and p.status = 'completed'`, s),
    part('a.occurred_at', sql`a.store_id`, { anon_purchases: sql`count(*)`, anon_sales: sql`sum(a.total)` }, sql`from anonymous_purchases a where a.program_id = ${pid}`, s),
    part('r.created_at', sql`p.store_id`, { returns: sql`count(*)`, refunds: sql`sum((r.result->>'refund')::bigint)` },
      sql`from returns r join purchases p on p.member_id = r.member_id and p.purchase_id = r.purchase_id where r.program_id = ${pid}`, s),
    part('r.created_at', sql`a.store_id`, { anon_returns: sql`count(*)`, anon_refunds: sql`sum((r.result->>'refund')::bigint)` },
      sql`from anonymous_returns r join anonymous_purchases a on a.program_id = r.program_id and a.purchase_id = r.purchase_id where r.program_id = ${pid}`, s),
    part('m.created_at', sql`null::text`, { new_members: sql`count(*)` }, sql`from members m where m.program_id = ${pid}`, s),
    part(
      'e.created_at',
      sql`null::text`,
      {
        issued: sql`coalesce(sum(e.amount) filter (where e.account = 'issued'), 0)`,
        redeemed: sql`coalesce(-sum(e.amount) filter (where e.account = 'redeemed'), 0)`,
        expired: sql`coalesce(-sum(e.amount) filter (where e.account = 'expired'), 0)`,
        adjusted: sql`coalesce(sum(e.amount) filter (where e.account = 'adjusted'), 0)`,
      },
      sql`from entries e where e.program_id = ${pid}`,
      s,
    ),
  ];
  const sums = DAY_COLUMNS.map((c) => sql`sum(${sql.ref(c)})::bigint as ${sql.ref(c)}`);
  return sql`with facts as (${sql.join(parts, sql` union all `)})
    select ${pid}::uuid as program_id, case when grouping(store_id) = 1 then '' else store_id end as store_id, day, ${sql.join(sums)}
    from facts
    group by grouping sets ((day), (day, store_id))
    having grouping(store_id) = 1 or store_id is not null`;
}

/**
 * The visit events of the days' buyers, as CTEs: `touched` (members with a completed purchase on
 * one of the days), `hist` (every visit day of theirs up to the last of the days, per store),
 * `ev_all` (visit days in any store with the previous one and the ordinal) and `ev_store` (the
 * same per store). The previous visit may be long before the days, hence the whole history of
 * the touched members: for a few days (today live, an incremental run) it is read member by member
 * through the purchases' key (`offset 0` keeps the planner from turning that into a scan of every
 * purchase); for many days (a full rebuild) every member is touched, and one pass over the
 * program's purchases is cheaper.
 */
export const FEW_DAYS = 31;

function visitCtes(s: DayScope): RawBuilder<unknown> {
  const pid = s.programId;
  const tz = sql`${s.timeZone}::text`;
  const hist =
    s.days.length <= FEW_DAYS
      ? sql`select q.member_id, coalesce(q.store_id, '') as store_id, (q.occurred_at at time zone ${tz})::date as day
          from touched t cross join lateral (
            select p.member_id, p.store_id, p.occurred_at from purchases p
            where p.member_id = t.member_id and p.status = 'completed' and p.occurred_at < (select max(t1) from b) offset 0) q
          group by 1, 2, 3`
      : sql`select p.member_id, coalesce(p.store_id, '') as store_id, (p.occurred_at at time zone ${tz})::date as day
          from purchases p
          where p.member_id in (select member_id from touched) and p.status = 'completed' and p.occurred_at < (select max(t1) from b)
          group by 1, 2, 3`;
  return sql`b as (${bounds(s)}),
    touched as (
      select distinct p.member_id from purchases p where p.program_id = ${pid} and p.status = 'completed' and ${within('p.occurred_at', s)}),
    hist as (${hist}),
    ev_all as (
      select member_id, day, lag(day) over w as prev, row_number() over w as n
      from (select distinct member_id, day from hist) h window w as (partition by member_id order by day)),
    ev_store as (
      select member_id, store_id, day, lag(day) over w as prev, row_number() over w as n
      from hist where store_id <> '' window w as (partition by member_id, store_id order by day))`;
}

// IN (subquery) becomes a hashed semi-join: `= any(array)` would compare every row with every day.
const inDays = (s: DayScope) => sql`day in (select unnest(${s.days}::date[]))`;

function visitSelect(s: DayScope): RawBuilder<unknown> {
  return sql`select ${s.programId}::uuid as program_id, '' as store_id, day, coalesce(prev, day) as prev_day, least(n, 3)::smallint as ordinal, count(*)::bigint as members
      from ev_all where ${inDays(s)} group by 3, 4, 5
    union all
    select ${s.programId}::uuid, store_id, day, coalesce(prev, day), least(n, 3)::smallint, count(*)::bigint
      from ev_store where ${inDays(s)} group by 2, 3, 4, 5`;
}

function cohortSelect(s: DayScope): RawBuilder<unknown> {
  return sql`select ${s.programId}::uuid as program_id, e.day, date_trunc('month', m.created_at at time zone ${s.timeZone}::text)::date as cohort_month, count(*)::bigint as members
    from ev_all e join members m on m.member_id = e.member_id
    where e.${inDays(s)} and (e.prev is null or e.prev < date_trunc('month', e.day::timestamp)::date)
    group by 2, 3`;
}

/** Writes the visit histogram and cohort rows of the days in one statement (their rows must be deleted first). */
export function insertVisitsAndCohortsSql(s: DayScope): RawBuilder<unknown> {
  return sql`with ${visitCtes(s)},
    v as (insert into analytics_visits (program_id, store_id, day, prev_day, ordinal, members) ${visitSelect(s)}),
    c as (insert into analytics_cohort_days (program_id, day, cohort_month, members) ${cohortSelect(s)})
    select 1`;
}
