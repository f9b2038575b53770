import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * Opening balances (docs/import.md, "Balances"): points a member had in the chain's previous
 * system, imported once as a lot of their own. A member-scoped claim table keyed by (member,
 * reference), written in the same transaction as the lot and its entry, so a second import of the
 * same file finds every balance claimed and adds nothing (DESIGN.md: uniqueness lives in a claim
 * table; member_id first in the key). The values are kept to tell "imported before" from "a
 * different balance under the same reference". Imports gain the kind `balances`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    alter table imports drop constraint imports_kind_check;
    alter table imports add constraint imports_kind_check check (kind in ('members', 'purchases', 'balances'));
    create table opening_balances (
      member_id uuid not null references members (member_id),
      reference text not null,
      program_id uuid not null references programs (program_id),
      lot_id uuid not null,
      points bigint not null check (points > 0),
      request_hash text not null,
      import_id uuid,
      created_at timestamptz not null,
      primary key (member_id, reference)
    );
  `)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table opening_balances`.execute(db);
  await sql`delete from imports where kind = 'balances'`.execute(db);
  await sql`alter table imports drop constraint imports_kind_check`.execute(db);
  await sql`alter table imports add constraint imports_kind_check check (kind in ('members', 'purchases'))`.execute(db);
}
