import { afterFailure, DEFAULT_RETRY, type Channel, type RetryPolicy } from '../domain/outbox.js';
import type { Executor } from '../store/executor.js';
import { claimDueMessages, insertOutboxMessage, recordOutcome, type OutboxMessage } from '../store/outbox.js';
import type { AppContext } from './context.js';

export type { OutboxMessage };

/**
 * Puts a message in the outbox inside the caller's transaction: it leaves only if what caused it
 * commits, and it leaves even if the process stops right after (the delivery worker sends it).
 */
export async function enqueueMessage(
  trx: Executor,
  ctx: AppContext,
  m: { programId: string; channel: Channel; recipient: string; subject: string | null; body: string | null; payload: Record<string, unknown> },
): Promise<string> {
  const messageId = ctx.newId();
  await insertOutboxMessage(trx, { ...m, messageId, at: ctx.clock() });
  return messageId;
}

/** Sends one message or throws; one per channel (SMTP, the SMS webhook, the development log). */
export interface Transport {
  /** Shown in logs and at start, e.g. `SMTP mail.example.com:587`. */
  readonly description: string;
  send(message: OutboxMessage, now: Date): Promise<void>;
}

export type Transports = Partial<Record<Channel, Transport>>;

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * One pass of the delivery worker: claims due messages (marked as sending for `leaseMs`, so a
 * crashed worker's messages become due again), sends each, and records the outcome: sent, due
 * again after a backoff, or failed after the last attempt. A channel without a transport fails
 * at once. A message marked `secret` in its payload (a sign-in code) loses its subject and body
 * once it is sent or failed, so working codes do not linger in the table or its backups.
 */
export async function deliverDue(
  ctx: AppContext,
  transports: Transports,
  options: { limit?: number; leaseMs?: number; retry?: RetryPolicy; onError?: (m: OutboxMessage, err: Error) => void } = {},
): Promise<DeliveryReport> {
  const now = ctx.clock();
  const claimed = await ctx.db.transaction().execute((trx) => claimDueMessages(trx, now, new Date(now.getTime() + (options.leaseMs ?? 300_000)), options.limit ?? 50));
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
  await Promise.all(
    claimed.map(async (m) => {
      const transport = transports[m.channel];
      try {
        if (!transport) throw new Error(`no delivery is configured for ${m.channel}`);
        await transport.send(m, now);
        await recordOutcome(ctx.db, m, { status: 'sent', at: ctx.clock(), scrub: m.payload.secret === true });
        report.sent++;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        options.onError?.(m, error);
        const next = transport ? afterFailure(m.attempts, ctx.clock(), options.retry ?? DEFAULT_RETRY) : { status: 'failed' as const };
        await recordOutcome(ctx.db, m, { ...next, at: ctx.clock(), error: error.message.slice(0, 1000), scrub: next.status === 'failed' && m.payload.secret === true });
        report[next.status === 'failed' ? 'failed' : 'retrying']++;
      }
    }),
  );
  return report;
}
