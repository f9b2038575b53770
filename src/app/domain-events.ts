import type { EventType } from '../domain/events/catalogue.js';
import { decodeCursor, encodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../domain/list-paging.js';
import { listEvents, type EventSortKey } from '../store/domain-events.js';
import { afterRow } from '../store/keyset.js';
import type { Actor, AppContext } from './context.js';

/** An event of the outbox as `GET /v1/events` shows it (docs/events.md). */
export interface EventView {
  id: string;
  type: string;
  version: number;
  memberId: string | null;
  /** The member's events are numbered 1, 2, 3, … without gaps, in the order they committed. */
  memberSeq: number | null;
  occurredAt: string;
  recordedAt: string;
  data: unknown;
  /** The cursor after this event: a consumer that stores it resumes right after the event. */
  cursor: string;
}

/** The feed's one order: `position` (the commit-safe (feed_tx, feed_seq) of ADR 0030), oldest first. */
export const EVENT_LIST: ListSpec<EventSortKey> = { list: 'events', keys: { position: 'integer' }, id: 'integer', defaultSort: 'position' };

/**
 * A page of the program's events, oldest first, filtered by types and member. A consumer that
 * pages on with `nextCursor` (or resumes from the `cursor` of the last event it handled) sees
 * every event exactly once, including events of transactions that commit later than newer ones.
 */
export async function listDomainEvents(
  ctx: AppContext,
  actor: Actor,
  q: ListQuery & { types?: readonly EventType[] | undefined; memberId?: string | undefined },
): Promise<Page<EventView>> {
  const sort = parseSort(EVENT_LIST, q.sort);
  const after = decodeCursor(EVENT_LIST, sort, q.cursor);
  const rows = await listEvents(ctx.db, actor.programId, { types: q.types, memberId: q.memberId, sort, after, limit: q.limit });
  return pageOf(EVENT_LIST.list, sort, rows, q.limit, afterRow, (r) => ({
    id: r.eventId,
    type: r.type,
    version: r.version,
    memberId: r.memberId,
    memberSeq: r.memberSeq,
    occurredAt: r.occurredAt.toISOString(),
    recordedAt: r.recordedAt.toISOString(),
    data: r.data,
    cursor: encodeCursor(EVENT_LIST.list, sort, afterRow(r)),
  }));
}
