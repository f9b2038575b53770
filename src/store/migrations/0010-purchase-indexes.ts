import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/**
 * One index of a member's purchases by time instead of two (bench/RESULTS.md, "After the rules …
 * merges"): the tiers' `purchases_member_time (member_id, occurred_at)` and the analytics'
 * covering `purchases_member_visits` were both written on every purchase. The tier totals
 * (`store/tier-state.ts`: completed purchases of one member in a window, summing
 * `coalesce(paid_total, total)`) read only completed purchases, so the covering index, now also
 * carrying `paid_total`, serves them from the index alone; a member's purchase list for the data
 * export reads the member's few rows by the primary key and sorts them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    create index purchases_member_completed on purchases (member_id, occurred_at) include (store_id, total, paid_total) where status = 'completed';
    drop index purchases_member_visits;
    drop index purchases_member_time;
  `)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    create index purchases_member_time on purchases (member_id, occurred_at);
    create index purchases_member_visits on purchases (member_id, occurred_at) include (store_id, total) where status = 'completed';
    drop index purchases_member_completed;
  `)) await sql.raw(statement).execute(db);
}
