import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * The transactional outbox of domain events (issue 14, docs/events.md, docs/adr/0030-domain-events.md).
 * Rows are written in the statement or transaction of the change that causes them and never
 * updated. Two orders:
 *
 * - per member, `member_seq` 1, 2, 3, … in the order the member's changes committed: each is
 *   allocated under the member's wallet lock as the last one + 1, and the unique index turns a
 *   producer that forgot the lock into an error instead of a silent reordering;
 * - the program's feed, `(feed_tx, feed_seq)`: `feed_tx` is the writing transaction's id, raised to
 *   the member's previous event's `feed_tx` when that is higher, and the feed only shows rows whose
 *   `feed_tx` is below the oldest transaction still running (its snapshot's xmin), so a reader that
 *   resumes after the last row it saw can never miss a row that commits later.
 *
 * No foreign key to members: the rows are written with the change that names the member, and a
 * check per event would cost the purchase path an index lookup for nothing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    create table domain_events (
      event_id uuid primary key,
      program_id uuid not null,
      type text not null,
      version integer not null,
      member_id uuid,
      member_seq bigint,
      feed_tx bigint not null,
      feed_seq bigint generated always as identity,
      occurred_at timestamptz not null,
      recorded_at timestamptz not null,
      data jsonb not null,
      check ((member_id is null) = (member_seq is null))
    );
    create unique index domain_events_member on domain_events (member_id, member_seq);
    create index domain_events_feed on domain_events (program_id, feed_tx, feed_seq);
    create index domain_events_type on domain_events (program_id, type, feed_tx, feed_seq);
  `)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop table domain_events').execute(db);
}
