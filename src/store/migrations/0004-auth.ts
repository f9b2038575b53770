import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * Sign-in (docs/auth.md, docs/adr/0008-sessions-and-outbox.md): admin users and their sessions
 * (program-level); member sessions (member-scoped: member_id leads the key, and the token
 * carries the member id so a lookup filters by it); one-time codes, keyed by the identifier they
 * were sent to, which may belong to no member yet (program-level); and the outbox of messages
 * to deliver, written in the same transaction as what caused them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(SCHEMA)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['outbox', 'member_codes', 'member_sessions', 'admin_sessions', 'admin_users']) await sql.raw(`drop table if exists ${table}`).execute(db);
}

const SCHEMA = `
    create table admin_users (
      admin_user_id uuid primary key,
      program_id uuid not null references programs (program_id),
      email text not null,
      name text not null,
      role text not null check (role in ('owner', 'marketer', 'support', 'analyst')),
      password_hash text not null,
      disabled boolean not null default false,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      last_sign_in_at timestamptz,
      unique (program_id, email)
    );

    create table admin_sessions (
      token_hash text primary key,
      admin_user_id uuid not null references admin_users (admin_user_id) on delete cascade,
      program_id uuid not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      last_seen_at timestamptz not null
    );
    create index admin_sessions_user on admin_sessions (admin_user_id);

    create table member_sessions (
      member_id uuid not null references members (member_id),
      token_hash text not null,
      program_id uuid not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      last_seen_at timestamptz not null,
      primary key (member_id, token_hash)
    );

    create table member_codes (
      program_id uuid not null references programs (program_id),
      code_id uuid not null,
      kind text not null check (kind in ('phone', 'email')),
      value text not null,
      code_hash text not null,
      attempts int not null default 0,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      consumed_at timestamptz,
      primary key (program_id, code_id)
    );
    create index member_codes_identifier on member_codes (program_id, kind, value, created_at);

    create table outbox (
      program_id uuid not null references programs (program_id),
      message_id uuid not null,
      channel text not null check (channel in ('email', 'sms', 'webhook')),
      recipient text not null,
      subject text,
      body text,
      payload jsonb not null default '{}',
      status text not null check (status in ('pending', 'sending', 'sent', 'failed')),
      attempts int not null default 0,
      next_attempt_at timestamptz not null,
      last_error text,
      created_at timestamptz not null,
      sent_at timestamptz,
      primary key (program_id, message_id)
    );
    create index outbox_due on outbox (next_attempt_at) where status in ('pending', 'sending');
`;
