import { sql, type Kysely } from 'kysely';

/*
 * Back-dated history for the analytics job (docs/adr/0020-back-dated-history.md): whatever writes
 * rows dated in the past with a past created_at (the demo, the CSV imports) marks the earliest
 * instant it touched, and the next run of the job recomputes every day from there. `history_marks`
 * counts the marks, so that the job clears only the mark it has acted on: a mark written while it
 * ran stays for the next run.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table analytics_state add column history_from timestamptz`.execute(db);
  await sql`alter table analytics_state add column history_marks bigint not null default 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table analytics_state drop column history_marks`.execute(db);
  await sql`alter table analytics_state drop column history_from`.execute(db);
}
