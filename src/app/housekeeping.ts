import { pingDatabase } from '../store/db-errors.js';
import { deleteOldCodes } from '../store/member-codes.js';
import { deleteExpiredSessions } from '../store/sessions.js';
import type { AppContext } from './context.js';
import { purgeIdempotencyKeys } from './idempotency.js';

/**
 * Drops what sign-in leaves behind: sessions that have ended and codes older than a day (the
 * hourly send limit needs only the last hour's). Nothing depends on it having run: an ended
 * session is refused by its expiry, a stale code by its own.
 */
export async function purgeSignInLeftovers(ctx: AppContext): Promise<{ sessions: number; codes: number; idempotencyKeys: number }> {
  const now = ctx.clock();
  return {
    sessions: await deleteExpiredSessions(ctx.db, now),
    codes: await deleteOldCodes(ctx.db, new Date(now.getTime() - 86_400_000)),
    // And Idempotency-Keys past their retention (ADR 24): a retry after that runs again.
    idempotencyKeys: await purgeIdempotencyKeys(ctx),
  };
}

/** Readiness: whether the database answers one query (`GET /health/ready`). */
export async function databaseAnswers(ctx: AppContext): Promise<void> {
  await pingDatabase(ctx.db);
}
