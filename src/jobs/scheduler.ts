import type { AppContext } from '../app/context.js';
import { purgeSignInLeftovers } from '../app/housekeeping.js';
import { expirePoints } from '../app/ledger.js';
import { cancelTimedOutHolds } from '../app/purchases/two-phase.js';
import { reviewTiers } from '../app/rules/tier-review-job.js';
import { analyticsJob } from './analytics.js';

interface Log {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Runs the background jobs on an interval: the expiry write-down, hold timeouts, and dropping
 * ended sessions and old sign-in codes (they only write down what time already decided, so a
 * missed run changes no balance and lets no session live longer), and apart from them the
 * analytics job (aggregates, segments, RFM, model fits), whose longer runs must not hold up the
 * others.
 */
export function startJobs(ctx: AppContext, intervalSeconds: number, log: Log): () => Promise<void> {
  if (intervalSeconds <= 0) return async () => {};
  let running: Promise<void> | null = null;
  let analytics: Promise<void> | null = null;
  const tick = () => {
    if (!analytics) {
      analytics = analyticsJob(ctx, log).then(
        () => {
          analytics = null;
        },
        (err: unknown) => {
          log.error({ err }, 'the analytics job failed; it will run again');
          analytics = null;
        },
      );
    }
    if (running) return;
    running = (async () => {
      try {
        const holds = await cancelTimedOutHolds(ctx);
        const expired = await expirePoints(ctx);
        await reviewTiers(ctx);
        const purged = await purgeSignInLeftovers(ctx);
        if (holds > 0 || expired.points > 0) log.info({ holdsCancelled: holds, ...expired }, 'jobs ran');
        if (purged.sessions + purged.codes > 0) log.info(purged, 'ended sessions and old codes dropped');
      } catch (err) {
        log.error({ err }, 'a background job failed; it will run again');
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  setImmediate(tick);
  return async () => {
    clearInterval(timer);
    await running;
    await analytics;
  };
}
