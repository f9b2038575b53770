import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { findApiKeyByHash, insertApiKey, type Role } from '../store/api-keys.js';
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
  const key = `kpk_${randomBytes(32).toString('base64url')}`;
  const id = ctx.newId();
  await insertApiKey(ctx.db, {
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
