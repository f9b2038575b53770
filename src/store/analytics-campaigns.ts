import { sql, type RawBuilder } from 'kysely';
import type { ScheduleSlots } from '../domain/rules/schedule.js';
import { planEachCall, type Executor } from './executor.js';

/**
 * Reads for the per-campaign report (docs/analytics.md, "Campaigns"). The effect sums read
 * campaign_effects and anonymous_campaign_effects by (program_id, campaign_id, occurred_at) and
 * join the receipts of the same range by their key; the outcomes of a control-group comparison read the
 * purchases of one population of members (see `populationOutcomes` for its bounds).
 */

/** What a campaign's effects came to in a range of time. */
export interface EffectSums {
  campaignId: string;
  /** Distinct members with an effect. */
  membersReached: number;
  /** Members' receipts with an effect (events, which are not receipts, are left out). */
  memberReceipts: number;
  anonymousReceipts: number;
  /** Points the campaign gave members. */
  points: number;
  /** Money discounts on members' receipts and on receipts without a member, minor units. */
  memberDiscount: number;
  anonymousDiscount: number;
  /** Receipt totals of those receipts, minor units. */
  memberRevenue: number;
  anonymousRevenue: number;
}

const zero = (campaignId: string): EffectSums => ({
  campaignId,
  membersReached: 0,
  memberReceipts: 0,
  anonymousReceipts: 0,
  points: 0,
  memberDiscount: 0,
  anonymousDiscount: 0,
  memberRevenue: 0,
  anonymousRevenue: 0,
});

/**
 * Effect sums per campaign for effects that occurred in [start, end); one campaign when `campaignId` is given.
 * A cancelled purchase's effects are netted by their reversing rows and its members are not counted
 * as reached (its purchase row is cancelled, so it joins no receipt).
 * An effect carries its receipt's occurred_at, so the receipts are read from the same range: none is
 * lost, and PostgreSQL may hash-join the range's receipts instead of probing each one by its key
 * (at a million members, 0.35 s instead of 0.8–1.4 s for 96,000 effect receipts: bench/RESULTS.md).
 */
export async function effectSums(db: Executor, programId: string, start: Date, end: Date, campaignId?: string): Promise<Map<string, EffectSums>> {
  const one = campaignId === undefined ? sql`` : sql`and campaign_id = ${campaignId}`;
  const [members, anonymous] = await Promise.all([
    sql<{ campaign_id: string; reached: number; receipts: number; points: string; discount: string; revenue: string }>`${planEachCall}
      select e.campaign_id, count(distinct e.member_id) filter (where p.purchase_id is not null)::int as reached, count(p.purchase_id)::int as receipts,
             sum(e.points)::bigint as points, sum(e.discount)::bigint as discount, coalesce(sum(p.total), 0)::bigint as revenue
        from (select campaign_id, member_id, purchase_id, sum(points) as points, sum(discount) as discount
                from campaign_effects
               where program_id = ${programId} ${one} and occurred_at >= ${start} and occurred_at < ${end}
               group by 1, 2, 3) e
        left join (select member_id, purchase_id, total from purchases
                    where program_id = ${programId} and occurred_at >= ${start} and occurred_at < ${end} and status <> 'cancelled') p
          on p.member_id = e.member_id and p.purchase_id = e.purchase_id
       group by e.campaign_id`.execute(db),
    sql<{ campaign_id: string; receipts: number; discount: string; revenue: string }>`${planEachCall}
      select e.campaign_id, count(p.purchase_id)::int as receipts, sum(e.discount)::bigint as discount, coalesce(sum(p.total), 0)::bigint as revenue
        from (select campaign_id, purchase_id, sum(discount) as discount
                from anonymous_campaign_effects
               where program_id = ${programId} ${one} and occurred_at >= ${start} and occurred_at < ${end}
               group by 1, 2) e
        left join (select purchase_id, total from anonymous_purchases
                    where program_id = ${programId} and occurred_at >= ${start} and occurred_at < ${end}) p
          on p.purchase_id = e.purchase_id
       group by e.campaign_id`.execute(db),
  ]);
  const out = new Map<string, EffectSums>();
  const of = (id: string) => out.get(id) ?? out.set(id, zero(id)).get(id)!;
  for (const r of members.rows) {
    Object.assign(of(r.campaign_id), { membersReached: r.reached, memberReceipts: r.receipts, points: Number(r.points), memberDiscount: Number(r.discount), memberRevenue: Number(r.revenue) });
  }
  for (const r of anonymous.rows) {
    Object.assign(of(r.campaign_id), { anonymousReceipts: r.receipts, anonymousDiscount: Number(r.discount), anonymousRevenue: Number(r.revenue) });
  }
  return out;
}

/** One member of a comparison's population and what they did in the window. */
export interface MemberOutcome {
  memberId: string;
  /** Receipt totals of completed purchases in the window, minor units. */
  spend: number;
  /** Days (program time zone) with a completed purchase in the window. */
  visits: number;
}

/**
 * Whether the instant `col` falls in the schedule's weekly slots in the program's zone (the SQL of
 * domain/rules/schedule.ts `compileSchedule`'s weekday and hour checks); true without slots.
 */
export function inSlots(col: RawBuilder<unknown>, timeZone: string, slots: ScheduleSlots | null | undefined): RawBuilder<unknown> {
  if (!slots) return sql`true`;
  const local = sql`(${col} at time zone ${timeZone}::text)`;
  const dow = sql`extract(isodow from ${local})::int`;
  const on = (d: RawBuilder<unknown>) => (slots.weekdays === null ? sql`true` : sql`${d} = any(${slots.weekdays}::int[])`);
  if (slots.hours.length === 0) return sql`(${on(dow)})`;
  const minute = sql`(extract(hour from ${local})::int * 60 + extract(minute from ${local})::int)`;
  const prev = sql`(case when ${dow} = 1 then 7 else ${dow} - 1 end)`;
  const windows = slots.hours.map((h) =>
    h.from < h.to
      ? sql`(${minute} >= ${h.from}::int and ${minute} < ${h.to}::int and ${on(dow)})`
      : sql`((${minute} >= ${h.from}::int and ${on(dow)}) or (${minute} < ${h.to}::int and ${on(prev)}))`,
  );
  return sql`(${sql.join(windows, sql` or `)})`;
}

/**
 * The population of a control-group comparison and each member's spend and visits in the window
 * [windowStart, windowEnd) — within the schedule's weekly slots, when it has any: members who made a completed purchase in [lookbackStart, populationStart)
 * or enrolled in [populationStart, windowEnd) (docs/adr/0015-campaign-uplift.md). One row per member.
 * The purchases of the lookback and of the window are read by their (program_id, occurred_at)
 * index and the enrolments by (program_id, created_at): the work grows with the purchases around
 * the campaign, not with the program's size.
 */
export async function populationOutcomes(db: Executor, q: { programId: string; timeZone: string; lookbackStart: Date; populationStart: Date; windowStart: Date; windowEnd: Date; slots?: ScheduleSlots | null }): Promise<MemberOutcome[]> {
  const r = await sql<{ member_id: string; spend: string | null; visits: number | null }>`${planEachCall}
    with population as (
      select member_id from purchases
       where program_id = ${q.programId} and status = 'completed' and occurred_at >= ${q.lookbackStart} and occurred_at < ${q.populationStart}
      union
      select member_id from members
       where program_id = ${q.programId} and created_at >= ${q.populationStart} and created_at < ${q.windowEnd}
    ), outcome as (
      select member_id, sum(total)::bigint as spend, count(distinct (occurred_at at time zone ${q.timeZone}::text)::date)::int as visits
        from purchases
       where program_id = ${q.programId} and status = 'completed' and occurred_at >= ${q.windowStart} and occurred_at < ${q.windowEnd}
         and ${inSlots(sql`occurred_at`, q.timeZone, q.slots)}
       group by member_id
    )
    select m.member_id, o.spend, o.visits from population m left join outcome o on o.member_id = m.member_id`.execute(db);
  return r.rows.map((row) => ({ memberId: row.member_id, spend: Number(row.spend ?? 0), visits: row.visits ?? 0 }));
}
