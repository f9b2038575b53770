import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * Indexes for the sorted, keyset-paged admin lists (docs/api-lists.md). Each one leads with
 * program_id, then the sort expression exactly as src/store writes it, then the row's id, so a
 * page is an index range scan in either direction. Only lists that grow with the business get one
 * (members, the audit log, the feedback inbox, coupon codes); lists the size of a program's set-up
 * (stores, campaigns, series, keys, staff, segments, surveys, versions) sort in a few rows of
 * memory, and one member's ledger is read through the member's own key.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(SCHEMA)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of INDEXES) await sql.raw(`drop index if exists ${name}`).execute(db);
}

const INDEXES = ['members_program_name', 'audit_log_at', 'audit_log_action', 'audit_log_entity_sort', 'feedback_created', 'feedback_topic', 'coupons_series_created'];

const SCHEMA = `
    create index members_program_name on members (program_id, (lower(coalesce(name, ''))), member_id);
    create index audit_log_at on audit_log (program_id, at, audit_id);
    create index audit_log_action on audit_log (program_id, action, audit_id);
    create index audit_log_entity_sort on audit_log (program_id, entity, audit_id);
    create index feedback_created on feedback (program_id, created_at, feedback_id);
    create index feedback_topic on feedback (program_id, topic, feedback_id);
    create index coupons_series_created on coupons (program_id, series_id, created_at, code);
`;
