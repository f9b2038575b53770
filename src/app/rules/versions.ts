import { DomainError } from '../../domain/errors.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../../domain/list-paging.js';
import type { Executor } from '../../store/executor.js';
import { afterRow } from '../../store/keyset.js';
import { findRuleVersion, insertRuleVersion, listDefinitions, listRuleVersionHeads, listRuleVersions } from '../../store/rules.js';
import { findTierPolicy } from '../../store/rules-policy.js';
import { audit } from '../audit.js';
import type { Actor, AppContext } from '../context.js';
import { checkRules, type Campaign, type RuleSet, type Tier, type TierPolicy } from './engine.js';

export interface RuleVersionView {
  version: number;
  effectiveFrom: string;
  note: string | null;
  createdBy: string;
  createdAt: string;
  /** in force now, scheduled (takes effect later) or superseded. */
  state: 'in_force' | 'scheduled' | 'superseded';
  rules?: RuleSet;
}

/** The working copy: what the next publish makes live (active campaigns, active tiers, the tier policy). */
export async function workingRules(db: Executor, programId: string): Promise<RuleSet> {
  const [campaigns, tiers, tierPolicy] = await Promise.all([
    listDefinitions<'active'>(db, 'campaigns', programId, ['active']),
    listDefinitions<'active'>(db, 'tiers', programId, ['active']),
    findTierPolicy(db, programId),
  ]);
  return {
    campaigns: campaigns.map((c) => c.definition as Campaign),
    tiers: tiers.map((t) => t.definition as Tier),
    ...(tierPolicy ? { tierPolicy: tierPolicy as TierPolicy } : {}),
  };
}

/**
 * Publishes the working copy as the next version, in force from `effectiveFrom` (default now).
 * Runs in the caller's transaction, after its change to the working copy. A version is never
 * scheduled before one already scheduled: it would put that one's changes live early.
 */
export async function publishRules(
  ctx: AppContext,
  tx: Executor,
  actor: Actor,
  options: { effectiveFrom?: Date | undefined; note?: string | undefined } = {},
): Promise<RuleVersionView> {
  const at = ctx.clock();
  const effectiveFrom = options.effectiveFrom ?? at;
  if (effectiveFrom.getTime() < at.getTime() - 1000) {
    throw new DomainError('VALIDATION_FAILED', 'a version cannot take effect in the past', { errors: [{ pointer: '/effectiveFrom', detail: 'must not be in the past' }] });
  }
  const rules = await workingRules(tx, actor.programId);
  checkRules(rules);
  const heads = await listRuleVersionHeads(tx, actor.programId);
  const pending = heads.find((h) => h.effectiveFrom.getTime() > effectiveFrom.getTime());
  if (pending) {
    throw new DomainError('RULES_VERSION_SCHEDULED', `version ${pending.version} is scheduled for ${pending.effectiveFrom.toISOString()}; publish at or after it, or cancel it first`, {
      extra: { scheduledVersion: pending.version, effectiveFrom: pending.effectiveFrom.toISOString() },
    });
  }
  const version = await insertRuleVersion(tx, actor.programId, { effectiveFrom, rules, note: options.note ?? null, createdBy: actor.name, at });
  await audit(ctx, tx, actor, { action: 'publish', entity: 'rules', entityId: String(version), before: null, after: { version, effectiveFrom: effectiveFrom.toISOString(), note: options.note ?? null }, at });
  ctx.rules.invalidate(actor.programId);
  return { version, effectiveFrom: effectiveFrom.toISOString(), note: options.note ?? null, createdBy: actor.name, createdAt: at.toISOString(), state: effectiveFrom > at ? 'scheduled' : 'in_force' };
}

export const RULE_VERSION_LIST: ListSpec<'version'> = { list: 'rule-versions', keys: { version: 'integer' }, id: 'integer', defaultSort: '-version' };

/** The version in force now: the newest whose time has come (versions take effect in number order). */
async function versionInForce(ctx: AppContext, programId: string): Promise<number | undefined> {
  const now = ctx.clock().getTime();
  return (await listRuleVersionHeads(ctx.db, programId)).find((h) => h.effectiveFrom.getTime() <= now)?.version;
}

const stateOf = (v: { version: number; effectiveFrom: Date }, inForce: number | undefined, now: number): RuleVersionView['state'] =>
  v.effectiveFrom.getTime() > now ? 'scheduled' : v.version === inForce ? 'in_force' : 'superseded';

/** A page of rules versions, newest first unless asked otherwise. */
export async function getRuleVersions(ctx: AppContext, programId: string, q: ListQuery): Promise<Page<RuleVersionView>> {
  const sort = parseSort(RULE_VERSION_LIST, q.sort);
  const after = decodeCursor(RULE_VERSION_LIST, sort, q.cursor);
  const now = ctx.clock().getTime();
  const [inForce, rows] = await Promise.all([versionInForce(ctx, programId), listRuleVersions(ctx.db, programId, { sort, after, limit: q.limit })]);
  return pageOf(RULE_VERSION_LIST.list, sort, rows, q.limit, afterRow, (r) => ({
    version: r.version,
    effectiveFrom: r.effectiveFrom.toISOString(),
    note: r.note,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    state: stateOf(r, inForce, now),
  }));
}

export async function getRuleVersion(ctx: AppContext, programId: string, version: number): Promise<RuleVersionView> {
  const row = await findRuleVersion(ctx.db, programId, version);
  if (!row) throw new DomainError('NOT_FOUND', `no rule version ${version}`);
  const state = stateOf({ version, effectiveFrom: row.effectiveFrom }, await versionInForce(ctx, programId), ctx.clock().getTime());
  return { version, effectiveFrom: row.effectiveFrom.toISOString(), note: row.note, createdBy: row.createdBy, createdAt: row.createdAt.toISOString(), state, rules: row.rules as RuleSet };
}
