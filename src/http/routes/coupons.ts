import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { archiveCouponSeries, COUPON_CODE_LIST, COUPON_SERIES_LIST, couponCodes, createCouponSeries, generateCoupons, getCouponSeries, pageCouponCodes, pageCouponSeries } from '../../app/rules/coupon-series.js';
import { MEMBER_COUPON_LIST, memberCoupons } from '../../app/offers.js';
import { CSV_CONTENT_TYPE, csvStream, type CsvColumn } from '../../app/csv-export.js';
import { CouponSeries } from '../../domain/coupon-series.js';
import { currencyMinorUnits } from '../../domain/settings.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { CsvQuery, DateTime, IdParams, Obj, problemResponses, Uuid } from '../schemas.js';

const SeriesView = Obj({
  id: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
  series: CouponSeries,
  codes: Type.Integer(),
  used: Type.Integer({ description: 'codes used at least once' }),
  uses: Type.Integer(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

const CouponCode = Obj({ code: Type.String(), memberId: Type.Union([Type.String(), Type.Null()], { description: 'the member a personal code is bound to' }), uses: Type.Integer(), createdAt: DateTime });

/** The codes CSV (machine headers as before: code, member_id, uses, created_at). */
const COUPON_CSV: CsvColumn<{ code: string; memberId: string | null; uses: number; createdAt: Date }>[] = [
  { key: 'code', ru: 'Код', kind: 'text', value: (r) => r.code },
  { key: 'member_id', ru: 'Участник', kind: 'text', value: (r) => r.memberId },
  { key: 'uses', ru: 'Использований', kind: 'integer', value: (r) => r.uses },
  { key: 'created_at', ru: 'Создан', kind: 'instant', value: (r) => r.createdAt },
];

export const couponRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['coupons'];
    const read = { roles: ['admin' as const, 'readonly' as const] };
    const write = { roles: ['admin' as const, 'marketer' as const] };
    app.get(
      '/coupon-series',
      {
        config: read,
        schema: { tags, summary: 'Coupon series with their use counts, newest first (`sort`: createdAt, updatedAt, name, status)', querystring: listQuery(COUPON_SERIES_LIST), response: { 200: listResponse(SeriesView), ...problemResponses } },
      },
      async (req) => pageCouponSeries(ctx, req.actor.programId, listParams(req.query)),
    );
    app.get(
      '/coupon-series/:id/codes',
      {
        config: read,
        schema: { tags, summary: 'Codes of a series with their uses, in code order (`sort`: code, createdAt)', params: IdParams, querystring: listQuery(COUPON_CODE_LIST), response: { 200: listResponse(CouponCode), ...problemResponses } },
      },
      async (req) => pageCouponCodes(ctx, req.actor.programId, req.params.id, listParams(req.query)),
    );
    app.get('/coupon-series/:id', { config: read, schema: { tags, summary: 'One coupon series', params: IdParams, response: { 200: SeriesView, ...problemResponses } } }, async (req) =>
      getCouponSeries(ctx, req.actor.programId, req.params.id),
    );
    app.post(
      '/coupon-series',
      { config: write, schema: { tags, summary: 'Add a series: `count` unique codes generated now, or one shared code', body: CouponSeries, response: { 201: SeriesView, ...problemResponses } } },
      async (req, reply) => reply.code(201).send(await createCouponSeries(ctx, req.actor, req.body)),
    );
    app.post(
      '/coupon-series/:id/codes',
      {
        config: write,
        schema: {
          tags,
          summary: 'More codes for a unique series, or one personal code bound to a member',
          params: IdParams,
          body: Type.Optional(Obj({ count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })), memberId: Type.Optional(Uuid) })),
          response: { 201: Obj({ codes: Type.Array(Type.String()) }), ...problemResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await generateCoupons(ctx, req.actor, req.params.id, req.body ?? {})),
    );
    app.post('/coupon-series/:id/archive', { config: write, schema: { tags, summary: 'Archive a series: its codes stop counting', params: IdParams, response: { 200: SeriesView, ...problemResponses } } }, async (req) =>
      archiveCouponSeries(ctx, req.actor, req.params.id),
    );
    app.get(
      '/members/:id/coupons',
      {
        config: { roles: ['admin', 'pos', 'readonly'] },
        schema: {
          tags,
          summary: "The member's personal coupons (codes bound to them), newest first unless asked otherwise",
          params: IdParams,
          querystring: listQuery(MEMBER_COUPON_LIST),
          response: { 200: listResponse(Obj({ code: Type.String(), seriesId: Type.String(), uses: Type.Integer(), createdAt: DateTime })), ...problemResponses },
        },
      },
      async (req) => memberCoupons(ctx, req.actor.programId, req.params.id, listParams(req.query)),
    );
    app.get(
      '/coupon-series/:id/codes.csv',
      { config: read, schema: { tags, summary: 'Every code of the series as CSV (code, member, uses), streamed; dialect=excel-ru for Russian Excel', params: IdParams, querystring: CsvQuery, produces: ['text/csv'] } },
      async (req, reply) => {
        const rows = couponCodes(ctx, req.actor.programId, req.params.id);
        const first = await rows.next(); // an unknown series fails here, before any byte is sent
        async function* all() {
          if (first.done) return;
          yield first.value;
          yield* rows;
        }
        const { settings } = await ctx.programs.get(req.actor.programId);
        // The machine file keeps the LF line ends it always had; Excel's has CRLF.
        const format = { dialect: req.query.dialect ?? 'machine', machineLineEnd: 'unix' as const, minorDigits: currencyMinorUnits(settings.currency), timeZone: settings.timeZone };
        return reply
          .type(CSV_CONTENT_TYPE)
          .header('content-disposition', `attachment; filename="${req.params.id}-codes.csv"`)
          .send(csvStream(COUPON_CSV, all(), format));
      },
    );
  };
