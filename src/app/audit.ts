import type { AuditRecord } from '../store/audit.js';
import { insertAudit, listAudit } from '../store/audit.js';
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

export async function getAuditLog(
  ctx: AppContext,
  programId: string,
  q: { entity?: string | undefined; entityId?: string | undefined; actor?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ items: AuditView[]; nextCursor: string | null }> {
  const rows = await listAudit(ctx.db, programId, { entity: q.entity, entityId: q.entityId, actor: q.actor, before: q.cursor, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return { items: page.map(toView), nextCursor: rows.length > q.limit ? page[page.length - 1]!.auditId : null };
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
