import type { Transaction } from 'kysely';
import { DomainError } from '../domain/errors.js';
import { claimIdempotencyKey, saveIdempotentResponse } from '../store/idempotency.js';
import type { DB } from '../store/schema.js';
import { requestHash, type AppContext } from './context.js';

/**
 * Runs a write once per Idempotency-Key: the key is claimed in the same transaction as the
 * write, so a retry gets the first response and a different request with the same key a 409.
 * Without a key the write simply runs.
 */
export async function idempotent<T>(
  ctx: AppContext,
  scope: { programId: string; key: string | undefined; operation: string; request: unknown },
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  return ctx.db.transaction().execute(async (trx) => {
    if (scope.key !== undefined) {
      const hash = requestHash({ operation: scope.operation, request: scope.request });
      const stored = await claimIdempotencyKey(trx, { programId: scope.programId, key: scope.key, operation: scope.operation, requestHash: hash, at: ctx.clock() });
      if (stored) {
        if (stored.requestHash !== hash) throw new DomainError('IDEMPOTENCY_KEY_REUSED', `the key ${scope.key} was used for a different ${stored.operation} request`);
        return { result: stored.response as T, replayed: true };
      }
    }
    const result = await work(trx);
    if (scope.key !== undefined) await saveIdempotentResponse(trx, { programId: scope.programId, key: scope.key, statusCode: 200, response: result });
    return { result, replayed: false };
  });
}
