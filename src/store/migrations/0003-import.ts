import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * Imports of history (docs/import.md): one row per run of `kopilka import` or an upload to
 * /v1/imports, with its options and counts — who loaded what, when, and how it went. A
 * program-level table (DESIGN.md's distribution rules: member tables never reference it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(SCHEMA)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table imports`.execute(db);
}

const SCHEMA = `
    create table imports (
      program_id uuid not null references programs (program_id),
      import_id uuid not null,
      kind text not null check (kind in ('members', 'purchases')),
      source text not null,
      options jsonb not null,
      actor text not null,
      status text not null check (status in ('running', 'completed', 'failed')),
      counts jsonb not null default '{}',
      error text,
      started_at timestamptz not null,
      finished_at timestamptz,
      primary key (program_id, import_id)
    );
`;
