import type { Transaction } from 'kysely';
import type { DB } from '../store/schema.js';
import type { AppContext } from './context.js';

/**
 * Runs work in one transaction. It no longer claims Idempotency-Keys: every write route does that
 * in the HTTP layer (src/http/idempotency.ts, docs/adr/0024-idempotency-keys.md), and the routes
 * pass no key here. Kept only for src/app/purchases/returns.ts, which is being rewritten; it
 * should call `ctx.db.transaction().execute` itself, and this file then goes.
 * @deprecated
 */
export async function idempotent<T>(
  ctx: AppContext,
  _scope: { programId: string; key: string | undefined; operation: string; request: unknown },
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<{ result: T; replayed: false }> {
  const result = await ctx.db.transaction().execute(work);
  return { result, replayed: false };
}
