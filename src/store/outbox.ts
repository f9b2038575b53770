import { sql } from 'kysely';
import type { Channel, OutboxStatus } from '../domain/outbox.js';
import type { Executor } from './executor.js';
import { json } from './executor.js';

export interface OutboxMessage {
  programId: string;
  messageId: string;
  channel: Channel;
  recipient: string;
  subject: string | null;
  body: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  createdAt: Date;
}

export async function insertOutboxMessage(
  db: Executor,
  m: { programId: string; messageId: string; channel: Channel; recipient: string; subject: string | null; body: string | null; payload: Record<string, unknown>; at: Date },
): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      program_id: m.programId,
      message_id: m.messageId,
      channel: m.channel,
      recipient: m.recipient,
      subject: m.subject,
      body: m.body,
      payload: json(m.payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: m.at,
      last_error: null,
      created_at: m.at,
      sent_at: null,
    })
    .execute();
}

/**
 * Claims up to `limit` due messages: marks them 'sending', counts the attempt and leases them
 * until `leaseUntil` (a worker that dies mid-send leaves them due again then). FOR UPDATE SKIP
 * LOCKED lets workers in several processes claim disjoint rows (on PGlite there is one process,
 * and the clause costs nothing).
 */
export async function claimDueMessages(db: Executor, now: Date, leaseUntil: Date, limit: number): Promise<OutboxMessage[]> {
  const keys = await db
    .selectFrom('outbox')
    .select(['program_id', 'message_id'])
    .where('status', 'in', ['pending', 'sending'])
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  if (keys.length === 0) return [];
  const rows = await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), next_attempt_at: leaseUntil }))
    .where(sql<boolean>`(program_id, message_id) in (${sql.join(keys.map((k) => sql`(${k.program_id}::uuid, ${k.message_id}::uuid)`))})`)
    .returning(['program_id', 'message_id', 'channel', 'recipient', 'subject', 'body', 'payload', 'attempts', 'created_at'])
    .execute();
  return rows.map((r) => ({
    programId: r.program_id,
    messageId: r.message_id,
    channel: r.channel,
    recipient: r.recipient,
    subject: r.subject,
    body: r.body,
    payload: r.payload,
    attempts: r.attempts,
    createdAt: r.created_at,
  }));
}

export async function recordOutcome(
  db: Executor,
  m: { programId: string; messageId: string },
  outcome: { status: Exclude<OutboxStatus, 'sending'>; at: Date; nextAttemptAt?: Date; error?: string; scrub?: boolean },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: outcome.status,
      ...(outcome.scrub ? { subject: null, body: null } : {}),
      last_error: outcome.error ?? null,
      ...(outcome.status === 'sent' ? { sent_at: outcome.at } : {}),
      ...(outcome.nextAttemptAt ? { next_attempt_at: outcome.nextAttemptAt } : {}),
    })
    .where('program_id', '=', m.programId)
    .where('message_id', '=', m.messageId)
    .execute();
}

/** Messages as stored, newest first (tests and operators). */
export async function listOutbox(db: Executor, programId: string, limit = 50) {
  return db.selectFrom('outbox').selectAll().where('program_id', '=', programId).orderBy('created_at', 'desc').orderBy('message_id', 'desc').limit(limit).execute();
}
