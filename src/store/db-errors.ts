/**
 * Which failures mean "the database is away or too slow", as opposed to a bug or a bad request:
 * the HTTP layer answers them 503 with Retry-After, and the jobs log them without a stack
 * (docs/adr/0019-surviving-the-database.md). The classification looks only at stable codes and at
 * the fixed messages of node-postgres and pg-pool.
 */
export type DatabaseFailure = 'unavailable' | 'timeout';

/** SQLSTATEs of a connection that is gone or refused: class 08, shutdowns, "starting up", too many connections, idle-in-transaction timeout. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '25P03']);
/** Socket errors of node on a connection to the database. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** node-postgres and pg-pool phrase these failures in fixed words. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'the database system is',
];

export function databaseFailure(err: unknown): DatabaseFailure | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    // 57014: canceled by statement_timeout; 55P03: lock_timeout.
    if (code === '57014' || code === '55P03') return 'timeout';
    if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || SOCKET_CODES.has(code)) return 'unavailable';
  }
  // The client gave up on a frozen server; pg-pool waited its bound for a free or new connection.
  if (err.message === 'Query read timeout' || err.message.startsWith('timeout exceeded when trying to connect')) return 'timeout';
  if (UNAVAILABLE_MESSAGES.some((m) => err.message.startsWith(m))) return 'unavailable';
  // AggregateError from a connect to several addresses (localhost → ::1 and 127.0.0.1).
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.every((e) => databaseFailure(e) === 'unavailable') ? 'unavailable' : null;
  return null;
}

/** One round trip to the database (readiness). */
export async function pingDatabase(db: import('kysely').Kysely<import('./schema.js').DB>): Promise<void> {
  await db.selectFrom('programs').select('program_id').limit(1).execute();
}
