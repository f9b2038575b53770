import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * The program's legal texts and members' acceptances of them (docs/legal.md, docs/adr/0022).
 * program_documents is program-level: every published version of the rules and of the
 * personal-data consent, never changed once written. member_agreements is member-scoped
 * (member_id first, as DESIGN.md asks for distribution): an append-only history of acceptances and
 * withdrawals, each naming the version it concerns; it references the program-level table, never
 * the reverse. Anonymising a member keeps this history: it holds no personal data, and it is the
 * operator's proof of consent (152-ФЗ art. 9 p. 3).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    create table program_documents (
      program_id uuid not null references programs (program_id),
      kind text not null check (kind in ('rules', 'personal_data')),
      version integer not null check (version >= 1),
      title text not null,
      body text not null,
      published_at timestamptz not null,
      published_by text not null,
      primary key (program_id, kind, version)
    );
    create table member_agreements (
      member_id uuid not null references members (member_id),
      agreement_id uuid not null,
      program_id uuid not null,
      kind text not null,
      version integer not null,
      action text not null check (action in ('accepted', 'withdrawn')),
      channel text not null check (channel in ('app', 'till', 'admin')),
      actor text not null,
      at timestamptz not null,
      primary key (member_id, agreement_id),
      foreign key (program_id, kind, version) references program_documents (program_id, kind, version)
    );
  `)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    drop table member_agreements;
    drop table program_documents;
  `)) await sql.raw(statement).execute(db);
}
