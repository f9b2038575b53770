import { DomainError } from '../../domain/errors.js';
import { findDefinition, insertDefinition, listDefinitions, updateDefinition, type DefinitionRow } from '../../store/rules.js';
import { findTierPolicy, setTierPolicy } from '../../store/rules-policy.js';
import { audit } from '../audit.js';
import type { Actor, AppContext } from '../context.js';
import { checkRules, type Tier, type TierPolicy } from './engine.js';
import { publishRules, workingRules, type RuleVersionView } from './versions.js';
import type { PublishOptions } from './campaigns.js';

export type TierStatus = 'active' | 'archived';

export interface TierView {
  id: string;
  status: TierStatus;
  tier: Tier;
  createdAt: string;
  updatedAt: string;
}

type Published = { published: RuleVersionView | null };

export async function createTier(ctx: AppContext, actor: Actor, tier: Tier, options: PublishOptions = {}): Promise<TierView & Published> {
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const working = await workingRules(tx, actor.programId);
    checkRules({ ...working, tiers: [...working.tiers, tier] }, { focus: { kind: 'tiers', id: tier.id } });
    if (!(await insertDefinition(tx, 'tiers', actor.programId, { id: tier.id, status: 'active', definition: tier, at }))) {
      throw new DomainError('TIER_EXISTS', `a tier with id ${tier.id} already exists`);
    }
    await audit(ctx, tx, actor, { action: 'create', entity: 'tier', entityId: tier.id, before: null, after: tier, at });
    const published = options.publish !== false ? await publishRules(ctx, tx, actor, options) : null;
    return { ...view({ id: tier.id, status: 'active', definition: tier, createdAt: at, updatedAt: at }), published };
  });
}

export async function replaceTier(ctx: AppContext, actor: Actor, id: string, tier: Tier | null, options: PublishOptions = {}): Promise<TierView & Published> {
  if (tier && tier.id !== id) throw new DomainError('VALIDATION_FAILED', 'the tier id cannot change', { errors: [{ pointer: '/id', detail: `must be ${id}` }] });
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findDefinition<TierStatus>(tx, 'tiers', actor.programId, id, true);
    if (!row || row.status === 'archived') throw new DomainError('TIER_NOT_FOUND', `no tier ${id}`);
    const status: TierStatus = tier ? 'active' : 'archived';
    const definition = tier ?? (row.definition as Tier);
    const working = await workingRules(tx, actor.programId);
    const others = working.tiers.filter((t) => t.id !== id);
    checkRules({ ...working, tiers: tier ? [...others, tier] : others }, tier ? { focus: { kind: 'tiers', id } } : {});
    await updateDefinition(tx, 'tiers', actor.programId, { id, status, definition, at });
    await audit(ctx, tx, actor, { action: tier ? 'update' : 'archive', entity: 'tier', entityId: id, before: row.definition, after: tier, at });
    const published = options.publish !== false ? await publishRules(ctx, tx, actor, options) : null;
    return { ...view({ ...row, status, definition, updatedAt: at }), published };
  });
}

export async function listTiers(ctx: AppContext, programId: string, includeArchived = false): Promise<TierView[]> {
  const rows = await listDefinitions<TierStatus>(ctx.db, 'tiers', programId, includeArchived ? undefined : ['active']);
  return rows.map(view).sort((a, b) => a.tier.rank - b.tier.rank);
}

export async function getTierPolicy(ctx: AppContext, programId: string): Promise<TierPolicy | null> {
  return (await findTierPolicy(ctx.db, programId)) as TierPolicy | null;
}

export async function changeTierPolicy(ctx: AppContext, actor: Actor, policy: TierPolicy, options: PublishOptions = {}): Promise<{ policy: TierPolicy } & Published> {
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const before = await findTierPolicy(tx, actor.programId);
    const working = await workingRules(tx, actor.programId);
    checkRules({ ...working, tierPolicy: policy });
    await setTierPolicy(tx, actor.programId, policy);
    await audit(ctx, tx, actor, { action: 'update', entity: 'tier_policy', entityId: actor.programId, before, after: policy, at });
    const published = options.publish !== false ? await publishRules(ctx, tx, actor, options) : null;
    return { policy, published };
  });
}

const view = (r: DefinitionRow<TierStatus>): TierView => ({ id: r.id, status: r.status, tier: r.definition as Tier, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });
