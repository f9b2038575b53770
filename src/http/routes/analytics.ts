import type { FastifyPluginAsync } from 'fastify';
import { getBlocks, getPayback, getPointsReport, setBudgets } from '../../app/analytics/economics.js';
import { kpisCsv } from '../../app/analytics/kpi-csv.js';
import { getCohorts, getKpis } from '../../app/analytics/kpis.js';
import { CSV_CONTENT_TYPE } from '../../app/csv-export.js';
import { getAnalyticsSettings, updateAnalyticsSettings } from '../../app/analytics/settings.js';
import type { AppContext } from '../../app/context.js';
import type { App } from '../app.js';
import { problemResponses } from '../schemas.js';
import {
  AnalyticsSettings,
  AnalyticsSettingsPatch,
  BlocksReport,
  BudgetsBody,
  CohortReport,
  KpiQuery,
  KpiReport,
  OptionalRangeQuery,
  PaybackQuery,
  PaybackReport,
  PointsReport,
  RangeQuery,
} from './analytics-schemas.js';

/** KPIs, cohorts, points, blocks and budgets, payback, settings (docs/analytics.md). */
export const analyticsRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['analytics'];
    const read = { roles: ['admin' as const, 'readonly' as const] };
    app.get(
      '/analytics/kpis',
      {
        config: read,
        schema: {
          tags,
          summary: 'KPIs of a range, in total and as a series by day, week or month; CSV with Accept: text/csv or format=csv (dialect=excel-ru for Russian Excel)',
          querystring: KpiQuery,
          produces: ['application/json', 'text/csv'],
          response: { 200: KpiReport, ...problemResponses },
        },
      },
      async (req, reply) => {
        const report = await getKpis(ctx, req.actor.programId, req.query);
        const csv = req.query.format === 'csv' || (req.query.format === undefined && (req.headers.accept ?? '').includes('text/csv'));
        if (!csv) return report;
        return reply
          .type(CSV_CONTENT_TYPE)
          .header('content-disposition', `attachment; filename="kpis-${report.from}-${report.to}${report.storeId ? `-${report.storeId.replace(/[^\w-]/g, '_')}` : ''}.csv"`)
          .send(kpisCsv(report, req.query.dialect));
      },
    );
    app.get(
      '/analytics/cohorts',
      { config: read, schema: { tags, summary: 'Retention by monthly cohort of enrolment', querystring: RangeQuery, response: { 200: CohortReport, ...problemResponses } } },
      async (req) => getCohorts(ctx, req.actor.programId, req.query),
    );
    app.get(
      '/analytics/points',
      {
        config: read,
        schema: { tags, summary: 'Points issued, redeemed and expired; outstanding liability, redemption rate and breakage', querystring: OptionalRangeQuery, response: { 200: PointsReport, ...problemResponses } },
      },
      async (req) => getPointsReport(ctx, req.actor.programId, req.query),
    );
    app.get(
      '/analytics/blocks',
      { config: read, schema: { tags, summary: 'Cost of the main scheme, mass and targeted campaigns by month, against the budgets', querystring: OptionalRangeQuery, response: { 200: BlocksReport, ...problemResponses } } },
      async (req) => getBlocks(ctx, req.actor.programId, req.query),
    );
    app.put(
      '/analytics/budgets',
      { config: { roles: ['admin'] }, schema: { tags, summary: "Set the owner's budget per block and month", body: BudgetsBody, response: { 200: BlocksReport, ...problemResponses } } },
      async (req) => setBudgets(ctx, req.actor, req.body.budgets),
    );
    app.get(
      '/analytics/payback',
      { config: read, schema: { tags, summary: "Payback of the program: members' incremental gross margin against the program's cost", querystring: PaybackQuery, response: { 200: PaybackReport, ...problemResponses } } },
      async (req) => getPayback(ctx, req.actor.programId, req.query),
    );
    app.get(
      '/analytics/settings',
      { config: read, schema: { tags, summary: 'Analytics settings: RFM window, at-risk thresholds, forecasts, payback inputs', response: { 200: AnalyticsSettings, ...problemResponses } } },
      async (req) => getAnalyticsSettings(ctx, req.actor.programId),
    );
    app.patch(
      '/analytics/settings',
      { config: { roles: ['admin'] }, schema: { tags, summary: 'Change analytics settings', body: AnalyticsSettingsPatch, response: { 200: AnalyticsSettings, ...problemResponses } } },
      async (req) => updateAnalyticsSettings(ctx, req.actor, req.body),
    );
  };
