import { sql } from 'kysely';
import type { After, Sort } from '../domain/list-paging.js';
import type { Executor } from './executor.js';
import { json } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';

export interface AuditRecord {
  programId: string;
  auditId: string;
  at: Date;
  /** Who: `key:<id>`, `admin:<id>`, `cli`. */
  actor: string;
  /** What was done: create, update, archive, publish… */
  action: string;
  /** What it was done to: settings, store, campaign, tier, coupon_series… */
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** Written in the transaction of the change it records, so the log never misses or invents one. */
export async function insertAudit(db: Executor, r: AuditRecord): Promise<void> {
  await insertAuditQuery(db, r).execute();
}

/** The same insert as a query, to run beside other writes (runTogether). */
export function insertAuditQuery(db: Executor, r: AuditRecord) {
  return db.insertInto('audit_log').values({
    program_id: r.programId,
    audit_id: r.auditId,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entity_id: r.entityId,
    before: r.before === undefined || r.before === null ? null : json(r.before),
    after: r.after === undefined || r.after === null ? null : json(r.after),
  });
}

export type AuditSortKey = 'at' | 'action' | 'entity';

export const AUDIT_KEYSET: Keyset<AuditSortKey> = {
  columns: { at: { expr: sql`at`, type: 'timestamptz' }, action: { expr: sql`action`, type: 'text' }, entity: { expr: sql`entity`, type: 'text' } },
  id: 'audit_id',
};

/** A page of the log in the asked order, one row more than the limit. */
export async function listAudit(
  db: Executor,
  programId: string,
  q: { entity?: string | undefined; entityId?: string | undefined; actor?: string | undefined; sort: Sort<AuditSortKey>; after: After | undefined; limit: number },
): Promise<(AuditRecord & SortedRow)[]> {
  let query = db.selectFrom('audit_log').selectAll().where('program_id', '=', programId);
  if (q.entity !== undefined) query = query.where('entity', '=', q.entity);
  if (q.entityId !== undefined) query = query.where('entity_id', '=', q.entityId);
  if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
  const rows = await keysetPage(query, AUDIT_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({
    sort_value: r.sort_value,
    sort_id: r.sort_id,
    programId: r.program_id,
    auditId: r.audit_id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
  }));
}
