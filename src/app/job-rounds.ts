import { beatJobRound, claimJobRound, dropOldJobRounds, finishJobRound } from '../store/job-rounds.js';
import type { AppContext } from './context.js';

/** A running round writes its heartbeat this often … */
const HEARTBEAT_MS = 30_000;
/** … and one that has not for this long is taken to have died with its server. */
const STALE_MS = 5 * 60_000;
/** Finished rounds are kept this long, for operators to look at. */
const KEEP_MS = 7 * 86_400_000;

/**
 * Runs `work` as round ⌊now / interval⌋ of `job` if this server is the first to claim that round
 * and no earlier round of the job still runs anywhere (docs/operations.md, "Several servers").
 * Returns whether it ran here. `work`'s errors are the caller's; the round is marked failed.
 */
export async function runJobRound<T>(ctx: AppContext, job: string, intervalMs: number, holder: string, work: () => Promise<T>): Promise<{ ran: false } | { ran: true; round: number; result: T }> {
  const at = ctx.clock();
  const round = Math.floor(at.getTime() / intervalMs);
  if (!(await claimJobRound(ctx.db, { job, round, holder, at, staleBefore: new Date(at.getTime() - STALE_MS) }))) return { ran: false };
  const heartbeat = setInterval(() => void beatJobRound(ctx.db, job, round, holder, ctx.clock()).catch(() => {}), HEARTBEAT_MS);
  heartbeat.unref();
  let outcome: 'done' | 'failed' = 'failed';
  try {
    const result = await work();
    outcome = 'done';
    return { ran: true, round, result };
  } finally {
    clearInterval(heartbeat);
    // The database may be what failed: the round then ends by its stale heartbeat instead.
    await finishJobRound(ctx.db, job, round, holder, ctx.clock(), outcome).catch(() => {});
    if (round % 60 === 0) await dropOldJobRounds(ctx.db, new Date(at.getTime() - KEEP_MS)).catch(() => {});
  }
}
