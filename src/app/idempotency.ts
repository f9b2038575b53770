import { claimIdempotencyKey, deleteOldIdempotencyKeys, releaseIdempotencyKey, saveIdempotentAnswer, type KeyScope, type SavedAnswer, type StoredKey } from '../store/idempotency.js';
import { beginRequestTransaction, type RequestTransaction } from '../store/request-transaction.js';
import { requestHash, type AppContext } from './context.js';

/**
 * Idempotency-Key for every write route (docs/adr/0024-idempotency-keys.md). The HTTP layer
 * (src/http/idempotency.ts) drives these steps; this module is the one place that claims keys.
 */
export type { KeyScope, SavedAnswer, StoredKey, RequestTransaction };

/** How long a key is kept when the server is not told otherwise (IDEMPOTENCY_RETENTION_HOURS). */
export const DEFAULT_IDEMPOTENCY_RETENTION_MS = 24 * 3_600_000;

/** 1–255 printable ASCII characters (0x21–0x7E: no spaces, no control characters). */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7E]{1,255}$';
const KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);
export const isIdempotencyKey = (key: string): boolean => KEY.test(key);

/** The request as the key's fingerprint sees it: the route, its parameters and query, and the body. */
export interface KeyedRequest {
  method: string;
  route: string;
  params: unknown;
  query: unknown;
  body: unknown;
}

export const operationOf = (r: Pick<KeyedRequest, 'method' | 'route'>): string => `${r.method} ${r.route}`;
export const fingerprint = (r: KeyedRequest): string => requestHash({ operation: operationOf(r), params: r.params ?? null, query: r.query ?? null, body: r.body ?? null });

/** A request transaction on the program's database: the key's claim, the write and the answer commit together. */
export function openRequestTransaction(ctx: AppContext): Promise<RequestTransaction> {
  return beginRequestTransaction(ctx.db);
}

/** Claims the key (inside a request transaction: run it through `RequestTransaction.run`). */
export function claimKey(ctx: AppContext, scope: KeyScope, request: KeyedRequest): Promise<StoredKey | null> {
  return claimIdempotencyKey(ctx.db, { ...scope, operation: operationOf(request), requestHash: fingerprint(request), at: ctx.clock() });
}

export function saveAnswer(ctx: AppContext, scope: KeyScope, answer: SavedAnswer): Promise<void> {
  return saveIdempotentAnswer(ctx.db, { ...scope, answer });
}

export function releaseKey(ctx: AppContext, scope: KeyScope, request: KeyedRequest): Promise<void> {
  return releaseIdempotencyKey(ctx.db, { ...scope, requestHash: fingerprint(request) });
}

/** Housekeeping: drops keys older than the retention; a retry after that runs the request again. */
export async function purgeIdempotencyKeys(ctx: AppContext): Promise<number> {
  const retention = ctx.idempotencyRetentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS;
  return deleteOldIdempotencyKeys(ctx.db, new Date(ctx.clock().getTime() - retention));
}
