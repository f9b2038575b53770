import { sql, type Kysely } from 'kysely';

/*
 * The core schema. Distribution-ready from the start (DESIGN.md): member-scoped tables lead
 * their keys with member_id; uniqueness that is not per member (receipt ids, idempotency keys,
 * identifiers, purchase ids) lives in small claim tables keyed by that value; receipts without a
 * member have their own table; no triggers on ledger tables.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(SCHEMA)) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the core schema cannot be rolled back');
}

/** Statements run one at a time: PGlite's extended protocol takes one statement per query. */
export function splitStatements(text: string): string[] {
  return text.split(/;\s*\n/).map((s) => s.trim()).filter((s) => s.length > 0);
}

const SCHEMA = `
    create table programs (
      program_id uuid primary key,
      name text not null,
      settings jsonb not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );

    create table api_keys (
      key_id uuid primary key,
      program_id uuid not null references programs (program_id),
      name text not null,
      role text not null check (role in ('pos', 'admin', 'readonly')),
      key_hash text not null unique,
      key_prefix text not null,
      created_at timestamptz not null,
      expires_at timestamptz,
      revoked_at timestamptz
    );
    create index api_keys_program on api_keys (program_id);

    create table stores (
      program_id uuid not null references programs (program_id),
      store_id text not null,
      name text not null,
      address text,
      created_at timestamptz not null,
      primary key (program_id, store_id)
    );

    create table members (
      member_id uuid not null,
      program_id uuid not null references programs (program_id),
      status text not null check (status in ('active', 'blocked', 'anonymised')),
      name text,
      phone text,
      email text,
      birthday date,
      gender text,
      city text,
      attributes jsonb not null default '{}',
      consents jsonb not null default '{}',
      block_reason text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (member_id)
    );
    create index members_program_created on members (program_id, created_at, member_id);

    create table member_identifiers (
      member_id uuid not null references members (member_id),
      kind text not null,
      value text not null,
      created_at timestamptz not null,
      primary key (member_id, kind, value)
    );

    create table identifier_claims (
      program_id uuid not null,
      kind text not null,
      value text not null,
      member_id uuid not null,
      created_at timestamptz not null,
      primary key (program_id, kind, value)
    );

    create table wallets (
      member_id uuid not null references members (member_id),
      program_id uuid not null,
      balance bigint not null,
      updated_at timestamptz not null,
      primary key (member_id)
    );

    create table lots (
      member_id uuid not null references members (member_id),
      lot_id uuid not null,
      program_id uuid not null,
      amount bigint not null,
      remaining bigint not null,
      available_at timestamptz not null,
      expires_at timestamptz,
      purchase_id uuid,
      created_at timestamptz not null,
      primary key (member_id, lot_id)
    );
    create index lots_open on lots (member_id) where remaining <> 0;
    create index lots_expiring on lots (expires_at) where remaining > 0;

    create table entries (
      member_id uuid not null,
      entry_id uuid not null,
      program_id uuid not null,
      lot_id uuid not null,
      account text not null check (account in ('issued', 'redeemed', 'expired', 'adjusted')),
      kind text not null check (kind in ('earn', 'redeem', 'expire', 'adjust', 'return_clawback', 'return_restore')),
      amount bigint not null,
      purchase_id uuid,
      return_id uuid,
      reason text,
      actor text,
      created_at timestamptz not null,
      primary key (member_id, entry_id),
      foreign key (member_id, lot_id) references lots (member_id, lot_id)
    );

    create table holds (
      member_id uuid not null,
      purchase_id uuid not null,
      lot_id uuid not null,
      program_id uuid not null,
      amount bigint not null check (amount > 0),
      expires_at timestamptz not null,
      primary key (member_id, purchase_id, lot_id),
      foreign key (member_id, lot_id) references lots (member_id, lot_id)
    );

    create table purchases (
      member_id uuid not null references members (member_id),
      purchase_id uuid not null,
      program_id uuid not null,
      receipt_id text not null,
      status text not null check (status in ('held', 'completed', 'cancelled')),
      store_id text,
      channel text,
      occurred_at timestamptz not null,
      total bigint not null,
      points_spent bigint not null,
      points_earned bigint not null,
      result jsonb not null,
      hold_expires_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (member_id, purchase_id)
    );
    create index purchases_held on purchases (hold_expires_at) where status = 'held';
    create index purchases_program_time on purchases (program_id, occurred_at);

    create table anonymous_purchases (
      program_id uuid not null references programs (program_id),
      purchase_id uuid not null,
      receipt_id text not null,
      store_id text,
      channel text,
      occurred_at timestamptz not null,
      total bigint not null,
      result jsonb not null,
      created_at timestamptz not null,
      primary key (program_id, purchase_id)
    );

    create table receipt_claims (
      program_id uuid not null,
      receipt_id text not null,
      purchase_id uuid not null,
      member_id uuid,
      request_hash text not null,
      created_at timestamptz not null,
      primary key (program_id, receipt_id)
    );

    create table purchase_refs (
      purchase_id uuid primary key,
      program_id uuid not null,
      member_id uuid
    );

    create table returns (
      member_id uuid not null,
      return_id uuid not null,
      program_id uuid not null,
      purchase_id uuid not null,
      lines jsonb not null,
      result jsonb not null,
      created_at timestamptz not null,
      primary key (member_id, return_id),
      foreign key (member_id, purchase_id) references purchases (member_id, purchase_id)
    );
    create index returns_purchase on returns (member_id, purchase_id);

    create table anonymous_returns (
      program_id uuid not null,
      return_id uuid not null,
      purchase_id uuid not null,
      lines jsonb not null,
      result jsonb not null,
      created_at timestamptz not null,
      primary key (program_id, return_id),
      foreign key (program_id, purchase_id) references anonymous_purchases (program_id, purchase_id)
    );

    create table idempotency_keys (
      program_id uuid not null,
      key text not null,
      operation text not null,
      request_hash text not null,
      status_code int not null,
      response jsonb not null,
      created_at timestamptz not null,
      primary key (program_id, key)
    );
`;
