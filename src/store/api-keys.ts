import { sql } from 'kysely';
import type { After, Sort } from '../domain/list-paging.js';
import type { ApiKeyRole } from '../domain/roles.js';
import type { Executor } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';

export type Role = ApiKeyRole;

export interface ApiKeyRow {
  keyId: string;
  programId: string;
  name: string;
  role: Role;
  keyPrefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export async function insertApiKey(
  db: Executor,
  k: { keyId: string; programId: string; name: string; role: Role; keyHash: string; keyPrefix: string; at: Date; expiresAt: Date | null },
): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      key_id: k.keyId,
      program_id: k.programId,
      name: k.name,
      role: k.role,
      key_hash: k.keyHash,
      key_prefix: k.keyPrefix,
      created_at: k.at,
      expires_at: k.expiresAt,
      revoked_at: null,
    })
    .execute();
}

const toKey = (r: { key_id: string; program_id: string; name: string; role: Role; key_prefix: string; created_at: Date; expires_at: Date | null; revoked_at: Date | null }): ApiKeyRow => ({
  keyId: r.key_id,
  programId: r.program_id,
  name: r.name,
  role: r.role,
  keyPrefix: r.key_prefix,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export async function findApiKeyByHash(db: Executor, keyHash: string): Promise<ApiKeyRow | undefined> {
  const r = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  return r && toKey(r);
}

export async function listApiKeys(db: Executor, programId: string): Promise<ApiKeyRow[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['key_id', 'program_id', 'name', 'role', 'key_prefix', 'created_at', 'expires_at', 'revoked_at'])
    .where('program_id', '=', programId)
    .orderBy('created_at')
    .execute();
  return rows.map(toKey);
}

/** Revokes a key of the program; returns its hash (to drop it from caches), or undefined if there is no such key. */
export type ApiKeySortKey = 'createdAt' | 'name' | 'role';

export const API_KEY_KEYSET: Keyset<ApiKeySortKey> = {
  columns: { createdAt: { expr: sql`created_at`, type: 'timestamptz' }, name: { expr: sql`lower(name)`, type: 'text' }, role: { expr: sql`role`, type: 'text' } },
  id: 'key_id',
};

/** A page of the program's keys in the asked order, one row more than the limit. */
export async function pageApiKeys(db: Executor, programId: string, q: { sort: Sort<ApiKeySortKey>; after: After | undefined; limit: number }): Promise<(ApiKeyRow & SortedRow)[]> {
  const query = db.selectFrom('api_keys').select(['key_id', 'program_id', 'name', 'role', 'key_prefix', 'created_at', 'expires_at', 'revoked_at']).where('program_id', '=', programId);
  const rows = await keysetPage(query, API_KEY_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({ ...toKey(r), sort_value: r.sort_value, sort_id: r.sort_id }));
}

export async function revokeApiKey(db: Executor, programId: string, keyId: string, at: Date): Promise<{ key: ApiKeyRow; keyHash: string } | undefined> {
  const r = await db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(at)) }))
    .where('program_id', '=', programId)
    .where('key_id', '=', keyId)
    .returning(['key_id', 'program_id', 'name', 'role', 'key_prefix', 'created_at', 'expires_at', 'revoked_at', 'key_hash'])
    .executeTakeFirst();
  return r && { key: toKey(r), keyHash: r.key_hash };
}
