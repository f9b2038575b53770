import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** The outbox of domain events (migration 0021, docs/events.md). */
export interface DomainEventsTable {
  event_id: string;
  program_id: string;
  type: string;
  version: number;
  member_id: string | null;
  member_seq: number | null;
  feed_tx: number;
  feed_seq: Generated<number>;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
  data: unknown;
}

export interface EventTables {
  domain_events: DomainEventsTable;
}
