import { sql } from 'kysely';
import type { Database } from '../../src/store/db.js';

/** Tables whose content says nothing about a request's writes. */
const NOT_STATE = new Set(['idempotency_keys', 'kysely_migration', 'kysely_migration_lock']);

/**
 * Every table's row count and a hash of its content (but the idempotency keys' own), so a test
 * sees whether a request wrote anything at all: compare two snapshots with deepEqual.
 */
export async function snapshot(database: Database): Promise<Record<string, string>> {
  const { rows } = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(database.db);
  const out: Record<string, string> = {};
  for (const { table_name: t } of rows) {
    if (NOT_STATE.has(t)) continue;
    const r = await sql<{ h: string | null; n: number }>`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h, count(*)::int as n from ${sql.table(t)} x`.execute(database.db);
    out[t] = `${r.rows[0]!.n}:${r.rows[0]!.h}`;
  }
  return out;
}
