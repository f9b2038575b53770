import { FLEET_LOCKS, lockForTransaction } from './fleet-locks.js';
import type { Executor } from './executor.js';
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

export interface RoundClaim {
  job: string;
  round: number;
  holder: string;
  at: Date;
  /** A running round whose heartbeat is older than this is taken to have died with its server. */
  staleBefore: Date;
}

/**
 * Claims `round` of `job` for `holder`, unless some server claimed it already or another server's
 * round of the job still runs (its heartbeat is fresh). Claims are serialised by a fleet-wide advisory lock,
 * so that two servers whose clocks straddle a round's boundary cannot both start one.
 */
export async function claimJobRound(db: Kysely<DB>, c: RoundClaim): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await lockForTransaction(tx, FLEET_LOCKS.jobClaims);
    const running = await tx
      .selectFrom('job_rounds')
      .select('round')
      .where('job', '=', c.job)
      .where('finished_at', 'is', null)
      .where('heartbeat_at', '>=', c.staleBefore)
      // The holder's own unfinished round ended with an error it could not write down (the
      // database went away); the holder runs one round of a job at a time anyway.
      .where('holder', '!=', c.holder)
      .executeTakeFirst();
    if (running) return false;
    const claimed = await tx
      .insertInto('job_rounds')
      .values({ job: c.job, round: c.round, holder: c.holder, started_at: c.at, heartbeat_at: c.at, finished_at: null, outcome: null })
      .onConflict((oc) => oc.columns(['job', 'round']).doNothing())
      .returning('round')
      .executeTakeFirst();
    return claimed !== undefined;
  });
}

export async function beatJobRound(db: Executor, job: string, round: number, holder: string, at: Date): Promise<void> {
  await db.updateTable('job_rounds').set({ heartbeat_at: at }).where('job', '=', job).where('round', '=', round).where('holder', '=', holder).execute();
}

export async function finishJobRound(db: Executor, job: string, round: number, holder: string, at: Date, outcome: 'done' | 'failed'): Promise<void> {
  await db.updateTable('job_rounds').set({ finished_at: at, heartbeat_at: at, outcome }).where('job', '=', job).where('round', '=', round).where('holder', '=', holder).execute();
}

/** Rounds finished before `before` are dropped: the table holds recent history only. */
export async function dropOldJobRounds(db: Executor, before: Date): Promise<void> {
  await db.deleteFrom('job_rounds').where('started_at', '<', before).where('finished_at', 'is not', null).execute();
}

export interface JobRoundRow {
  job: string;
  round: number;
  holder: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: string | null;
}

export async function listJobRounds(db: Executor, job?: string): Promise<JobRoundRow[]> {
  let q = db.selectFrom('job_rounds').selectAll().orderBy('job').orderBy('round');
  if (job) q = q.where('job', '=', job);
  const rows = await q.execute();
  return rows.map((r) => ({ job: r.job, round: Number(r.round), holder: r.holder, startedAt: r.started_at, finishedAt: r.finished_at, outcome: r.outcome }));
}
