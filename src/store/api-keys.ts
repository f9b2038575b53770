import type { Executor } from './executor.js';

export type Role = 'pos' | 'admin' | 'readonly';

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

export async function findApiKeyByHash(db: Executor, keyHash: string): Promise<ApiKeyRow | undefined> {
  const r = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  return (
    r && {
      keyId: r.key_id,
      programId: r.program_id,
      name: r.name,
      role: r.role,
      keyPrefix: r.key_prefix,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
    }
  );
}
