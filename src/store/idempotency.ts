import type { Executor } from './executor.js';
import { json } from './executor.js';

/** Whose key: the program and the caller (Actor.name), as in docs/adr/0024-idempotency-keys.md. */
export interface KeyScope {
  programId: string;
  actor: string;
  key: string;
}

/** An answer as it was sent, to be sent again byte for byte. */
export interface SavedAnswer {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
}

export interface StoredKey {
  requestHash: string;
  operation: string;
  /** Null while the key is claimed and its answer not saved (only outside a request transaction). */
  answer: SavedAnswer | null;
}

/**
 * Claims a key: null when this call inserted it, otherwise what the key holds. In a transaction,
 * a concurrent claim of the same key waits here until the first one commits or rolls back (the
 * primary key's row lock), so it finds either the saved answer or the key free again.
 */
export async function claimIdempotencyKey(db: Executor, c: KeyScope & { operation: string; requestHash: string; at: Date }): Promise<StoredKey | null> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ program_id: c.programId, actor: c.actor, key: c.key, operation: c.operation, request_hash: c.requestHash, status_code: 0, response: json(null), created_at: c.at })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return null;
  const r = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'operation', 'status_code', 'response'])
    .where('program_id', '=', c.programId)
    .where('actor', '=', c.actor)
    .where('key', '=', c.key)
    .executeTakeFirst();
  // Purged between the two statements: claim again.
  if (!r) return claimIdempotencyKey(db, c);
  const saved = r.response as { body?: unknown; headers?: unknown } | null;
  const answer =
    r.status_code > 0 && saved && typeof saved.body === 'string'
      ? { statusCode: r.status_code, body: saved.body, headers: (saved.headers ?? {}) as Record<string, string> }
      : null;
  return { requestHash: r.request_hash, operation: r.operation, answer };
}

export async function saveIdempotentAnswer(db: Executor, c: KeyScope & { answer: SavedAnswer }): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: c.answer.statusCode, response: json({ body: c.answer.body, headers: c.answer.headers }) })
    .where('program_id', '=', c.programId)
    .where('actor', '=', c.actor)
    .where('key', '=', c.key)
    .execute();
}

/** Frees a key claimed outside a transaction whose request got no answer worth keeping. */
export async function releaseIdempotencyKey(db: Executor, c: KeyScope & { requestHash: string }): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('program_id', '=', c.programId)
    .where('actor', '=', c.actor)
    .where('key', '=', c.key)
    .where('request_hash', '=', c.requestHash)
    .where('status_code', '=', 0)
    .execute();
}

/** Drops keys claimed before `before`; returns how many. */
export async function deleteOldIdempotencyKeys(db: Executor, before: Date): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
