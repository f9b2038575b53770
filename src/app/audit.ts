import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../domain/list-paging.js';
import type { AuditRecord, AuditSortKey } from '../store/audit.js';
import { insertAudit, listAudit } from '../store/audit.js';
import { afterRow } from '../store/keyset.js';
import type { Executor } from '../store/executor.js';
import type { Actor, AppContext } from './context.js';

export interface AuditView {
  id: string;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** Records a change in the caller's transaction. */
export async function audit(
  ctx: AppContext,
  db: Executor,
  actor: Actor,
  change: { action: string; entity: string; entityId: string; before: unknown; after: unknown; at: Date },
): Promise<void> {
  await insertAudit(db, { programId: actor.programId, auditId: ctx.newId(), actor: actor.name, ...change });
}

export const AUDIT_LIST: ListSpec<AuditSortKey> = { list: 'audit', keys: { at: 'instant', action: 'text', entity: 'text' }, id: 'uuid', defaultSort: '-at' };

/** The log, newest first unless asked otherwise, filtered by entity, entity id or actor. */
export async function getAuditLog(
  ctx: AppContext,
  programId: string,
  q: ListQuery & { entity?: string | undefined; entityId?: string | undefined; actor?: string | undefined },
): Promise<Page<AuditView>> {
  const sort = parseSort(AUDIT_LIST, q.sort);
  const after = decodeCursor(AUDIT_LIST, sort, q.cursor);
  const rows = await listAudit(ctx.db, programId, { entity: q.entity, entityId: q.entityId, actor: q.actor, sort, after, limit: q.limit });
  return pageOf(AUDIT_LIST.list, sort, rows, q.limit, afterRow, toView);
}

const toView = (r: AuditRecord): AuditView => ({
  id: r.auditId,
  at: r.at.toISOString(),
  actor: r.actor,
  action: r.action,
  entity: r.entity,
  entityId: r.entityId,
  before: r.before,
  after: r.after,
});
