import { DomainError } from '../../domain/errors.js';
import type { Executor } from '../../store/executor.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../../domain/list-paging.js';
import { afterRow } from '../../store/keyset.js';
import { findDefinition, insertDefinition, listDefinitions, pageDefinitions, updateDefinition, type CampaignStatus, type DefinitionRow, type DefinitionSortKey } from '../../store/rules.js';
import { budgetsOf } from '../../store/campaign-state.js';
import { audit } from '../audit.js';
import type { Actor, AppContext } from '../context.js';
import { checkRules, type Campaign } from './engine.js';
import { publishRules, workingRules, type RuleVersionView } from './versions.js';

export interface CampaignView {
  id: string;
  status: CampaignStatus;
  campaign: Campaign;
  /** What the campaign has given so far, against its budget. */
  spent: { points: number; money: number };
  createdAt: string;
  updatedAt: string;
}

export interface PublishOptions {
  /** Make a new rules version from the working copy at once (or at `effectiveFrom`). */
  publish?: boolean | undefined;
  effectiveFrom?: Date | undefined;
  note?: string | undefined;
}

/** A campaign is checked together with the working copy it joins (tier ids it names must exist, ids must be unique). */
async function checkWith(db: Executor, programId: string, campaign: Campaign): Promise<void> {
  const working = await workingRules(db, programId);
  const others = working.campaigns.filter((c) => c.id !== campaign.id);
  checkRules({ ...working, campaigns: [...others, campaign] }, { focus: { kind: 'campaigns', id: campaign.id } });
}

export async function createCampaign(ctx: AppContext, actor: Actor, campaign: Campaign, status: 'draft' | 'active', options: PublishOptions = {}): Promise<CampaignView & { published: RuleVersionView | null }> {
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    await checkWith(tx, actor.programId, campaign);
    if (!(await insertDefinition(tx, 'campaigns', actor.programId, { id: campaign.id, status, definition: campaign, at }))) {
      throw new DomainError('CAMPAIGN_EXISTS', `a campaign with id ${campaign.id} already exists`);
    }
    await audit(ctx, tx, actor, { action: 'create', entity: 'campaign', entityId: campaign.id, before: null, after: { status, campaign }, at });
    const published = status === 'active' && options.publish !== false ? await publishRules(ctx, tx, actor, options) : null;
    return { ...view({ id: campaign.id, status, definition: campaign, createdAt: at, updatedAt: at }, { points: 0, money: 0 }), published };
  });
}

/** Replaces the campaign's definition (its id stays); live only after a publish. */
export async function replaceCampaign(ctx: AppContext, actor: Actor, id: string, campaign: Campaign, options: PublishOptions = {}): Promise<CampaignView & { published: RuleVersionView | null }> {
  if (campaign.id !== id) throw new DomainError('VALIDATION_FAILED', 'the campaign id cannot change', { errors: [{ pointer: '/id', detail: `must be ${id}` }] });
  return change(ctx, actor, id, options, async (row) => {
    if (row.status === 'archived') throw new DomainError('CAMPAIGN_ARCHIVED', `campaign ${id} is archived`);
    return { status: row.status, definition: campaign, action: 'update' };
  });
}

/** draft → active (publish), active ⇄ paused, anything → archived (for good). */
export async function setCampaignStatus(ctx: AppContext, actor: Actor, id: string, status: Exclude<CampaignStatus, 'draft'>, options: PublishOptions = {}): Promise<CampaignView & { published: RuleVersionView | null }> {
  return change(ctx, actor, id, options, async (row) => {
    if (row.status === 'archived') throw new DomainError('CAMPAIGN_ARCHIVED', `campaign ${id} is archived`);
    if (status === 'paused' && row.status !== 'active') throw new DomainError('VALIDATION_FAILED', `only an active campaign can be paused; ${id} is ${row.status}`);
    const action = status === 'active' ? 'activate' : status === 'paused' ? 'pause' : 'archive';
    return { status, definition: row.definition as Campaign, action };
  });
}

async function change(
  ctx: AppContext,
  actor: Actor,
  id: string,
  options: PublishOptions,
  decide: (row: DefinitionRow<CampaignStatus>) => Promise<{ status: CampaignStatus; definition: Campaign; action: string }>,
): Promise<CampaignView & { published: RuleVersionView | null }> {
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findDefinition<CampaignStatus>(tx, 'campaigns', actor.programId, id, true);
    if (!row) throw new DomainError('CAMPAIGN_NOT_FOUND', `no campaign ${id}`);
    const next = await decide(row);
    if (next.status === 'active' || next.status === 'paused') await checkWith(tx, actor.programId, next.definition);
    await updateDefinition(tx, 'campaigns', actor.programId, { id, status: next.status, definition: next.definition, at });
    await audit(ctx, tx, actor, { action: next.action, entity: 'campaign', entityId: id, before: { status: row.status, campaign: row.definition }, after: { status: next.status, campaign: next.definition }, at });
    // A change to a campaign that is or was live goes live with a publish, unless asked not to.
    const live = next.status !== 'draft' && !(row.status === 'draft' && next.status === 'archived');
    const published = live && options.publish !== false ? await publishRules(ctx, tx, actor, options) : null;
    const spent = (await budgetsOf(tx, actor.programId, [id])).get(id) ?? { points: 0, money: 0 };
    return { ...view({ ...row, status: next.status, definition: next.definition, updatedAt: at }, spent), published };
  });
}

export async function getCampaign(ctx: AppContext, programId: string, id: string): Promise<CampaignView> {
  const row = await findDefinition<CampaignStatus>(ctx.db, 'campaigns', programId, id);
  if (!row) throw new DomainError('CAMPAIGN_NOT_FOUND', `no campaign ${id}`);
  const spent = (await budgetsOf(ctx.db, programId, [id])).get(id) ?? { points: 0, money: 0 };
  return view(row, spent);
}

export const CAMPAIGN_LIST: ListSpec<DefinitionSortKey> = { list: 'campaigns', keys: { createdAt: 'instant', updatedAt: 'instant', name: 'text', status: 'text' }, id: 'text', defaultSort: '-createdAt' };

/** A page of the working copy's campaigns, newest first unless asked otherwise. */
export async function pageCampaigns(ctx: AppContext, programId: string, q: ListQuery & { statuses?: CampaignStatus[] | undefined }): Promise<Page<CampaignView>> {
  const sort = parseSort(CAMPAIGN_LIST, q.sort);
  const after = decodeCursor(CAMPAIGN_LIST, sort, q.cursor);
  const rows = await pageDefinitions<CampaignStatus>(ctx.db, 'campaigns', programId, { statuses: q.statuses, sort, after, limit: q.limit });
  const spent = await budgetsOf(ctx.db, programId, rows.map((r) => r.id));
  return pageOf(CAMPAIGN_LIST.list, sort, rows, q.limit, afterRow, (r) => view(r, spent.get(r.id) ?? { points: 0, money: 0 }));
}

/** Every campaign (offers and the rules compiler need them all). */
export async function listCampaigns(ctx: AppContext, programId: string, statuses?: CampaignStatus[]): Promise<CampaignView[]> {
  const rows = await listDefinitions<CampaignStatus>(ctx.db, 'campaigns', programId, statuses);
  const spent = await budgetsOf(ctx.db, programId, rows.map((r) => r.id));
  return rows.map((r) => view(r, spent.get(r.id) ?? { points: 0, money: 0 }));
}

function view(r: DefinitionRow<CampaignStatus>, spent: { points: number; money: number }): CampaignView {
  return { id: r.id, status: r.status, campaign: r.definition as Campaign, spent, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}
