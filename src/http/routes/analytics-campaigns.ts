import type { FastifyPluginAsync } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { getCampaignResults, listCampaignResults } from '../../app/analytics/campaigns.js';
import type { AppContext } from '../../app/context.js';
import type { App } from '../app.js';
import { IdParams, Obj, problemResponses } from '../schemas.js';
import { Day } from './analytics-schemas.js';

/** Per-campaign results: reach, receipts, cost and, against a control group, uplift and return (docs/analytics.md, "Campaigns"). */
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Int = Type.Integer();
const Num = Type.Number();
const Interval = Nullable(Obj({ low: Num, high: Num }, { description: 'the 95 % confidence interval' }));

const summaryFields = {
  campaignId: Type.String(),
  name: Type.String(),
  block: Type.Union([Type.Literal('main'), Type.Literal('mass'), Type.Literal('targeted')]),
  status: Type.Union([Type.Literal('draft'), Type.Literal('active'), Type.Literal('paused'), Type.Literal('archived')]),
  controlGroupPercent: Num,
  schedule: Obj({ from: Nullable(Day), to: Nullable(Day) }),
  membersReached: Type.Integer({ description: 'distinct members with an effect of the campaign in the range' }),
  memberReceipts: Int,
  anonymousReceipts: Int,
  receipts: Int,
  revenue: Type.Integer({ description: 'receipt totals of the receipts with an effect, minor units' }),
  cost: Obj({
    points: Type.Integer({ description: 'points the campaign gave' }),
    pointsValue: Type.Integer({ description: 'those points at the program’s point value, minor units' }),
    discount: Type.Integer({ description: 'money discounts, minor units' }),
    total: Int,
  }),
};

const Uplift = (unit: string) =>
  Obj({
    treatment: Nullable(Num),
    control: Nullable(Num),
    absolute: Nullable(Type.Number({ description: `treatment − control, ${unit}` })),
    absoluteInterval: Interval,
    relative: Nullable(Type.Number({ description: 'absolute ÷ control, four decimals' })),
    relativeInterval: Interval,
    reason: Nullable(Type.Union([Type.Literal('too_few_members'), Type.Literal('no_variance'), Type.Literal('no_control_spend')], { description: 'why an interval is missing' })),
    significant: Type.Boolean({ description: 'the 95 % interval of the difference leaves out zero: only then is it an effect of the campaign (false: no measurable effect yet)' }),
  });
const Group = Obj({ members: Int, meanSpend: Nullable(Int), meanVisits: Nullable(Num) });

const Comparison = Obj({
  windowFrom: Day,
  windowTo: Day,
  populationFrom: Type.String({ format: 'date', description: "the campaign's first day (or the window's): members who bought in the lookback before it, or enrolled from it to windowTo, are the population" }),
  lookbackFrom: Day,
  source: Type.Union([Type.Literal('aggregates'), Type.Literal('live')], {
    description: "aggregates: the analytics job's stored comparison of the campaign's whole window, as of asOf; live: read from the purchases on request (a part of the window, or before the job's first run)",
  }),
  asOf: Type.String({ format: 'date-time', description: "the instant the figures are as of: the start of the job's last run, or the request" }),
  treatment: Group,
  control: Group,
  spend: Uplift('minor units per member'),
  visits: Uplift('days with a purchase per member'),
  incrementalRevenue: Nullable(Int),
  incrementalRevenueInterval: Interval,
  incrementalMargin: Nullable(Int),
  incrementalMarginInterval: Interval,
  memberCost: Int,
  roi: Nullable(Type.Number({ description: '(incrementalMargin − memberCost) ÷ memberCost, four decimals' })),
  roiInterval: Interval,
});

const CampaignsQuery = Obj({ from: Day, to: Day });
const CampaignQuery = Obj({ from: Day, to: Day, marginPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'default: the analytics settings' })) });
const CampaignsReport = Obj({ from: Day, to: Day, currency: Type.String(), pointValue: Int, campaigns: Type.Array(Obj(summaryFields)) });
const CampaignReport = Obj({
  ...summaryFields,
  from: Day,
  to: Day,
  currency: Type.String(),
  pointValue: Int,
  marginPercent: Num,
  confidence: Num,
  comparison: Nullable(Comparison),
  noComparison: Nullable(
    Type.Union([Type.Literal('no_control_group'), Type.Literal('no_window'), Type.Literal('no_reach')], {
      description: 'no_control_group; no_window: the campaign ran on no day or hour of the range (not yet published, outside its dates or weekdays); no_reach: it reached no member in the range yet, so there is no data to compare',
    }),
  ),
});

export const campaignAnalyticsRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['analytics'];
    const read = { roles: ['admin' as const, 'readonly' as const] };
    app.get(
      '/analytics/campaigns',
      { config: read, schema: { tags, summary: 'Every campaign with effects in the range or live in it: reach, receipts, revenue, cost', querystring: CampaignsQuery, response: { 200: CampaignsReport, ...problemResponses } } },
      async (req) => listCampaignResults(ctx, req.actor.programId, req.query),
    );
    app.get(
      '/analytics/campaigns/:id',
      {
        config: read,
        schema: {
          tags,
          summary: "One campaign's results; with a control group, the uplift in spend and visits with 95 % intervals, incremental margin and return on cost",
          params: IdParams,
          querystring: CampaignQuery,
          response: { 200: CampaignReport, ...problemResponses },
        },
      },
      async (req) => getCampaignResults(ctx, req.actor.programId, req.params.id, req.query),
    );
  };
