import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * Feedback from the member app to the admin panel's inbox. Member-scoped like every table that
 * holds a member's data (member_id leads the key, DESIGN.md); the inbox reads it by program,
 * newest first, through the second index. Deleting an account deletes its messages.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(SCHEMA)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop table if exists feedback').execute(db);
}

const SCHEMA = `
    create table feedback (
      member_id uuid not null,
      feedback_id uuid not null,
      program_id uuid not null references programs (program_id),
      topic text not null check (topic in ('question', 'complaint', 'idea', 'praise', 'other')),
      message text not null,
      store_id text,
      created_at timestamptz not null,
      primary key (member_id, feedback_id),
      foreign key (member_id) references members (member_id)
    );
    create index feedback_by_program on feedback (program_id, feedback_id desc);
`;
