import { sql, type Selectable } from 'kysely';
import type { After, Sort } from '../domain/list-paging.js';
import type { Executor } from './executor.js';
import { json } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';
import type { MembersTable } from './schema.js';

export interface MemberRow {
  memberId: string;
  programId: string;
  status: 'active' | 'blocked' | 'anonymised';
  name: string | null;
  phone: string | null;
  email: string | null;
  birthday: string | null;
  gender: string | null;
  city: string | null;
  attributes: Record<string, unknown>;
  consents: Record<string, boolean>;
  blockReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type MemberProfile = Pick<MemberRow, 'name' | 'phone' | 'email' | 'birthday' | 'gender' | 'city' | 'attributes' | 'consents'>;

export const toMember = (r: Selectable<MembersTable>): MemberRow => ({
  memberId: r.member_id,
  programId: r.program_id,
  status: r.status,
  name: r.name,
  phone: r.phone,
  email: r.email,
  birthday: r.birthday,
  gender: r.gender,
  city: r.city,
  attributes: r.attributes,
  consents: r.consents,
  blockReason: r.block_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function insertMember(db: Executor, m: { memberId: string; programId: string; at: Date } & MemberProfile): Promise<void> {
  await db
    .insertInto('members')
    .values({
      member_id: m.memberId,
      program_id: m.programId,
      status: 'active',
      name: m.name,
      phone: m.phone,
      email: m.email,
      birthday: m.birthday,
      gender: m.gender,
      city: m.city,
      attributes: json(m.attributes),
      consents: json(m.consents),
      block_reason: null,
      created_at: m.at,
      updated_at: m.at,
    })
    .execute();
}

export async function findMember(db: Executor, programId: string, memberId: string): Promise<MemberRow | undefined> {
  const r = await db.selectFrom('members').selectAll().where('member_id', '=', memberId).where('program_id', '=', programId).executeTakeFirst();
  return r && toMember(r);
}

export async function updateMember(
  db: Executor,
  memberId: string,
  patch: Partial<MemberProfile> & { status?: MemberRow['status']; blockReason?: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('members')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
      ...(patch.email !== undefined ? { email: patch.email } : {}),
      ...(patch.birthday !== undefined ? { birthday: patch.birthday } : {}),
      ...(patch.gender !== undefined ? { gender: patch.gender } : {}),
      ...(patch.city !== undefined ? { city: patch.city } : {}),
      ...(patch.attributes !== undefined ? { attributes: json(patch.attributes) } : {}),
      ...(patch.consents !== undefined ? { consents: json(patch.consents) } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.blockReason !== undefined ? { block_reason: patch.blockReason } : {}),
      updated_at: patch.at,
    })
    .where('member_id', '=', memberId)
    .execute();
}

/** How the members list sorts (docs/api-lists.md); each key has an index of migration 0009. */
export const MEMBER_KEYSET: Keyset<'createdAt' | 'name'> = {
  columns: {
    createdAt: { expr: sql`created_at`, type: 'timestamptz' },
    name: { expr: sql`lower(coalesce(name, ''))`, type: 'text' },
  },
  id: 'member_id',
};

/**
 * A page of the program's members in the asked order (one row more than the limit, to tell
 * whether there is a next page); `name` keeps those whose name contains it (any case).
 */
export async function listMembers(
  db: Executor,
  programId: string,
  q: { sort: Sort<'createdAt' | 'name'>; after: After | undefined; limit: number; name?: string | undefined },
): Promise<(MemberRow & SortedRow)[]> {
  let query = db.selectFrom('members').selectAll().where('program_id', '=', programId);
  if (q.name) query = query.where('name', 'ilike', `%${q.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const rows = await keysetPage(query, MEMBER_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({ ...toMember(r), sort_value: r.sort_value, sort_id: r.sort_id }));
}

/**
 * Claims an identifier for a member. Returns false when the program already has it (for this
 * member or another); the claim table is the single place where identifiers are unique.
 */
export async function claimIdentifier(db: Executor, c: { programId: string; kind: string; value: string; memberId: string; at: Date }): Promise<boolean> {
  const claimed = await db
    .insertInto('identifier_claims')
    .values({ program_id: c.programId, kind: c.kind, value: c.value, member_id: c.memberId, created_at: c.at })
    .onConflict((oc) => oc.doNothing())
    .returning('member_id')
    .executeTakeFirst();
  if (!claimed) return false;
  await db.insertInto('member_identifiers').values({ member_id: c.memberId, kind: c.kind, value: c.value, created_at: c.at }).execute();
  return true;
}

export async function releaseIdentifier(db: Executor, c: { programId: string; kind: string; value: string; memberId: string }): Promise<boolean> {
  const released = await db
    .deleteFrom('identifier_claims')
    .where('program_id', '=', c.programId)
    .where('kind', '=', c.kind)
    .where('value', '=', c.value)
    .where('member_id', '=', c.memberId)
    .returning('member_id')
    .executeTakeFirst();
  await db.deleteFrom('member_identifiers').where('member_id', '=', c.memberId).where('kind', '=', c.kind).where('value', '=', c.value).execute();
  return released !== undefined;
}

/** The member an identifier belongs to, in one query (the till's hot path). */
export async function findMemberByIdentifier(db: Executor, programId: string, kind: string, value: string): Promise<MemberRow | undefined> {
  const r = await db
    .selectFrom('identifier_claims as c')
    .innerJoin('members as m', 'm.member_id', 'c.member_id')
    .selectAll('m')
    .where('c.program_id', '=', programId)
    .where('c.kind', '=', kind)
    .where('c.value', '=', value)
    .executeTakeFirst();
  return r && toMember(r);
}

/**
 * Member ids by normalised identifiers, for several at once (the purchase batcher coalesces the
 * lookups of receipts arriving together): keys are `JSON.stringify([programId, kind, value])`.
 */
export async function memberIdsByIdentifiers(db: Executor, keys: readonly string[]): Promise<Map<string, string>> {
  const parsed = keys.map((k) => JSON.parse(k) as [string, string, string]);
  const rows = await sql<{ n: number; member_id: string }>`
    select t.n, c.member_id
      from unnest(${parsed.map((p) => p[0])}::uuid[], ${parsed.map((p) => p[1])}::text[], ${parsed.map((p) => p[2])}::text[]) with ordinality as t(p, k, v, n)
      join identifier_claims c on c.program_id = t.p and c.kind = t.k and c.value = t.v`.execute(db);
  return new Map(rows.rows.map((r) => [keys[Number(r.n) - 1]!, r.member_id]));
}

export async function findMemberIdByIdentifier(db: Executor, programId: string, kind: string, value: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('identifier_claims')
    .select('member_id')
    .where('program_id', '=', programId)
    .where('kind', '=', kind)
    .where('value', '=', value)
    .executeTakeFirst();
  return r?.member_id;
}

export async function listIdentifiers(db: Executor, memberId: string): Promise<{ kind: string; value: string }[]> {
  return db.selectFrom('member_identifiers').select(['kind', 'value']).where('member_id', '=', memberId).orderBy('created_at').orderBy('kind').execute();
}

export async function countMembers(db: Executor, programId: string): Promise<number> {
  const r = await db.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).where('program_id', '=', programId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A member's identifiers of one kind, oldest first (e.g. the card token of the member app). */
export async function identifiersOfKind(db: Executor, memberId: string, kind: string): Promise<{ value: string; createdAt: Date }[]> {
  const rows = await db.selectFrom('member_identifiers').select(['value', 'created_at']).where('member_id', '=', memberId).where('kind', '=', kind).orderBy('created_at').execute();
  return rows.map((r) => ({ value: r.value, createdAt: r.created_at }));
}
