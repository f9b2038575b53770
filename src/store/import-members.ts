import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from './executor.js';
import { json } from './executor.js';
import type { MembersTable } from './schema.js';

/*
 * Set-based statements for imports: every list travels as a few arrays (unnest), so a batch of
 * thousands of rows is one statement whose text never changes (prepared once per connection) and
 * whose parameters are a dozen arrays, far below PostgreSQL's 65,535-parameter limit.
 */

export type OwnerRow = Selectable<MembersTable> & { kind: string; value: string };

/** The members that hold any of these identifiers, with their profiles, in one query (key by key: see import-purchases.ts). */
export async function findIdentifierOwners(db: Executor, programId: string, ids: readonly { kind: string; value: string }[]): Promise<OwnerRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql<OwnerRow>`
    select t.kind, t.value, x.*
    from unnest(${ids.map((i) => i.kind)}::text[], ${ids.map((i) => i.value)}::text[]) as t(kind, value)
    cross join lateral (
      select m.* from identifier_claims c join members m on m.member_id = c.member_id
      where c.program_id = ${programId}::uuid and c.kind = t.kind and c.value = t.value) x`.execute(db);
  return rows.rows;
}

/** A member created by an import. */
export interface ImportedMember {
  memberId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  birthday: string | null;
  gender: string | null;
  city: string | null;
  attributes: Record<string, unknown>;
  consents: Record<string, boolean>;
  /** When the member enrolled (the file's enrolledAt, or the first purchase). */
  createdAt: Date;
}

/** Fields of an existing member set by an import: empty ones filled (coalesce), or, overwriting, the given ones replaced. */
export type MemberFill = Omit<ImportedMember, 'createdAt'>;

export interface MemberWrites {
  created: ImportedMember[];
  /** Identifiers to claim, for new and for existing members. */
  claims: { memberId: string; kind: string; value: string }[];
  fills: MemberFill[];
}

/**
 * Writes new members (with wallets), identifier claims and fills in one statement, together with
 * further writes of the same batch (`also`, e.g. the purchases of these members: foreign keys are
 * checked at the statement's end). Claims are made with ON CONFLICT DO NOTHING; the answer is how
 * many were made — fewer than asked means another writer took an identifier meanwhile, and the
 * caller must roll back.
 */
export async function writeImportedMembers(db: Executor, programId: string, at: Date, w: MemberWrites, also: RawBuilder<unknown>[] = [], overwrite = false): Promise<number> {
  const c = w.created;
  const f = w.fills;
  // Filling keeps what the member has; overwriting (a corrected file) lets the file's values win.
  const pick = (column: string) => (overwrite ? sql.raw(`coalesce(f.${column}, members.${column})`) : sql.raw(`coalesce(members.${column}, f.${column})`));
  const attributes = overwrite ? sql`members.attributes || f.attributes` : sql`f.attributes || members.attributes`;
  const extra = also.map((q, i) => sql`, ${sql.raw(`also${i}`)} as (${q})`);
  const rows = await sql<{ claimed: number }>`
    with new_members as (
      insert into members (member_id, program_id, status, name, phone, email, birthday, gender, city, attributes, consents, block_reason, created_at, updated_at)
      select t.member_id, ${programId}::uuid, 'active', t.name, t.phone, t.email, t.birthday, t.gender, t.city, t.attributes, t.consents, null, t.created_at, ${at}::timestamptz
      from unnest(${c.map((m) => m.memberId)}::uuid[], ${c.map((m) => m.name)}::text[], ${c.map((m) => m.phone)}::text[], ${c.map((m) => m.email)}::text[],
                  ${c.map((m) => m.birthday)}::date[], ${c.map((m) => m.gender)}::text[], ${c.map((m) => m.city)}::text[],
                  ${c.map((m) => json(m.attributes))}::jsonb[], ${c.map((m) => json(m.consents))}::jsonb[], ${c.map((m) => m.createdAt.toISOString())}::timestamptz[])
           as t(member_id, name, phone, email, birthday, gender, city, attributes, consents, created_at)
      returning member_id),
    new_wallets as (
      insert into wallets (member_id, program_id, balance, updated_at)
      select member_id, ${programId}::uuid, 0, ${at}::timestamptz from new_members),
    claimed as (
      insert into identifier_claims (program_id, kind, value, member_id, created_at)
      select ${programId}::uuid, t.kind, t.value, t.member_id, ${at}::timestamptz
      from unnest(${w.claims.map((x) => x.memberId)}::uuid[], ${w.claims.map((x) => x.kind)}::text[], ${w.claims.map((x) => x.value)}::text[]) as t(member_id, kind, value)
      order by t.kind, t.value
      on conflict do nothing
      returning member_id, kind, value),
    owned as (
      insert into member_identifiers (member_id, kind, value, created_at)
      select member_id, kind, value, ${at}::timestamptz from claimed),
    filled as (
      update members set
        name = ${pick('name')}, phone = ${pick('phone')}, email = ${pick('email')},
        birthday = ${pick('birthday')}, gender = ${pick('gender')}, city = ${pick('city')},
        attributes = ${attributes}, consents = f.consents || members.consents, updated_at = ${at}::timestamptz
      from unnest(${f.map((m) => m.memberId)}::uuid[], ${f.map((m) => m.name)}::text[], ${f.map((m) => m.phone)}::text[], ${f.map((m) => m.email)}::text[],
                  ${f.map((m) => m.birthday)}::date[], ${f.map((m) => m.gender)}::text[], ${f.map((m) => m.city)}::text[],
                  ${f.map((m) => json(m.attributes))}::jsonb[], ${f.map((m) => json(m.consents))}::jsonb[])
           as f(member_id, name, phone, email, birthday, gender, city, attributes, consents)
      where members.member_id = f.member_id and members.program_id = ${programId}::uuid)
    ${sql.join(extra, sql``)}
    select (select count(*) from claimed)::int as claimed`.execute(db);
  return rows.rows[0]!.claimed;
}
