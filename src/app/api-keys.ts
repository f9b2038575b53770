import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../domain/list-paging.js';
import { findApiKeyByHash, insertApiKey, listApiKeys as listKeys, pageApiKeys, revokeApiKey as revokeKey, type ApiKeyRow, type ApiKeySortKey, type Role } from '../store/api-keys.js';
import type { Executor } from '../store/executor.js';
import { afterRow } from '../store/keyset.js';
import { isUuid } from './members.js';
import type { Actor, AppContext } from './context.js';

/*
 * API keys are 32 random bytes, so a fast hash (SHA-256) is enough to store them: there is no
 * password to guess (docs/adr/0003-api-keys.md). The key is shown once, when it is made.
 */
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function createApiKey(
  ctx: AppContext,
  input: { programId: string; role: Role; name?: string; expiresAt?: Date | null },
): Promise<{ id: string; key: string; role: Role; programId: string }> {
  await ctx.programs.get(input.programId);
  return writeApiKey(ctx, ctx.db, input);
}

/**
 * An admin makes a key in the panel or the API: as createApiKey, and an expiry, when given, must
 * be in the future (a key born expired is a mistake, not a wish).
 */
export async function createProgramApiKey(
  ctx: AppContext,
  programId: string,
  input: { role: Role; name?: string | undefined; expiresAt?: string | undefined },
): Promise<{ id: string; key: string; role: Role; programId: string }> {
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= ctx.clock().getTime()) {
    throw new DomainError('VALIDATION_FAILED', 'expiresAt must be in the future', { errors: [{ pointer: '/expiresAt', detail: 'must be in the future' }] });
  }
  return createApiKey(ctx, { programId, role: input.role, ...(input.name ? { name: input.name } : {}), expiresAt });
}

/** Makes the key and stores its hash through `db` (a transaction that has just made the program, on first start). */
export async function writeApiKey(
  ctx: AppContext,
  db: Executor,
  input: { programId: string; role: Role; name?: string; expiresAt?: Date | null },
): Promise<{ id: string; key: string; role: Role; programId: string }> {
  const key = `kpk_${randomBytes(32).toString('base64url')}`;
  const id = ctx.newId();
  await insertApiKey(db, {
    keyId: id,
    programId: input.programId,
    name: input.name ?? `${input.role} key`,
    role: input.role,
    keyHash: hashKey(key),
    keyPrefix: key.slice(0, 8),
    at: ctx.clock(),
    expiresAt: input.expiresAt ?? null,
  });
  return { id, key, role: input.role, programId: input.programId };
}

/** A key as listed: never the key itself, only the first characters to recognise it by. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

const keyView = (k: ApiKeyRow): ApiKeyView => ({
  id: k.keyId,
  name: k.name,
  role: k.role,
  prefix: k.keyPrefix,
  createdAt: k.createdAt.toISOString(),
  expiresAt: k.expiresAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

export async function listApiKeys(ctx: AppContext, programId: string): Promise<ApiKeyView[]> {
  return (await listKeys(ctx.db, programId)).map(keyView);
}

export const API_KEY_LIST: ListSpec<ApiKeySortKey> = { list: 'api-keys', keys: { createdAt: 'instant', name: 'text', role: 'text' }, id: 'uuid', defaultSort: 'createdAt' };

/** A page of the program's keys, oldest first unless asked otherwise. */
export async function pageProgramApiKeys(ctx: AppContext, programId: string, q: ListQuery): Promise<Page<ApiKeyView>> {
  const sort = parseSort(API_KEY_LIST, q.sort);
  const after = decodeCursor(API_KEY_LIST, sort, q.cursor);
  return pageOf(API_KEY_LIST.list, sort, await pageApiKeys(ctx.db, programId, { sort, after, limit: q.limit }), q.limit, afterRow, keyView);
}

/** Revokes a key: at once in this process, within the cache time (5 s) in others. */
export async function revokeApiKey(ctx: AppContext, programId: string, keyId: string): Promise<ApiKeyView> {
  const revoked = isUuid(keyId) ? await revokeKey(ctx.db, programId, keyId, ctx.clock()) : undefined;
  if (!revoked) throw new DomainError('NOT_FOUND', `no API key ${keyId} in this program`);
  cache.delete(revoked.keyHash);
  return keyView(revoked.key);
}

/** Key lookups are cached briefly; a revoked or expired key stops working within this time. */
const CACHE_MS = 5_000;
const cache = new Map<string, { actor: Actor | null; expiresAt: Date | null; until: number }>();

export async function authenticate(ctx: AppContext, key: string | undefined): Promise<Actor> {
  if (!key) throw new DomainError('UNAUTHORIZED', 'send an API key as "Authorization: Bearer <key>"');
  const hash = hashKey(key);
  const now = Date.now();
  let hit = cache.get(hash);
  if (!hit || hit.until <= now) {
    const row = await findApiKeyByHash(ctx.db, hash);
    const actor = row && !row.revokedAt ? { programId: row.programId, role: row.role, name: `key:${row.keyId}` } : null;
    hit = { actor, expiresAt: row?.expiresAt ?? null, until: now + CACHE_MS };
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, hit);
  }
  if (!hit.actor) throw new DomainError('UNAUTHORIZED', 'the API key is not valid');
  if (hit.expiresAt && hit.expiresAt.getTime() <= ctx.clock().getTime()) throw new DomainError('UNAUTHORIZED', 'the API key has expired');
  return hit.actor;
}
