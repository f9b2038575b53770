import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { CAMPAIGN_LIST, createCampaign, getCampaign, pageCampaigns, replaceCampaign, setCampaignStatus } from '../../app/rules/campaigns.js';
import { changeTierPolicy, createTier, getTierPolicy, listTiers, replaceTier } from '../../app/rules/tiers.js';
import { getRuleVersion, getRuleVersions, publishRules, RULE_VERSION_LIST } from '../../app/rules/versions.js';
import { Campaign, RuleSet, Tier, TierPolicy } from '../../domain/rules/types.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { DateTime, IdParams, Obj, problemResponses } from '../schemas.js';

const Status = Type.Union([Type.Literal('draft'), Type.Literal('active'), Type.Literal('paused'), Type.Literal('archived')]);
const VersionView = Obj({
  version: Type.Integer(),
  effectiveFrom: DateTime,
  note: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: DateTime,
  state: Type.Union([Type.Literal('in_force'), Type.Literal('scheduled'), Type.Literal('superseded')]),
  rules: Type.Optional(RuleSet),
});
const Published = Type.Union([VersionView, Type.Null()], { description: 'the rules version this change went live with, if it did' });
const CampaignView = Obj({
  id: Type.String(),
  status: Status,
  campaign: Campaign,
  spent: Obj({ points: Type.Integer(), money: Type.Integer({ description: 'discounts plus points at their value, minor units' }) }),
  createdAt: DateTime,
  updatedAt: DateTime,
  published: Type.Optional(Published),
});
const TierView = Obj({ id: Type.String(), status: Type.Union([Type.Literal('active'), Type.Literal('archived')]), tier: Tier, createdAt: DateTime, updatedAt: DateTime, published: Type.Optional(Published) });
const PublishQuery = Obj({
  publish: Type.Optional(Type.Boolean({ description: 'make a new rules version at once (default true for live changes)' })),
  effectiveFrom: Type.Optional(DateTime),
  note: Type.Optional(Type.String({ maxLength: 500 })),
});
const publishOptions = (q: { publish?: boolean | undefined; effectiveFrom?: string | undefined; note?: string | undefined }) => ({
  publish: q.publish,
  effectiveFrom: q.effectiveFrom ? new Date(q.effectiveFrom) : undefined,
  note: q.note,
});

export const rulesRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const read = { roles: ['admin' as const, 'readonly' as const] };
    const write = { roles: ['admin' as const, 'marketer' as const] };

    // Campaigns
    const tags = ['campaigns'];
    app.get(
      '/campaigns',
      {
        config: read,
        schema: { tags, summary: 'Campaigns of the working copy, newest first (`sort`: createdAt, updatedAt, name, status)', querystring: listQuery(CAMPAIGN_LIST, { status: Type.Optional(Status) }), response: { 200: listResponse(CampaignView), ...problemResponses } },
      },
      async (req) => pageCampaigns(ctx, req.actor.programId, { ...listParams(req.query), statuses: req.query.status ? [req.query.status] : undefined }),
    );
    app.get('/campaigns/:id', { config: read, schema: { tags, summary: 'One campaign, with what it has spent', params: IdParams, response: { 200: CampaignView, ...problemResponses } } }, async (req) =>
      getCampaign(ctx, req.actor.programId, req.params.id),
    );
    app.post(
      '/campaigns',
      {
        config: write,
        schema: {
          tags,
          summary: 'Add a campaign: a draft (default), or active and published at once',
          body: Obj({ campaign: Campaign, status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('active')])) }),
          querystring: PublishQuery,
          response: { 201: CampaignView, ...problemResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await createCampaign(ctx, req.actor, req.body.campaign, req.body.status ?? 'draft', publishOptions(req.query))),
    );
    app.put(
      '/campaigns/:id',
      { config: write, schema: { tags, summary: 'Replace a campaign; a live one goes live changed with a new rules version', params: IdParams, querystring: PublishQuery, body: Campaign, response: { 200: CampaignView, ...problemResponses } } },
      async (req) => replaceCampaign(ctx, req.actor, req.params.id, req.body, publishOptions(req.query)),
    );
    for (const [verb, status] of [['publish', 'active'], ['pause', 'paused'], ['archive', 'archived']] as const) {
      app.post(
        `/campaigns/:id/${verb}`,
        { config: write, schema: { tags, summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} a campaign (a new rules version)`, params: IdParams, querystring: PublishQuery, response: { 200: CampaignView, ...problemResponses } } },
        async (req) => setCampaignStatus(ctx, req.actor, req.params.id, status, publishOptions(req.query)),
      );
    }

    // Tiers
    const tierTags = ['tiers'];
    app.get('/tiers', { config: { roles: ['admin', 'readonly', 'pos'] }, schema: { tags: tierTags, summary: 'Tiers, lowest rank first', response: { 200: Obj({ items: Type.Array(TierView), policy: Type.Union([TierPolicy, Type.Null()]) }), ...problemResponses } } }, async (req) => ({
      items: await listTiers(ctx, req.actor.programId),
      policy: await getTierPolicy(ctx, req.actor.programId),
    }));
    app.post('/tiers', { config: write, schema: { tags: tierTags, summary: 'Add a tier (published at once unless ?publish=false)', body: Tier, querystring: PublishQuery, response: { 201: TierView, ...problemResponses } } }, async (req, reply) =>
      reply.code(201).send(await createTier(ctx, req.actor, req.body, publishOptions(req.query))),
    );
    app.put('/tiers/:id', { config: write, schema: { tags: tierTags, summary: 'Replace a tier', params: IdParams, body: Tier, querystring: PublishQuery, response: { 200: TierView, ...problemResponses } } }, async (req) =>
      replaceTier(ctx, req.actor, req.params.id, req.body, publishOptions(req.query)),
    );
    app.delete('/tiers/:id', { config: write, schema: { tags: tierTags, summary: 'Archive a tier', params: IdParams, querystring: PublishQuery, response: { 200: TierView, ...problemResponses } } }, async (req) =>
      replaceTier(ctx, req.actor, req.params.id, null, publishOptions(req.query)),
    );
    app.put('/tier-policy', { config: write, schema: { tags: tierTags, summary: 'How tiers are earned and kept: the window and the grace period', body: TierPolicy, querystring: PublishQuery, response: { 200: Obj({ policy: TierPolicy, published: Published }), ...problemResponses } } }, async (req) =>
      changeTierPolicy(ctx, req.actor, req.body, publishOptions(req.query)),
    );

    // Versions
    const vTags = ['rules'];
    app.get(
      '/rules/versions',
      { config: read, schema: { tags: vTags, summary: 'Rules versions, newest first (`sort`: version)', querystring: listQuery(RULE_VERSION_LIST), response: { 200: listResponse(VersionView), ...problemResponses } } },
      async (req) => getRuleVersions(ctx, req.actor.programId, listParams(req.query)),
    );
    app.get('/rules/versions/:version', { config: read, schema: { tags: vTags, summary: 'One rules version with its rules', params: Obj({ version: Type.Integer({ minimum: 1 }) }), response: { 200: VersionView, ...problemResponses } } }, async (req) =>
      getRuleVersion(ctx, req.actor.programId, req.params.version),
    );
    app.post('/rules/publish', { config: write, schema: { tags: vTags, summary: 'Publish the working copy as a new version, now or at effectiveFrom', body: Type.Optional(Obj({ effectiveFrom: Type.Optional(DateTime), note: Type.Optional(Type.String({ maxLength: 500 })) })), response: { 201: VersionView, ...problemResponses } } }, async (req, reply) => {
      const at = req.body?.effectiveFrom ? new Date(req.body.effectiveFrom) : undefined;
      const version = await ctx.db.transaction().execute((tx) => publishRules(ctx, tx, req.actor, { effectiveFrom: at, note: req.body?.note }));
      return reply.code(201).send(version);
    });
  };
