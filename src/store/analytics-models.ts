import { sql } from 'kysely';
import type { MemberPrediction } from '../domain/analytics/predictions.js';
import type { MemberDays } from '../domain/analytics/summary.js';
import type { Executor } from './executor.js';
import { json, planEachCall } from './executor.js';

/**
 * The purchase history the models are fitted on: members' completed purchases before `end`, as
 * calendar days in the program's time zone with same-day receipts merged (their totals added).
 * One row per member with the day numbers (days since 1970-01-01) and spends as arrays, so that
 * 100,000 members are 100,000 small rows, not a million objects (docs/operations.md, "Memory").
 */
export async function purchaseDays(db: Executor, programId: string, timeZone: string, end: Date): Promise<MemberDays[]> {
  const r = await sql<{ member_id: string; days: number[]; amounts: number[] }>`
    select ${planEachCall} member_id, array_agg(day - date '1970-01-01' order by day) as days, array_agg(amount order by day) as amounts
    from (select member_id, (occurred_at at time zone ${timeZone}::text)::date as day, sum(total)::float8 as amount
          from purchases where program_id = ${programId} and status = 'completed' and occurred_at < ${end}
          group by 1, 2) d
    group by member_id`.execute(db);
  return r.rows.map((row) => ({ memberId: row.member_id, days: row.days.map(Number), amounts: row.amounts.map(Number) }));
}

export interface FitRecord {
  fitId: string;
  fittedAt: Date;
  calibrationEnd: string;
  members: number;
  repeatMembers: number;
  bgnbd: unknown;
  gammaGamma: unknown;
  options: unknown;
  durationMs: number;
}

export async function insertFit(db: Executor, programId: string, f: FitRecord): Promise<void> {
  await db
    .insertInto('model_fits')
    .values({
      program_id: programId,
      fit_id: f.fitId,
      fitted_at: f.fittedAt,
      calibration_end: f.calibrationEnd,
      members: f.members,
      repeat_members: f.repeatMembers,
      bgnbd: json(f.bgnbd),
      gamma_gamma: f.gammaGamma === null ? null : json(f.gammaGamma),
      options: json(f.options),
      duration_ms: f.durationMs,
    })
    .execute();
}

export async function latestFit(db: Executor, programId: string): Promise<FitRecord | undefined> {
  const r = await db.selectFrom('model_fits').selectAll().where('program_id', '=', programId).orderBy('fitted_at', 'desc').orderBy('fit_id', 'desc').limit(1).executeTakeFirst();
  return (
    r && {
      fitId: r.fit_id,
      fittedAt: r.fitted_at,
      calibrationEnd: r.calibration_end,
      members: r.members,
      repeatMembers: r.repeat_members,
      bgnbd: r.bgnbd,
      gammaGamma: r.gamma_gamma,
      options: r.options,
      durationMs: r.duration_ms,
    }
  );
}

const CHUNK = 10_000;

/**
 * Stores a fit's predictions: a member's previous P(alive) moves to previous_p_alive (for the
 * at-risk rule); members the fit no longer covers lose their row. Run it in a transaction.
 */
export async function savePredictions(db: Executor, programId: string, fitId: string, predictions: MemberPrediction[], at: Date): Promise<void> {
  for (let i = 0; i < predictions.length; i += CHUNK) {
    const p = predictions.slice(i, i + CHUNK);
    await sql`insert into member_predictions (member_id, program_id, fit_id, x, tx, t, expected_purchases, p_alive, previous_p_alive, expected_spend, clv, fitted_at)
      select t.member_id, ${programId}::uuid, ${fitId}::uuid, t.x, t.tx, t.t, t.e, t.p, null, t.spend, t.clv, ${at}::timestamptz
      from unnest(${p.map((x) => x.memberId)}::uuid[], ${p.map((x) => x.x)}::int[], ${p.map((x) => x.tx)}::float8[], ${p.map((x) => x.T)}::float8[],
                  ${p.map((x) => x.expectedPurchases)}::float8[], ${p.map((x) => x.pAlive)}::float8[], ${p.map((x) => x.expectedSpend)}::bigint[],
                  ${p.map((x) => x.clv)}::bigint[]) as t(member_id, x, tx, t, e, p, spend, clv)
      on conflict (member_id) do update set fit_id = excluded.fit_id, x = excluded.x, tx = excluded.tx, t = excluded.t,
        expected_purchases = excluded.expected_purchases, previous_p_alive = member_predictions.p_alive, p_alive = excluded.p_alive,
        expected_spend = excluded.expected_spend, clv = excluded.clv, fitted_at = excluded.fitted_at`.execute(db);
  }
  await db.deleteFrom('member_predictions').where('program_id', '=', programId).where('fit_id', '<>', fitId).execute();
}

export async function memberPrediction(db: Executor, memberId: string) {
  return db.selectFrom('member_predictions').selectAll().where('member_id', '=', memberId).executeTakeFirst();
}
