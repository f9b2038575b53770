import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { MemberFacts } from '../domain/analytics/segment-rules.js';
import type { After, Sort } from '../domain/list-paging.js';
import { json, planEachCall, type Executor } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';
import type { SegmentKind, SegmentsTable } from './schema-analytics.js';

export interface SegmentRow {
  segmentId: string;
  kind: SegmentKind;
  code: string | null;
  name: string;
  description: string | null;
  rule: unknown;
  memberCount: number | null;
  computedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const toSegment = (r: Selectable<SegmentsTable>): SegmentRow => ({
  segmentId: r.segment_id,
  kind: r.kind,
  code: r.code,
  name: r.name,
  description: r.description,
  rule: r.rule,
  memberCount: r.member_count,
  computedAt: r.computed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface NewSegment {
  segmentId: string;
  kind: SegmentKind;
  code: string | null;
  name: string;
  description: string | null;
  rule: unknown;
  at: Date;
}

/** Inserts segments in one statement; a built-in segment whose code the program has already is skipped. */
export async function insertSegments(db: Executor, programId: string, segments: NewSegment[]): Promise<void> {
  if (segments.length === 0) return;
  await db
    .insertInto('segments')
    .values(
      segments.map((s) => ({
        program_id: programId,
        segment_id: s.segmentId,
        kind: s.kind,
        code: s.code,
        name: s.name,
        description: s.description,
        rule: s.rule === null ? null : json(s.rule),
        member_count: null,
        computed_at: null,
        created_at: s.at,
        updated_at: s.at,
      })),
    )
    .onConflict((oc) => oc.columns(['program_id', 'code']).where('code', 'is not', null).doNothing())
    .execute();
}

/** Changes a rule segment; a changed rule clears computed_at, so the job recomputes it in full. */
export async function updateSegment(db: Executor, programId: string, segmentId: string, s: { name: string; description: string | null; rule: unknown; ruleChanged: boolean; at: Date }): Promise<void> {
  await db
    .updateTable('segments')
    .set({ name: s.name, description: s.description, rule: json(s.rule), updated_at: s.at, ...(s.ruleChanged ? { computed_at: null } : {}) })
    .where('program_id', '=', programId)
    .where('segment_id', '=', segmentId)
    .execute();
}

export async function deleteSegment(db: Executor, programId: string, segmentId: string): Promise<void> {
  await db.deleteFrom('member_segments').where('program_id', '=', programId).where('segment_id', '=', segmentId).execute();
  await db.deleteFrom('segments').where('program_id', '=', programId).where('segment_id', '=', segmentId).execute();
}

export async function findSegment(db: Executor, programId: string, segmentId: string): Promise<SegmentRow | undefined> {
  const r = await db.selectFrom('segments').selectAll().where('program_id', '=', programId).where('segment_id', '=', segmentId).executeTakeFirst();
  return r && toSegment(r);
}

/** All segments of a program (tens, not millions): built-in ones first, then by name. */
export async function listSegments(db: Executor, programId: string, kind?: SegmentKind): Promise<SegmentRow[]> {
  let q = db.selectFrom('segments').selectAll().where('program_id', '=', programId);
  if (kind) q = q.where('kind', '=', kind);
  const rows = await q.orderBy(sql`kind = 'rule'`).orderBy('code').orderBy('name').orderBy('segment_id').execute();
  return rows.map(toSegment);
}

export type SegmentSortKey = 'kind' | 'name' | 'members' | 'createdAt';

/** `kind` keeps the built-in segments together in their code order, then by name. */
export const SEGMENT_KEYSET: Keyset<SegmentSortKey> = {
  columns: {
    kind: { expr: sql`kind || ' ' || coalesce(code, '') || ' ' || lower(name)`, type: 'text' },
    name: { expr: sql`lower(name)`, type: 'text' },
    members: { expr: sql`coalesce(member_count, -1)`, type: 'bigint' },
    createdAt: { expr: sql`created_at`, type: 'timestamptz' },
  },
  id: 'segment_id',
};

/** A page of the program's segments in the asked order, one row more than the limit. */
export async function pageSegments(db: Executor, programId: string, q: { kind?: SegmentKind | undefined; sort: Sort<SegmentSortKey>; after: After | undefined; limit: number }): Promise<(SegmentRow & SortedRow)[]> {
  let query = db.selectFrom('segments').selectAll().where('program_id', '=', programId);
  if (q.kind) query = query.where('kind', '=', q.kind);
  const rows = await keysetPage(query, SEGMENT_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({ ...toSegment(r), sort_value: r.sort_value, sort_id: r.sort_id }));
}

/** A page of a segment's members in member id order, with the member's name and status. */
export async function segmentMembers(db: Executor, programId: string, segmentId: string, limit: number, after?: string): Promise<{ memberId: string; name: string | null; status: string; since: Date }[]> {
  let q = db
    .selectFrom('member_segments as ms')
    .innerJoin('members as m', 'm.member_id', 'ms.member_id')
    .select(['ms.member_id', 'm.name', 'm.status', 'ms.since'])
    .where('ms.program_id', '=', programId)
    .where('ms.segment_id', '=', segmentId);
  if (after) q = q.where('ms.member_id', '>', after);
  const rows = await q.orderBy('ms.member_id').limit(limit).execute();
  return rows.map((r) => ({ memberId: r.member_id, name: r.name, status: r.status, since: r.since }));
}

/** The segments a member belongs to, with when they joined each. */
export async function segmentsOfMember(db: Executor, programId: string, memberId: string): Promise<(SegmentRow & { since: Date })[]> {
  const rows = await db
    .selectFrom('member_segments as ms')
    .innerJoin('segments as s', (j) => j.onRef('s.program_id', '=', 'ms.program_id').onRef('s.segment_id', '=', 'ms.segment_id'))
    .selectAll('s')
    .select('ms.since')
    .where('ms.member_id', '=', memberId)
    .where('ms.program_id', '=', programId)
    .orderBy(sql`s.kind = 'rule'`)
    .orderBy('s.name')
    .execute();
  return rows.map((r) => ({ ...toSegment(r), since: r.since }));
}

/**
 * The segment ids of each member (members in no segment map to []), in one query by member id:
 * what the purchase flow reads to evaluate campaign audiences.
 */
export async function segmentIdsOfMembers(db: Executor, memberIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(memberIds.map((id) => [id, []]));
  if (memberIds.length === 0) return out;
  const rows = await db.selectFrom('member_segments').select(['member_id', 'segment_id']).where('member_id', '=', sql<string>`any(${memberIds}::uuid[])`).orderBy('member_id').orderBy('segment_id').execute();
  for (const r of rows) out.get(r.member_id)?.push(r.segment_id);
  return out;
}

/**
 * Facts for rule evaluation of a page of members (after `after`, in id order) or of given members:
 * the profile, and the completed purchases since `windowStart` with the last purchase ever.
 * Day numbers are days since 1970-01-01 in the program's time zone. The tier is the one written
 * on the member's wallet by their last purchase (a paid membership is not counted here).
 */
export async function memberFacts(
  db: Executor,
  programId: string,
  timeZone: string,
  windowStart: Date,
  which: { memberIds: string[] } | { after: string | null; limit: number },
): Promise<MemberFacts[]> {
  const tz = sql`${timeZone}::text`;
  const dayNo = (col: string) => sql`((${sql.ref(col)} at time zone ${tz})::date - date '1970-01-01')`;
  const filter = 'memberIds' in which ? sql`m.member_id = any(${which.memberIds}::uuid[])` : which.after === null ? sql`true` : sql`m.member_id > ${which.after}::uuid`;
  const limit = 'memberIds' in which ? sql`` : sql`limit ${which.limit}`;
  const rows = await sql<{
    member_id: string; status: string; city: string | null; gender: string | null; birthday: string | null; attributes: Record<string, unknown>; consents: Record<string, boolean>;
    enrolled_day: number; tier_id: string | null; last_day: number | null; days: number[] | null; totals: number[] | null;
  }>`
    select ${planEachCall} m.member_id, m.status, m.city, m.gender, m.birthday::text as birthday, m.attributes, m.consents, ${dayNo('m.created_at')}::int as enrolled_day,
      w.tier_id, ${dayNo('p.last_at')}::int as last_day, p.days, p.totals
    from members m
    left join wallets w on w.member_id = m.member_id
    left join lateral (
      select max(q.occurred_at) as last_at,
        array_agg(((q.occurred_at at time zone ${tz})::date - date '1970-01-01')::int) filter (where q.occurred_at >= ${windowStart}) as days,
        array_agg(q.total::float8) filter (where q.occurred_at >= ${windowStart}) as totals
      from purchases q where q.member_id = m.member_id and q.status = 'completed') p on true
    where m.program_id = ${programId} and ${filter}
    order by m.member_id ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    memberId: r.member_id,
    status: r.status,
    city: r.city,
    gender: r.gender,
    birthday: r.birthday,
    attributes: r.attributes,
    consents: r.consents,
    enrolledDay: r.enrolled_day,
    tierId: r.tier_id,
    purchases: (r.days ?? []).map((day, i) => ({ day, total: Number(r.totals?.[i] ?? 0) })),
    lastPurchaseDay: r.last_day,
  }));
}

/** Members whose facts may have changed since `since`: edited or enrolled, or with a new or confirmed purchase. */
export async function membersChangedSince(db: Executor, programId: string, since: Date): Promise<string[]> {
  const r = await sql<{ member_id: string }>`
    select ${planEachCall} member_id from members where program_id = ${programId} and updated_at >= ${since}
    union select member_id from purchases where program_id = ${programId} and created_at >= ${since}
    union select member_id from entries where program_id = ${programId} and created_at >= ${since} and purchase_id is not null`.execute(db);
  return r.rows.map((x) => x.member_id);
}

/**
 * Sets the membership of `evaluated` members in `segmentIds` to exactly the `matched` pairs: rows
 * no longer matched are deleted, new ones inserted with `since = at`, kept ones keep their since.
 */
export async function syncMemberships(
  db: Executor,
  programId: string,
  segmentIds: string[],
  evaluated: string[],
  matched: { memberId: string; segmentId: string }[],
  at: Date,
): Promise<void> {
  if (segmentIds.length === 0 || evaluated.length === 0) return;
  await sql`with m(member_id, segment_id) as (select * from unnest(${matched.map((x) => x.memberId)}::uuid[], ${matched.map((x) => x.segmentId)}::uuid[])),
      del as (delete from member_segments ms
        where ms.member_id = any(${evaluated}::uuid[]) and ms.segment_id = any(${segmentIds}::uuid[])
          and not exists (select 1 from m where m.member_id = ms.member_id and m.segment_id = ms.segment_id)),
      ins as (insert into member_segments (member_id, segment_id, program_id, since)
        select member_id, segment_id, ${programId}::uuid, ${at}::timestamptz from m on conflict do nothing)
    select 1`.execute(db);
}

/**
 * Sets a built-in segment family's memberships from a query of wanted (member_id, segment_id)
 * pairs, for the whole program in one statement.
 */
export async function syncBuiltinMemberships(db: Executor, programId: string, kind: 'rfm' | 'at_risk', wanted: RawBuilder<unknown>, at: Date): Promise<void> {
  await sql`with segs as (select segment_id from segments where program_id = ${programId} and kind = ${kind}),
      want as (${wanted}),
      del as (delete from member_segments ms where ms.program_id = ${programId} and ms.segment_id in (select segment_id from segs)
        and not exists (select 1 from want w where w.member_id = ms.member_id and w.segment_id = ms.segment_id)),
      ins as (insert into member_segments (member_id, segment_id, program_id, since)
        select member_id, segment_id, ${programId}::uuid, ${at}::timestamptz from want on conflict do nothing)
    select 1`.execute(db);
}

/** Sets the members of the built-in RFM segments to each member's segment in member_rfm. */
export async function syncRfmMemberships(db: Executor, programId: string, at: Date): Promise<void> {
  await syncBuiltinMemberships(
    db,
    programId,
    'rfm',
    sql`select r.member_id, s.segment_id from member_rfm r join segments s on s.program_id = r.program_id and s.code = 'rfm:' || r.segment where r.program_id = ${programId}`,
    at,
  );
}

/**
 * Sets the members of the built-in at-risk segment to the members whose latest prediction says so:
 * the SQL form of isAtRisk (src/domain/analytics/predictions.ts).
 */
export async function syncAtRiskMemberships(db: Executor, programId: string, rule: { atRiskThreshold: number; atRiskDrop: number }, at: Date): Promise<void> {
  await syncBuiltinMemberships(
    db,
    programId,
    'at_risk',
    sql`select p.member_id, s.segment_id from member_predictions p join segments s on s.program_id = p.program_id and s.code = 'at_risk'
        where p.program_id = ${programId} and (p.p_alive < ${rule.atRiskThreshold} or p.previous_p_alive - p.p_alive > ${rule.atRiskDrop})`,
    at,
  );
}

/** Recounts the members of the given segments; those in `computed` are marked as computed at `at`. */
export async function refreshSegmentCounts(db: Executor, programId: string, segmentIds: string[], computed: string[], at: Date): Promise<void> {
  if (segmentIds.length === 0) return;
  await sql`update segments s set member_count = case when s.computed_at is null and not s.segment_id = any(${computed}::uuid[]) then null
        else (select count(*) from member_segments ms where ms.program_id = s.program_id and ms.segment_id = s.segment_id) end,
      computed_at = case when s.segment_id = any(${computed}::uuid[]) then ${at}::timestamptz else s.computed_at end
    where s.program_id = ${programId} and s.segment_id = any(${segmentIds}::uuid[])`.execute(db);
}
