import type { AppContext } from '../app/context.js';
import { deliverDue, type DeliveryReport, type Transports } from '../app/outbox.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../domain/outbox.js';
import { databaseFailure } from '../app/database.js';

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** One delivery pass (tests call it directly); failures of single messages are logged, not thrown. */
export async function runOutboxOnce(ctx: AppContext, transports: Transports, log?: Log, retry?: RetryPolicy): Promise<DeliveryReport> {
  return deliverDue(ctx, transports, {
    ...(retry ? { retry } : {}),
    onError: (m, err) => log?.warn({ messageId: m.messageId, channel: m.channel, attempt: m.attempts, err: err.message }, 'a message could not be sent; it will be retried unless that was the last attempt'),
  });
}

/**
 * The delivery worker: runs a pass every `intervalSeconds` (0 turns it off) and at once after a
 * pass that found a full batch. Several processes may run it on one PostgreSQL: claims skip
 * locked rows.
 */
export function startOutbox(ctx: AppContext, transports: Transports, intervalSeconds: number, log: Log, maxAttempts = DEFAULT_RETRY.maxAttempts): () => Promise<void> {
  if (intervalSeconds <= 0) return async () => {};
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    let again = false;
    running = (async () => {
      try {
        const r = await runOutboxOnce(ctx, transports, log, { ...DEFAULT_RETRY, maxAttempts });
        if (r.sent + r.retrying + r.failed > 0) log.info({ ...r }, 'outbox delivered');
        again = r.sent + r.retrying + r.failed >= 50;
      } catch (err) {
        // While the database is away this would repeat every interval: one line, no stack.
        if (databaseFailure(err)) log.warn({ reason: (err as Error).message }, 'the outbox worker could not reach the database; it will run again');
        else log.error({ err }, 'the outbox worker failed; it will run again');
      } finally {
        running = null;
        if (again) setImmediate(tick);
      }
    })();
  };
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  setImmediate(tick);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
