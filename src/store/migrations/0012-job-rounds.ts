import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/**
 * One row per round of a background job across every server on the database
 * (docs/adr/0019-surviving-the-database.md): the primary key lets exactly one server claim a
 * round, and the unfinished row with a fresh heartbeat keeps the next round from starting while
 * one still runs. Not program- or member-scoped: a round covers every program.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    create table job_rounds (
      job text not null,
      round bigint not null,
      holder text not null,
      started_at timestamptz not null,
      heartbeat_at timestamptz not null,
      finished_at timestamptz,
      outcome text,
      primary key (job, round)
    );
    create index job_rounds_running on job_rounds (job) where finished_at is null;
  `)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table job_rounds`.execute(db);
}
