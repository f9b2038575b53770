import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from './executor.js';
import type { LineTerms } from '../domain/returns.js';
import { lineTermsColumn } from './purchases.js';
import type { MembersTable } from './schema.js';

/** A reference to a member as a purchases file gives it: an identifier, or the member id itself. */
export type MemberReference = { kind: string; value: string };

/*
 * Every lookup here goes key by key through the primary keys (a LATERAL subquery per key): an
 * import grows the tables faster than PostgreSQL's statistics follow (and PGlite has no
 * autovacuum), and with stale statistics the planner hashed every member of the program for
 * each batch — a batch of 500 took half a second at 23,000 members, and more as they grew.
 * Members are looked up by member_id alone and their program checked in code: with a filter on
 * program_id, generic plans of the prepared statements used members_program_created
 * (program_id, created_at, member_id) and walked the whole program for every key.
 */

/**
 * The members that a batch's references name, in one query: identifiers through the claim table,
 * member ids (kind `member_id`) through the members table. Keyed by `kind:value`.
 */
export async function resolveMemberReferences(db: Executor, programId: string, refs: readonly MemberReference[]): Promise<Map<string, { memberId: string; status: MembersTable['status'] }>> {
  const found = new Map<string, { memberId: string; status: MembersTable['status'] }>();
  if (refs.length === 0) return found;
  const ids = refs.filter((r) => r.kind !== 'member_id');
  const direct = refs.filter((r) => r.kind === 'member_id').map((r) => r.value);
  const rows = await sql<{ kind: string; value: string; member_id: string; status: MembersTable['status']; program_id: string }>`
    select t.kind, t.value, x.member_id, x.status, ${programId}::uuid as program_id
    from unnest(${ids.map((r) => r.kind)}::text[], ${ids.map((r) => r.value)}::text[]) as t(kind, value)
    cross join lateral (
      select m.member_id, m.status from identifier_claims c join members m on m.member_id = c.member_id
      where c.program_id = ${programId}::uuid and c.kind = t.kind and c.value = t.value) x
    union all
    select 'member_id', x.member_id::text, x.member_id, x.status, x.program_id
    from unnest(${direct}::uuid[]) as t(member_id)
    cross join lateral (select m.member_id, m.status, m.program_id from members m where m.member_id = t.member_id) x`.execute(db);
  for (const r of rows.rows) if (r.program_id === programId) found.set(`${r.kind}:${r.value}`, { memberId: r.member_id, status: r.status });
  return found;
}

/** Existing claims of receipt ids: which purchase has each, and the fingerprint of its contents. */
export async function findReceiptClaims(db: Executor, programId: string, receiptIds: readonly string[]): Promise<Map<string, { purchaseId: string; requestHash: string }>> {
  if (receiptIds.length === 0) return new Map();
  const rows = await sql<{ receipt_id: string; purchase_id: string; request_hash: string }>`
    select receipt_id, purchase_id, request_hash from receipt_claims
    where program_id = ${programId}::uuid and receipt_id = any(${receiptIds}::text[])`.execute(db);
  return new Map(rows.rows.map((r) => [r.receipt_id, { purchaseId: r.purchase_id, requestHash: r.request_hash }]));
}

/** A purchase written by an import: completed, nothing spent; its result already as JSON. */
export interface ImportedPurchase {
  memberId: string;
  /** The member's status, added to the result with its id. */
  memberStatus: MembersTable['status'];
  purchaseId: string;
  receiptId: string;
  storeId: string | null;
  channel: string | null;
  occurredAt: Date;
  total: number;
  pointsEarned: number;
  /** The purchase's state in columns (what returns read), beside its answer. */
  earnedAvailableAt: Date | null;
  earnedExpiresAt: Date | null;
  lineTerms: LineTerms[];
  resultJson: string;
}

/**
 * The insert of many purchases as one set-based statement (to run beside other writes). The rows
 * travel as one JSON document, built as text around each result's JSON (made when its row was
 * read): nothing is serialised twice, and pg's per-character escaping of array elements, which
 * showed in profiles, is not used. The result gets the member's id and status here.
 */
export function insertPurchasesQuery(programId: string, at: Date, rows: readonly ImportedPurchase[]): RawBuilder<unknown> {
  const s = JSON.stringify;
  const doc = `[${rows
    .map(
      (p) =>
        `{"member_id":"${p.memberId}","member_status":${s(p.memberStatus)},"purchase_id":"${p.purchaseId}","receipt_id":${s(p.receiptId)},` +
        `"store_id":${s(p.storeId)},"channel":${s(p.channel)},"occurred_at":"${p.occurredAt.toISOString()}","total":${p.total},` +
        `"points_earned":${p.pointsEarned},"earned_available_at":${s(p.earnedAvailableAt)},"earned_expires_at":${s(p.earnedExpiresAt)},` +
        `"line_terms":${lineTermsColumn(p.lineTerms)},"result":${p.resultJson}}`,
    )
    .join(',')}]`;
  return sql`
    insert into purchases (member_id, purchase_id, program_id, receipt_id, status, store_id, channel, occurred_at, total,
                           points_spent, points_earned, result, hold_expires_at, created_at, updated_at, earned_available_at, earned_expires_at, line_terms)
    select t.member_id, t.purchase_id, ${programId}::uuid, t.receipt_id, 'completed', t.store_id, t.channel, t.occurred_at, t.total,
           0, t.points_earned, t.result || jsonb_build_object('memberId', t.member_id, 'memberStatus', t.member_status), null, ${at}::timestamptz, ${at}::timestamptz,
           t.earned_available_at, t.earned_expires_at, t.line_terms
    from jsonb_to_recordset(${doc}::jsonb)
         as t(member_id uuid, member_status text, purchase_id uuid, receipt_id text, store_id text, channel text,
              occurred_at timestamptz, total bigint, points_earned bigint, earned_available_at timestamptz, earned_expires_at timestamptz, line_terms jsonb, result jsonb)`;
}

/**
 * Locks the wallets of several members (in member-id order, so that writers cannot deadlock on
 * each other) and reads the members, in one statement.
 */
export async function lockMembers(db: Executor, programId: string, memberIds: readonly string[]): Promise<Map<string, Selectable<MembersTable>>> {
  const sorted = [...new Set(memberIds)].sort();
  const rows = await sql<Selectable<MembersTable>>`
    select x.* from unnest(${sorted}::uuid[]) with ordinality as t(member_id, n)
    cross join lateral (
      select m.* from wallets w join members m on m.member_id = w.member_id
      where w.member_id = t.member_id
      for update of w) x
    order by t.n`.execute(db);
  return new Map(rows.rows.filter((r) => r.program_id === programId).map((r) => [r.member_id, r]));
}

/**
 * Counts imported purchases on their members' wallets (purchase count, first and last purchase),
 * which the rules read for "first purchase", "n-th purchase" and "not seen for N days".
 */
export async function countImportedPurchases(db: Executor, rows: { memberId: string; occurredAt: Date }[]): Promise<void> {
  const by = new Map<string, { n: number; first: Date; last: Date }>();
  for (const r of rows) {
    const m = by.get(r.memberId);
    if (!m) by.set(r.memberId, { n: 1, first: r.occurredAt, last: r.occurredAt });
    else {
      m.n++;
      if (r.occurredAt < m.first) m.first = r.occurredAt;
      if (r.occurredAt > m.last) m.last = r.occurredAt;
    }
  }
  if (by.size === 0) return;
  const values = sql.join([...by].map(([id, m]) => sql`(${id}::uuid, ${m.n}::int, ${m.first}::timestamptz, ${m.last}::timestamptz)`));
  await sql`update wallets set purchase_count = wallets.purchase_count + v.n,
      first_purchase_at = least(coalesce(wallets.first_purchase_at, v.first), v.first),
      last_purchase_at = greatest(wallets.last_purchase_at, v.last)
    from (values ${values}) as v(member_id, n, first, last) where wallets.member_id = v.member_id`.execute(db);
}
