import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * Program administration: stores gain what a member app shows (coordinates, opening hours,
 * partner) and can be archived; every change made by an admin is written to the audit log with
 * the values before and after. Both are program-level tables (DESIGN.md: member tables may
 * reference them, never the reverse).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(SCHEMA)) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0002-program-admin cannot be rolled back');
}

const SCHEMA = `
    alter table stores add column city text;
    alter table stores add column latitude double precision;
    alter table stores add column longitude double precision;
    alter table stores add column opening_hours jsonb;
    alter table stores add column phone text;
    alter table stores add column partner text;
    alter table stores add column archived_at timestamptz;
    alter table stores add column updated_at timestamptz;
    update stores set updated_at = created_at;
    alter table stores alter column updated_at set not null;

    create table audit_log (
      program_id uuid not null references programs (program_id),
      audit_id uuid not null,
      at timestamptz not null,
      actor text not null,
      action text not null,
      entity text not null,
      entity_id text not null,
      before jsonb,
      after jsonb,
      primary key (program_id, audit_id)
    );
    create index audit_log_entity on audit_log (program_id, entity, entity_id, audit_id);
`;
