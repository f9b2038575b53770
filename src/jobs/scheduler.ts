import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../app/context.js';
import { purgeSignInLeftovers } from '../app/housekeeping.js';
import { runJobRound } from '../app/job-rounds.js';
import { expirePoints } from '../app/ledger.js';
import { cancelTimedOutHolds } from '../app/purchases/two-phase.js';
import { databaseFailure } from '../app/database.js';
import { reviewTiers } from '../app/rules/tier-review-job.js';
import { analyticsJob } from './analytics.js';

interface Log {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** This process, as it signs the job rounds it claims. */
export const JOB_HOLDER = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Runs the background jobs on an interval: the ledger jobs — the expiry write-down, hold timeouts,
 * tier reviews at the end of their periods, and dropping ended sessions and old sign-in codes (they only write down what time already
 * decided, so a missed run changes no balance and lets no session live longer) — and apart from
 * them the analytics job (aggregates, segments, RFM, model fits), whose longer runs must not hold
 * up the others.
 *
 * Every server on one database runs this loop, and each round of each job runs on exactly one of
 * them: the first to claim it (src/app/job-rounds.ts). A server that finds a round claimed, or the
 * job still running elsewhere, skips it.
 */
export function startJobs(ctx: AppContext, intervalSeconds: number, log: Log, holder = JOB_HOLDER): () => Promise<void> {
  if (intervalSeconds <= 0) return async () => {};
  const intervalMs = intervalSeconds * 1000;
  let running: Promise<void> | null = null;
  let analytics: Promise<void> | null = null;
  const failed = (what: string) => (err: unknown) => {
    // The database being away is logged in one line without a stack: the HTTP side logs the outage.
    if (databaseFailure(err)) log.warn({ reason: (err as Error).message }, `${what} could not reach the database; it will run again`);
    else log.error({ err }, `${what} failed; it will run again`);
  };
  const tick = () => {
    if (!analytics) {
      analytics = runJobRound(ctx, 'analytics', intervalMs, holder, () => analyticsJob(ctx, log)).then(
        (r) => {
          if (r.ran) log.debug({ job: 'analytics', round: r.round }, 'job round ran here');
          analytics = null;
        },
        (err: unknown) => {
          failed('the analytics job')(err);
          analytics = null;
        },
      );
    }
    if (running) return;
    running = (async () => {
      try {
        const r = await runJobRound(ctx, 'ledger', intervalMs, holder, async () => {
          const holds = await cancelTimedOutHolds(ctx);
          const expired = await expirePoints(ctx);
          await reviewTiers(ctx);
          const purged = await purgeSignInLeftovers(ctx);
          if (holds > 0 || expired.points > 0) log.info({ holdsCancelled: holds, ...expired }, 'jobs ran');
          if (purged.sessions + purged.codes + purged.idempotencyKeys > 0) log.info(purged, 'ended sessions, old codes and old idempotency keys dropped');
        });
        if (r.ran) log.debug({ job: 'ledger', round: r.round }, 'job round ran here');
      } catch (err) {
        failed('a background job')(err);
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  setImmediate(tick);
  return async () => {
    clearInterval(timer);
    await running;
    await analytics;
  };
}
