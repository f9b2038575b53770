/**
 * The outbox of domain events (migration 0021, docs/events.md, docs/adr/0030-domain-events.md):
 * the one insert every producer uses — beside its writes, in its transaction — and the feed read.
 */
import { sql, type RawBuilder, type Selectable } from 'kysely';
import { EVENT_CATALOGUE, type EventDraft } from '../domain/events/catalogue.js';
import type { After, Sort } from '../domain/list-paging.js';
import type { Executor } from './executor.js';
import { json } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';
import type { DomainEventsTable } from './schema-events.js';

/** Drafts as the columns of one `unnest` insert; `k` numbers each member's events of this write 1, 2, … in their order. */
export interface EventColumns {
  ids: string[];
  types: string[];
  versions: number[];
  members: (string | null)[];
  k: (number | null)[];
  occurred: string[];
  data: string[];
}

export function eventColumns(drafts: readonly EventDraft[]): EventColumns {
  const c: EventColumns = { ids: [], types: [], versions: [], members: [], k: [], occurred: [], data: [] };
  const counts = new Map<string, number>();
  for (const e of drafts) {
    const k = e.memberId === null ? null : (counts.get(e.memberId) ?? 0) + 1;
    if (e.memberId !== null) counts.set(e.memberId, k!);
    c.ids.push(e.eventId);
    c.types.push(e.type);
    c.versions.push(EVENT_CATALOGUE[e.type].version);
    c.members.push(e.memberId);
    c.k.push(k);
    c.occurred.push(e.occurredAt.toISOString());
    c.data.push(json(e.data));
  }
  return c;
}

/**
 * The insert, as a statement or a CTE of one (its text is fixed: the purchase writer prepares it).
 * A member's events continue the member's sequence from its last event (read in this statement's
 * snapshot, so the caller must hold the member's wallet lock, taken by an earlier statement);
 * `feed_tx` is this transaction's id, or the member's last `feed_tx` if that is higher, so a
 * member's events never go backwards in the feed. Rows are inserted in the drafts' order, so
 * `feed_seq` follows it within the write.
 */
export function insertEventsSql(programId: string, at: Date, c: EventColumns): RawBuilder<unknown> {
  return sql`
      insert into domain_events (event_id, program_id, type, version, member_id, member_seq, feed_tx, occurred_at, recorded_at, data)
      select t.i, ${programId}::uuid, t.ty, t.v, t.m,
             case when t.m is null then null else coalesce(prev.seq, 0) + t.k end,
             greatest(pg_current_xact_id()::text::bigint, coalesce(prev.tx, 0)),
             t.o, ${at}::timestamptz, t.d::jsonb
        from unnest(${c.ids}::uuid[], ${c.types}::text[], ${c.versions}::int[], ${c.members}::uuid[], ${c.k}::int[], ${c.occurred}::timestamptz[], ${c.data}::text[])
               with ordinality as t(i, ty, v, m, k, o, d, n)
        left join lateral (
          select e.member_seq as seq, e.feed_tx as tx from domain_events e where e.member_id = t.m order by e.member_seq desc limit 1
        ) prev on true
       order by t.n`;
}

/** The insert of `drafts`, to run beside the change's other writes (runTogether / postEntries' `also`). */
export const insertEventsQuery = (programId: string, at: Date, drafts: readonly EventDraft[]): RawBuilder<unknown> => insertEventsSql(programId, at, eventColumns(drafts));

/** Writes `drafts` in the caller's transaction (nothing for none). */
export async function insertEvents(db: Executor, programId: string, at: Date, drafts: readonly EventDraft[]): Promise<void> {
  if (drafts.length === 0) return;
  await insertEventsQuery(programId, at, drafts).execute(db);
}

export interface StoredEvent {
  eventId: string;
  programId: string;
  type: string;
  version: number;
  memberId: string | null;
  memberSeq: number | null;
  occurredAt: Date;
  recordedAt: Date;
  data: unknown;
}

export type EventSortKey = 'position';

/** The feed's order: (feed_tx, feed_seq); the cursor carries both as text. */
export const EVENT_KEYSET: Keyset<EventSortKey> = { columns: { position: { expr: sql`feed_tx`, type: 'bigint' } }, id: 'feed_seq' };

/**
 * The feed's horizon: the oldest transaction still running in this statement's snapshot, leaving
 * out those that pg_stat_activity shows connected to another database (transaction ids are shared
 * by the whole server, and a long transaction elsewhere must not hold this feed back; one that is
 * not shown — ended meanwhile, a prepared transaction, a session we may not see — counts, which is
 * only ever slower). With none running, the snapshot's xmax: every transaction below it has ended.
 * A standby's snapshots do not list running transactions, so there it is the snapshot's xmin.
 */
const FEED_HORIZON = sql`(case when pg_is_in_recovery() then pg_snapshot_xmin(pg_current_snapshot())::text::bigint else coalesce(
      (select min(x::text::bigint) from pg_snapshot_xip(pg_current_snapshot()) as x
        where not exists (select 1 from pg_stat_activity a where a.backend_xid = x::xid and a.datname <> current_database())),
      pg_snapshot_xmax(pg_current_snapshot())::text::bigint) end)`;

/**
 * A page of the program's feed: only events whose `feed_tx` is below the horizon — every event that
 * could sort before them has committed or rolled back, so nothing can appear later behind the page
 * (ADR 0030).
 */
export async function listEvents(
  db: Executor,
  programId: string,
  q: { types?: readonly string[] | undefined; memberId?: string | undefined; sort: Sort<EventSortKey>; after: After | undefined; limit: number },
): Promise<(StoredEvent & SortedRow)[]> {
  let query = db
    .selectFrom('domain_events')
    .select(['event_id', 'program_id', 'type', 'version', 'member_id', 'member_seq', 'occurred_at', 'recorded_at', 'data'])
    .where('program_id', '=', programId)
    .where(sql<boolean>`feed_tx < ${FEED_HORIZON}`);
  if (q.types !== undefined && q.types.length > 0) query = query.where('type', 'in', [...q.types]);
  if (q.memberId !== undefined) query = query.where('member_id', '=', q.memberId);
  const rows = await keysetPage(query, EVENT_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({ sort_value: r.sort_value, sort_id: r.sort_id, ...storedEvent(r) }));
}

/** Every event of a member in its sequence (tests and support tools; a member's events are few). */
export async function eventsOfMember(db: Executor, memberId: string): Promise<(StoredEvent & { feedTx: number; feedSeq: number })[]> {
  const rows = await db.selectFrom('domain_events').selectAll().where('member_id', '=', memberId).orderBy('member_seq').execute();
  return rows.map((r) => ({ ...storedEvent(r), feedTx: r.feed_tx, feedSeq: r.feed_seq }));
}

type EventRow = Pick<Selectable<DomainEventsTable>, 'event_id' | 'program_id' | 'type' | 'version' | 'member_id' | 'member_seq' | 'occurred_at' | 'recorded_at' | 'data'>;

const storedEvent = (r: EventRow): StoredEvent => ({
  eventId: r.event_id,
  programId: r.program_id,
  type: r.type,
  version: r.version,
  memberId: r.member_id,
  memberSeq: r.member_seq,
  occurredAt: r.occurred_at,
  recordedAt: r.recorded_at,
  data: r.data,
});
