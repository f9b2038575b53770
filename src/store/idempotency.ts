import type { Executor } from './executor.js';
import { json } from './executor.js';

export interface StoredResponse {
  requestHash: string;
  operation: string;
  statusCode: number;
  response: unknown;
}

/**
 * Claims an idempotency key at the start of a transaction. Returns null when claimed; otherwise
 * the stored response of the first request (which committed before this call returned, since a
 * concurrent claim waits on the key).
 */
export async function claimIdempotencyKey(
  db: Executor,
  c: { programId: string; key: string; operation: string; requestHash: string; at: Date },
): Promise<StoredResponse | null> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ program_id: c.programId, key: c.key, operation: c.operation, request_hash: c.requestHash, status_code: 0, response: json(null), created_at: c.at })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return null;
  const r = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'operation', 'status_code', 'response'])
    .where('program_id', '=', c.programId)
    .where('key', '=', c.key)
    .executeTakeFirstOrThrow();
  return { requestHash: r.request_hash, operation: r.operation, statusCode: r.status_code, response: r.response };
}

export async function saveIdempotentResponse(db: Executor, c: { programId: string; key: string; statusCode: number; response: unknown }): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: c.statusCode, response: json(c.response) })
    .where('program_id', '=', c.programId)
    .where('key', '=', c.key)
    .execute();
}
