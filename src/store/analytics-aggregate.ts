import { sql } from 'kysely';
import { DAY_COLUMNS, dayRowsSql, FEW_DAYS, insertVisitsAndCohortsSql, type DayScope } from './analytics-days.js';
import { planEachCall, type Executor } from './executor.js';

export interface AnalyticsState {
  aggregatedAt: Date | null;
  timeZone: string | null;
  segmentsAt: Date | null;
  fullDay: string | null;
  /** The earliest instant of back-dated history not yet aggregated, and the count of marks (see markHistory). */
  historyFrom: Date | null;
  historyMarks: number;
}

export async function findAnalyticsState(db: Executor, programId: string): Promise<AnalyticsState> {
  const r = await db.selectFrom('analytics_state').selectAll().where('program_id', '=', programId).executeTakeFirst();
  return { aggregatedAt: r?.aggregated_at ?? null, timeZone: r?.time_zone ?? null, segmentsAt: r?.segments_at ?? null, fullDay: r?.full_day ?? null, historyFrom: r?.history_from ?? null, historyMarks: Number(r?.history_marks ?? 0) };
}

/** Saves the given fields of the program's analytics state. */
export async function saveAnalyticsState(db: Executor, programId: string, patch: Partial<Omit<AnalyticsState, 'historyFrom' | 'historyMarks'>>, at: Date): Promise<void> {
  const values = {
    ...(patch.aggregatedAt !== undefined ? { aggregated_at: patch.aggregatedAt } : {}),
    ...(patch.timeZone !== undefined ? { time_zone: patch.timeZone } : {}),
    ...(patch.segmentsAt !== undefined ? { segments_at: patch.segmentsAt } : {}),
    ...(patch.fullDay !== undefined ? { full_day: patch.fullDay } : {}),
    updated_at: at,
  };
  await db
    .insertInto('analytics_state')
    .values({ program_id: programId, ...values })
    .onConflict((oc) => oc.column('program_id').doUpdateSet(values))
    .execute();
}

/**
 * Marks history written in the past (docs/adr/0020): rows dated from `from` on whose created_at
 * the job's look for new rows would not find (the demo, the CSV imports). The next run of the
 * analytics job recomputes every day from `from`'s day and does the daily work (RFM, segments, a
 * model fit) at once. Marks add up: the earliest instant wins.
 */
export async function markHistory(db: Executor, programId: string, from: Date, at: Date): Promise<void> {
  await sql`insert into analytics_state (program_id, history_from, history_marks, updated_at)
    values (${programId}::uuid, ${from}::timestamptz, 1, ${at}::timestamptz)
    on conflict (program_id) do update set
      history_from = least(analytics_state.history_from, excluded.history_from),
      history_marks = analytics_state.history_marks + 1,
      updated_at = excluded.updated_at`.execute(db);
}

/**
 * Clears the history mark once the job has acted on it — unless another mark came meanwhile
 * (its rows may have committed after the job read them): that one stays for the next run.
 * Returns whether the mark was cleared.
 */
export async function clearHistoryMark(db: Executor, programId: string, marks: number, at: Date): Promise<boolean> {
  const r = await sql`update analytics_state set history_from = null, updated_at = ${at}::timestamptz
    where program_id = ${programId}::uuid and history_marks = ${marks}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** The first day that has anything to aggregate (an enrolment or a receipt), or null for an empty program. */
export async function firstActivityDay(db: Executor, programId: string, timeZone: string): Promise<string | null> {
  const r = await sql<{ first: string | null }>`
    select (least(
      (select min(created_at) from members where program_id = ${programId}),
      (select min(occurred_at) from purchases where program_id = ${programId}),
      (select min(occurred_at) from anonymous_purchases where program_id = ${programId})
    ) at time zone ${timeZone}::text)::date as first`.execute(db);
  return r.rows[0]?.first ?? null;
}

/**
 * Days whose aggregates may have changed since `since` (the last run's start less an overlap):
 * the days of receipts, returns, enrolments and ledger entries created since; the purchase days
 * of purchases confirmed since (their entries are new, the purchase row is not); and the later
 * visit days of members with a new receipt dated earlier than those visits (a till that was
 * offline), whose previous-visit links have changed.
 */
export async function dirtyDays(db: Executor, programId: string, timeZone: string, since: Date): Promise<string[]> {
  const tz = sql`${timeZone}::text`;
  const r = await sql<{ day: string }>`
    ${planEachCall} with fresh as (
      select member_id, occurred_at from purchases where program_id = ${programId} and created_at >= ${since})
    select day from (
      select (occurred_at at time zone ${tz})::date as day from fresh
      union
      select (q.occurred_at at time zone ${tz})::date from fresh f
        join purchases q on q.member_id = f.member_id and q.occurred_at > f.occurred_at and q.status = 'completed'
      union
      select (occurred_at at time zone ${tz})::date from anonymous_purchases where program_id = ${programId} and created_at >= ${since}
      union
      select (created_at at time zone ${tz})::date from returns where program_id = ${programId} and created_at >= ${since}
      union
      select (created_at at time zone ${tz})::date from anonymous_returns where program_id = ${programId} and created_at >= ${since}
      union
      select (created_at at time zone ${tz})::date from members where program_id = ${programId} and created_at >= ${since}
      union
      select (created_at at time zone ${tz})::date from entries where program_id = ${programId} and created_at >= ${since}
      union
      select (p.occurred_at at time zone ${tz})::date from entries e
        join purchases p on p.member_id = e.member_id and p.purchase_id = e.purchase_id
        where e.program_id = ${programId} and e.created_at >= ${since} and e.kind in ('earn', 'redeem') and e.purchase_id is not null and p.created_at < e.created_at
    ) d order by day`.execute(db);
  return r.rows.map((x) => x.day);
}

/**
 * Recomputes the aggregates of whole days: deletes their rows and writes them again from the raw
 * tables. Idempotent; run it in a transaction so that readers never see a day half written.
 */
export async function recomputeDays(db: Executor, scope: DayScope): Promise<void> {
  if (scope.days.length === 0) return;
  // The visits sort the buyers' histories (all of them in a rebuild): let the sorts stay in
  // memory, for this transaction only.
  await sql.raw(`set local work_mem = '${scope.days.length > FEW_DAYS ? 256 : 64}MB'`).execute(db);
  const days = sql`${scope.days}::date[]`;
  // A rebuild deletes every day and an incremental run one or two: plan for the call's days.
  await sql`${planEachCall} with a as (delete from analytics_days where program_id = ${scope.programId} and day = any(${days})),
      v as (delete from analytics_visits where program_id = ${scope.programId} and day = any(${days})),
      c as (delete from analytics_cohort_days where program_id = ${scope.programId} and day = any(${days}))
    select 1`.execute(db);
  const cols = sql.join(['program_id', 'store_id', 'day', ...DAY_COLUMNS].map((c) => sql.ref(c)));
  await sql`insert into analytics_days (${cols}) ${dayRowsSql(scope)}`.execute(db);
  await insertVisitsAndCohortsSql(scope).execute(db);
}

/** Deletes every aggregate of the program (before a full rebuild in another time zone). */
export async function clearAggregates(db: Executor, programId: string): Promise<void> {
  await sql`with a as (delete from analytics_days where program_id = ${programId}),
      v as (delete from analytics_visits where program_id = ${programId}),
      c as (delete from analytics_cohort_days where program_id = ${programId})
    select 1`.execute(db);
}
