import { sql } from 'kysely';
import type { RfmInput, RfmScore } from '../domain/analytics/rfm.js';
import { planEachCall, type Executor } from './executor.js';

/**
 * Each member's recency (days from the last completed purchase to `today`), frequency (completed
 * purchases) and monetary value (their receipt totals) over the window [windowStart, windowEnd):
 * members without a purchase in the window are not scored.
 */
export async function rfmInputs(db: Executor, programId: string, timeZone: string, today: string, windowStart: Date, windowEnd: Date): Promise<RfmInput[]> {
  const r = await sql<{ member_id: string; recency: number; frequency: number; monetary: number }>`
    select ${planEachCall} member_id, (${today}::date - max((occurred_at at time zone ${timeZone}::text)::date))::int as recency,
      count(*)::int as frequency, sum(total)::bigint as monetary
    from purchases
    where program_id = ${programId} and status = 'completed' and occurred_at >= ${windowStart} and occurred_at < ${windowEnd}
    group by member_id`.execute(db);
  return r.rows.map((x) => ({ memberId: x.member_id, recency: x.recency, frequency: x.frequency, monetary: x.monetary }));
}

const CHUNK = 10_000;

/** Replaces the program's RFM scores and the grid counts; run it in a transaction. */
export async function replaceRfm(db: Executor, programId: string, inputs: RfmInput[], scores: RfmScore[], at: Date): Promise<void> {
  await db.deleteFrom('member_rfm').where('program_id', '=', programId).execute();
  for (let i = 0; i < scores.length; i += CHUNK) {
    const part = scores.slice(i, i + CHUNK);
    const inp = inputs.slice(i, i + CHUNK);
    await sql`insert into member_rfm (member_id, program_id, recency_days, frequency, monetary, r, f, m, segment, computed_at)
      select t.member_id, ${programId}::uuid, t.recency, t.frequency, t.monetary, t.r, t.f, t.m, t.segment, ${at}::timestamptz
      from unnest(${part.map((s) => s.memberId)}::uuid[], ${inp.map((x) => x.recency)}::int[], ${inp.map((x) => x.frequency)}::int[],
                  ${inp.map((x) => x.monetary)}::bigint[], ${part.map((s) => s.r)}::smallint[], ${part.map((s) => s.f)}::smallint[],
                  ${part.map((s) => s.m)}::smallint[], ${part.map((s) => s.segment)}::text[])
        as t(member_id, recency, frequency, monetary, r, f, m, segment)`.execute(db);
  }
  await db.deleteFrom('analytics_rfm_cells').where('program_id', '=', programId).execute();
  await sql`insert into analytics_rfm_cells (program_id, r, f, m, segment, members, recency_min, recency_max, frequency_min, frequency_max, monetary_min, monetary_max, computed_at)
    select program_id, r, f, m, min(segment), count(*), min(recency_days), max(recency_days), min(frequency), max(frequency), min(monetary), max(monetary), ${at}::timestamptz
    from member_rfm where program_id = ${programId} group by program_id, r, f, m`.execute(db);
}

export interface RfmCell {
  r: number;
  f: number;
  m: number;
  segment: string;
  members: number;
}

export async function rfmCells(db: Executor, programId: string): Promise<RfmCell[]> {
  return db.selectFrom('analytics_rfm_cells').select(['r', 'f', 'm', 'segment', 'members']).where('program_id', '=', programId).orderBy('r').orderBy('f').orderBy('m').execute();
}

/** When the scores were last computed, and the ranges of recency, frequency and monetary value behind each score. */
export async function rfmRanges(db: Executor, programId: string): Promise<{ computedAt: Date | null; ranges: { measure: 'r' | 'f' | 'm'; score: number; min: number; max: number }[] }> {
  const r = await sql<{ measure: 'r' | 'f' | 'm'; score: number; min: number; max: number; at: Date }>`
    select 'r' as measure, r as score, min(recency_min)::bigint as min, max(recency_max)::bigint as max, max(computed_at) as at from analytics_rfm_cells where program_id = ${programId} group by r
    union all select 'f', f, min(frequency_min), max(frequency_max), max(computed_at) from analytics_rfm_cells where program_id = ${programId} group by f
    union all select 'm', m, min(monetary_min), max(monetary_max), max(computed_at) from analytics_rfm_cells where program_id = ${programId} group by m
    order by 1, 2`.execute(db);
  return { computedAt: r.rows[0]?.at ?? null, ranges: r.rows.map(({ measure, score, min, max }) => ({ measure, score, min, max })) };
}

export async function memberRfm(db: Executor, memberId: string): Promise<{ recencyDays: number; frequency: number; monetary: number; r: number; f: number; m: number; segment: string; computedAt: Date } | undefined> {
  const r = await db.selectFrom('member_rfm').selectAll().where('member_id', '=', memberId).executeTakeFirst();
  return r && { recencyDays: r.recency_days, frequency: r.frequency, monetary: r.monetary, r: r.r, f: r.f, m: r.m, segment: r.segment, computedAt: r.computed_at };
}
