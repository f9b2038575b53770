import { diffFields, type FieldChange } from '../domain/audit-diff.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../domain/list-paging.js';
import { listAdminUsers } from '../store/admin-users.js';
import { listApiKeys } from '../store/api-keys.js';
import type { AuditRecord, AuditSortKey } from '../store/audit.js';
import { insertAudit, listAudit } from '../store/audit.js';
import { afterRow } from '../store/keyset.js';
import type { Executor } from '../store/executor.js';
import type { Actor, AppContext } from './context.js';

/**
 * Who made a change, as a reader knows them: an admin user by name and e-mail, an API key by its
 * name, a member, or the server itself (`system`: jobs and budget warnings; `first_start`: what
 * `kopilka serve` set up on an empty database; `demo`: `kopilka demo`; `cli`: other commands).
 * Name and e-mail are today's (null when the user or key was deleted since).
 */
export interface AuditWho {
  kind: 'admin_user' | 'api_key' | 'member' | 'system' | 'first_start' | 'demo' | 'cli';
  id: string | null;
  name: string | null;
  email: string | null;
}

export interface AuditView {
  id: string;
  at: string;
  actor: string;
  who: AuditWho;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  /** The fields that differ between before and after (src/domain/audit-diff.ts). */
  changes: FieldChange[];
}

/** The actor name of what `kopilka serve` does on its first start (the program, its first key and owner). */
export const FIRST_START_ACTOR = 'first-start';
/** The actor name of `kopilka demo`'s fill. */
export const DEMO_ACTOR = 'demo';

/** Records a change in the caller's transaction. */
export async function audit(
  ctx: AppContext,
  db: Executor,
  actor: Actor,
  change: { action: string; entity: string; entityId: string; before: unknown; after: unknown; at: Date },
): Promise<void> {
  await insertAudit(db, { programId: actor.programId, auditId: ctx.newId(), actor: actor.name, ...change });
}

/**
 * Records what the server's first start set up, for `kopilka serve` to call once it has made them:
 * `auditFirstStart(ctx, { programId, programName, adminKeyId, ownerEmail })` writes one entry
 * (entity `program`, action `first_start`, actor `first-start`) listing the program, the first
 * admin API key and the first owner. Pass `adminKeyId` / `ownerEmail` as null when not made now.
 */
export async function auditFirstStart(ctx: AppContext, db: Executor, made: { programId: string; programName: string; adminKeyId: string | null; ownerEmail: string | null }): Promise<void> {
  await audit(ctx, db, { programId: made.programId, role: 'admin', name: FIRST_START_ACTOR }, {
    action: 'first_start',
    entity: 'program',
    entityId: made.programId,
    before: null,
    after: { name: made.programName, ...(made.adminKeyId ? { adminKeyId: made.adminKeyId } : {}), ...(made.ownerEmail ? { ownerEmail: made.ownerEmail } : {}) },
    at: ctx.clock(),
  });
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
  const who = await whoResolver(ctx, programId, rows);
  return pageOf(AUDIT_LIST.list, sort, rows, q.limit, afterRow, (r) => toView(r, who(r.actor)));
}

/** Admin users and API keys are few per program: one read of each, only when the page names one. */
async function whoResolver(ctx: AppContext, programId: string, rows: AuditRecord[]): Promise<(actor: string) => AuditWho> {
  const users = rows.some((r) => r.actor.startsWith('admin-user:')) ? new Map((await listAdminUsers(ctx.db, programId)).map((u) => [u.adminUserId, u])) : new Map();
  const keys = rows.some((r) => r.actor.startsWith('key:')) ? new Map((await listApiKeys(ctx.db, programId)).map((k) => [k.keyId, k])) : new Map();
  return (actor) => {
    const [prefix, id = null] = actor.split(/:(.*)/s) as [string, string | undefined];
    if (prefix === 'admin-user' && id) {
      const u = users.get(id);
      return { kind: 'admin_user', id, name: u?.name ?? null, email: u?.email ?? null };
    }
    if (prefix === 'key' && id) return { kind: 'api_key', id, name: keys.get(id)?.name ?? null, email: null };
    if (prefix === 'member') return { kind: 'member', id, name: null, email: null };
    if (actor === FIRST_START_ACTOR) return { kind: 'first_start', id: null, name: null, email: null };
    if (actor === DEMO_ACTOR) return { kind: 'demo', id: null, name: null, email: null };
    if (actor === 'cli') return { kind: 'cli', id: null, name: null, email: null };
    return { kind: 'system', id: null, name: null, email: null };
  };
}

const toView = (r: AuditRecord, who: AuditWho): AuditView => ({
  id: r.auditId,
  at: r.at.toISOString(),
  actor: r.actor,
  who,
  action: r.action,
  entity: r.entity,
  entityId: r.entityId,
  before: r.before,
  after: r.after,
  changes: diffFields(r.before, r.after),
});
