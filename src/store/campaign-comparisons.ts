import { sql } from 'kysely';
import type { Moments } from '../domain/analytics/uplift.js';
import type { ScheduleSlots } from '../domain/rules/schedule.js';
import { inSlots, type MemberOutcome } from './analytics-campaigns.js';
import { planEachCall, type Executor } from './executor.js';

/**
 * Stored control-group comparisons (docs/adr/0017-campaign-comparison-aggregates.md): the bounds
 * a campaign's comparison was last brought up to, and per member of its population their bucket,
 * spend and visit days over the window. The job recomputes the rows of the members it finds
 * touched from the raw purchases (never adds deltas), so a run repeated, or two runs overlapping,
 * write the same values; the report sums the rows per group.
 */

export interface StoredComparison {
  campaignId: string;
  timeZone: string;
  windowFrom: string;
  windowTo: string;
  populationFrom: string;
  lookbackFrom: string;
  /** The weekly slots the rows count purchases in, as JSON ('' for every hour; migration 0013). */
  slots: string;
  /** The start of the job run that last updated it: the figures are as of this instant. */
  aggregatedAt: Date;
}

const fromRow = (r: { campaign_id: string; time_zone: string; window_from: string; window_to: string; population_from: string; lookback_from: string; slots: string; aggregated_at: Date }): StoredComparison => ({
  campaignId: r.campaign_id,
  timeZone: r.time_zone,
  windowFrom: r.window_from,
  windowTo: r.window_to,
  populationFrom: r.population_from,
  lookbackFrom: r.lookback_from,
  slots: r.slots,
  aggregatedAt: r.aggregated_at,
});

const COLUMNS = ['campaign_id', 'time_zone', 'window_from', 'window_to', 'population_from', 'lookback_from', 'slots', 'aggregated_at'] as const;

export async function findComparison(db: Executor, programId: string, campaignId: string): Promise<StoredComparison | undefined> {
  const r = await db.selectFrom('campaign_comparisons').select(COLUMNS).where('program_id', '=', programId).where('campaign_id', '=', campaignId).executeTakeFirst();
  return r && fromRow(r);
}

/**
 * Takes the campaign's comparison row for update, creating it (with `initial`) when missing, so
 * that two job runs on one campaign queue behind each other. `created` says the row is new: its
 * members must be filled.
 */
export async function lockComparison(db: Executor, programId: string, initial: Omit<StoredComparison, 'aggregatedAt'>, at: Date): Promise<{ row: StoredComparison; created: boolean }> {
  const inserted = await sql`
    insert into campaign_comparisons (program_id, campaign_id, time_zone, window_from, window_to, population_from, lookback_from, slots, aggregated_at, updated_at)
    values (${programId}, ${initial.campaignId}, ${initial.timeZone}, ${initial.windowFrom}, ${initial.windowTo}, ${initial.populationFrom}, ${initial.lookbackFrom}, ${initial.slots}, ${at}, ${at})
    on conflict (program_id, campaign_id) do nothing returning 1`.execute(db);
  const row = await db.selectFrom('campaign_comparisons').select(COLUMNS).where('program_id', '=', programId).where('campaign_id', '=', initial.campaignId).forUpdate().executeTakeFirstOrThrow();
  return { row: fromRow(row), created: inserted.rows.length > 0 };
}

export async function saveComparison(db: Executor, programId: string, c: StoredComparison, at: Date): Promise<void> {
  await db
    .updateTable('campaign_comparisons')
    .set({ time_zone: c.timeZone, window_from: c.windowFrom, window_to: c.windowTo, population_from: c.populationFrom, lookback_from: c.lookbackFrom, slots: c.slots, aggregated_at: c.aggregatedAt, updated_at: at })
    .where('program_id', '=', programId)
    .where('campaign_id', '=', c.campaignId)
    .execute();
}

export async function clearComparisonMembers(db: Executor, programId: string, campaignId: string): Promise<void> {
  await db.deleteFrom('campaign_comparison_members').where('program_id', '=', programId).where('campaign_id', '=', campaignId).execute();
}

/** The bounds of a comparison in instants: [lookbackStart, populationStart) for the lookback, [windowStart, windowEnd) for the window. */
export interface ComparisonSpan {
  programId: string;
  timeZone: string;
  lookbackStart: Date;
  populationStart: Date;
  windowStart: Date;
  windowEnd: Date;
  /** The campaign's weekly slots: only purchases in them count in the window (null: every hour). */
  slots?: ScheduleSlots | null;
}

/**
 * Members whose membership of the population or outcomes may have changed since the last run:
 * those with a purchase created since `since` (the last run's start less an overlap) dated in
 * the lookback or the window, or with a two-phase purchase confirmed since (its earn or redeem
 * entries are new, as in the day aggregates' dirty days); those enrolled since; and, when the
 * window grew, those who bought or enrolled on its new days or in the lookback's new days
 * (`previous` holds the old bounds). Each read goes by a time index.
 */
export async function touchedMembers(db: Executor, q: ComparisonSpan & { since: Date; previous: { lookbackStart: Date; windowEnd: Date } }): Promise<string[]> {
  const p = q.programId;
  const r = await sql<{ member_id: string }>`
    select member_id from purchases
     where program_id = ${p} and created_at >= ${q.since} and occurred_at >= ${q.lookbackStart} and occurred_at < ${q.windowEnd}
    union
    select p.member_id from entries e join purchases p on p.member_id = e.member_id and p.purchase_id = e.purchase_id
     where e.program_id = ${p} and e.created_at >= ${q.since} and e.kind in ('earn', 'redeem') and e.purchase_id is not null
       and p.created_at < e.created_at and p.occurred_at >= ${q.lookbackStart} and p.occurred_at < ${q.windowEnd}
    union
    select member_id from members
     where program_id = ${p} and created_at >= ${q.since} and created_at >= ${q.populationStart} and created_at < ${q.windowEnd}
    union
    select member_id from purchases
     where program_id = ${p} and status = 'completed' and occurred_at >= ${q.lookbackStart} and occurred_at < ${q.previous.lookbackStart}
    union
    select member_id from purchases
     where program_id = ${p} and status = 'completed' and occurred_at >= ${q.previous.windowEnd} and occurred_at < ${q.windowEnd}
    union
    select member_id from members
     where program_id = ${p} and created_at >= ${q.previous.windowEnd} and created_at < ${q.windowEnd}`.execute(db);
  return r.rows.map((x) => x.member_id);
}

/**
 * For the given members: whether each is in the population (a completed purchase in the lookback,
 * or enrolled from populationStart to the window's end) and their spend and visit days in the
 * window, from their completed purchases by the covering index purchases_member_completed.
 */
export async function outcomesOfMembers(db: Executor, q: ComparisonSpan & { memberIds: readonly string[] }): Promise<{ inPopulation: MemberOutcome[]; outside: string[] }> {
  if (q.memberIds.length === 0) return { inPopulation: [], outside: [] };
  const r = await sql<{ member_id: string; in_population: boolean; spend: string | null; visits: number | null }>`
    select t.member_id,
           exists (select 1 from purchases p where p.member_id = t.member_id and p.status = 'completed' and p.occurred_at >= ${q.lookbackStart} and p.occurred_at < ${q.populationStart})
           or exists (select 1 from members m where m.member_id = t.member_id and m.program_id = ${q.programId} and m.created_at >= ${q.populationStart} and m.created_at < ${q.windowEnd}) as in_population,
           o.spend, o.visits
      from unnest(${q.memberIds}::uuid[]) as t (member_id)
      cross join lateral (
        select sum(p.total)::bigint as spend, count(distinct (p.occurred_at at time zone ${q.timeZone}::text)::date)::int as visits
          from purchases p
         where p.member_id = t.member_id and p.status = 'completed' and p.occurred_at >= ${q.windowStart} and p.occurred_at < ${q.windowEnd}
           and ${inSlots(sql`p.occurred_at`, q.timeZone, q.slots)}) o`.execute(db);
  const inPopulation: MemberOutcome[] = [];
  const outside: string[] = [];
  for (const row of r.rows) {
    if (row.in_population) inPopulation.push({ memberId: row.member_id, spend: Number(row.spend ?? 0), visits: row.visits ?? 0 });
    else outside.push(row.member_id);
  }
  return { inPopulation, outside };
}

const BATCH = 5_000;

/**
 * Writes the members' rows (insert, or update when a value differs) and removes `outside` from the
 * population. Returns how many rows changed: 0 when nothing did, so a repeated run shows as such.
 */
export async function writeComparisonMembers(
  db: Executor,
  programId: string,
  campaignId: string,
  rows: readonly (MemberOutcome & { bucket: number })[],
  outside: readonly string[] = [],
): Promise<number> {
  let changed = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const b = rows.slice(i, i + BATCH);
    const r = await sql`
      insert into campaign_comparison_members as c (program_id, campaign_id, member_id, bucket, spend, visits)
      select ${programId}::uuid, ${campaignId}, t.member_id, t.bucket, t.spend, t.visits
        from unnest(${b.map((x) => x.memberId)}::uuid[], ${b.map((x) => x.bucket)}::int[], ${b.map((x) => x.spend)}::bigint[], ${b.map((x) => x.visits)}::int[]) as t (member_id, bucket, spend, visits)
      on conflict (program_id, campaign_id, member_id) do update set bucket = excluded.bucket, spend = excluded.spend, visits = excluded.visits
       where (c.bucket, c.spend, c.visits) is distinct from (excluded.bucket, excluded.spend, excluded.visits)`.execute(db);
    changed += Number(r.numAffectedRows ?? 0);
  }
  if (outside.length > 0) {
    const r = await db.deleteFrom('campaign_comparison_members').where('program_id', '=', programId).where('campaign_id', '=', campaignId).where('member_id', 'in', [...outside]).executeTakeFirst();
    changed += Number(r.numDeletedRows);
  }
  return changed;
}

export interface GroupMoments {
  spend: Moments;
  visits: Moments;
}

/**
 * Count, mean and Σ (x − mean)² of spend and visits per group of a stored comparison, the control
 * group being the buckets below `cut` (percent × 100). PostgreSQL's float8 var_pop updates the
 * mean and the squared deviations together (Youngs–Cramer), so large totals of money do not
 * cancel out as Σx² − (Σx)²/n would.
 */
export async function comparisonMoments(db: Executor, programId: string, campaignId: string, cut: number): Promise<{ treatment: GroupMoments; control: GroupMoments }> {
  const r = await sql<{ control: boolean; n: number; spend_mean: number; spend_m2: number; visits_mean: number; visits_m2: number }>`${planEachCall}
    select bucket < ${cut}::int as control, count(*)::int as n,
           avg(spend::float8) as spend_mean, var_pop(spend::float8) * count(*) as spend_m2,
           avg(visits::float8) as visits_mean, var_pop(visits::float8) * count(*) as visits_m2
      from campaign_comparison_members
     where program_id = ${programId} and campaign_id = ${campaignId}
     group by 1`.execute(db);
  const empty = (): GroupMoments => ({ spend: { n: 0, mean: 0, m2: 0 }, visits: { n: 0, mean: 0, m2: 0 } });
  const out = { treatment: empty(), control: empty() };
  for (const row of r.rows) {
    const n = Number(row.n);
    out[row.control ? 'control' : 'treatment'] = {
      spend: { n, mean: Number(row.spend_mean), m2: Number(row.spend_m2) },
      visits: { n, mean: Number(row.visits_mean), m2: Number(row.visits_m2) },
    };
  }
  return out;
}
