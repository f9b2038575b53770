import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { getRfmReport } from '../../app/analytics/rfm.js';
import { changeSegment, createSegment, getMemberSegments, getSegment, getSegmentMembers, getSegments, removeSegment, SEGMENT_LIST } from '../../app/analytics/segments.js';
import type { AppContext } from '../../app/context.js';
import { SegmentRule } from '../../domain/analytics/segment-rules.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { DateTime, IdParams, NullableString, Obj, PageQuery, problemResponses } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Kind = Type.Union([Type.Literal('rule'), Type.Literal('rfm'), Type.Literal('at_risk')]);
const Segment = Obj({
  id: Type.String(),
  kind: Kind,
  code: NullableString,
  name: Type.String(),
  names: Nullable(Obj({ ru: Type.String(), en: Type.String() })),
  description: NullableString,
  rule: Nullable(SegmentRule),
  memberCount: Nullable(Type.Integer()),
  computedAt: Nullable(DateTime),
  createdAt: DateTime,
  updatedAt: DateTime,
});
const NewSegment = Obj({ name: Type.String({ minLength: 1, maxLength: 200 }), description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))), rule: SegmentRule });
const SegmentPatch = Obj({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))), rule: Type.Optional(SegmentRule) });
const SegmentMember = Obj({ memberId: Type.String(), name: NullableString, status: Type.String(), since: DateTime });
const RfmSegmentName = Type.String({ description: 'champions, loyal, potential_loyalists, new_customers, promising, need_attention, at_risk, cant_lose_them, hibernating, lost' });
const RfmReport = Obj({
  computedAt: Nullable(DateTime),
  windowDays: Type.Integer(),
  members: Type.Integer(),
  grid: Type.Array(Obj({ r: Type.Integer(), fm: Type.Integer(), segment: RfmSegmentName, members: Type.Integer() })),
  cells: Type.Array(Obj({ r: Type.Integer(), f: Type.Integer(), m: Type.Integer(), members: Type.Integer() })),
  segments: Type.Array(Obj({ code: Type.String(), segment: RfmSegmentName, segmentId: NullableString, ru: Type.String(), en: Type.String(), members: Type.Integer(), share: Nullable(Type.Number()) })),
  ranges: Type.Array(Obj({ measure: Type.Union([Type.Literal('r'), Type.Literal('f'), Type.Literal('m')]), score: Type.Integer(), min: Type.Integer(), max: Type.Integer() })),
});

/** Segments (rule, RFM and at-risk), their members, a member's segments, and the RFM report. */
export const segmentRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['segments'];
    const read = { roles: ['admin' as const, 'readonly' as const] };
    const write = { roles: ['admin' as const] };
    app.get(
      '/segments',
      {
        config: read,
        schema: {
          tags,
          summary: 'Segments: rule segments, the ten RFM segments and the at-risk segment; built-in first (`sort`: kind, name, members, createdAt)',
          querystring: listQuery(SEGMENT_LIST, { kind: Type.Optional(Kind) }),
          response: { 200: listResponse(Segment), ...problemResponses },
        },
      },
      async (req) => getSegments(ctx, req.actor.programId, { ...listParams(req.query), kind: req.query.kind }),
    );
    app.post(
      '/segments',
      { config: write, schema: { tags, summary: 'Create a rule segment; its members are computed by the job within a minute', body: NewSegment, response: { 201: Segment, ...problemResponses } } },
      async (req, reply) => reply.code(201).send(await createSegment(ctx, req.actor, req.body)),
    );
    app.get('/segments/:id', { config: read, schema: { tags, summary: 'One segment', params: IdParams, response: { 200: Segment, ...problemResponses } } }, async (req) =>
      getSegment(ctx, req.actor.programId, req.params.id),
    );
    app.patch(
      '/segments/:id',
      { config: write, schema: { tags, summary: 'Change a rule segment (a new rule is recomputed by the job)', params: IdParams, body: SegmentPatch, response: { 200: Segment, ...problemResponses } } },
      async (req) => changeSegment(ctx, req.actor, req.params.id, req.body),
    );
    app.delete('/segments/:id', { config: write, schema: { tags, summary: 'Delete a rule segment', params: IdParams, response: { 204: Type.Null(), ...problemResponses } } }, async (req, reply) => {
      await removeSegment(ctx, req.actor, req.params.id);
      return reply.code(204).send(null);
    });
    app.get(
      '/segments/:id/members',
      {
        config: read,
        schema: { tags, summary: "A segment's members, in id order", params: IdParams, querystring: PageQuery, response: { 200: Obj({ items: Type.Array(SegmentMember), nextCursor: NullableString }), ...problemResponses } },
      },
      async (req) => getSegmentMembers(ctx, req.actor.programId, req.params.id, req.query.limit ?? 50, req.query.cursor),
    );
    app.get(
      '/members/:id/segments',
      {
        config: { roles: ['admin', 'pos', 'readonly'] },
        schema: { tags, summary: 'The segments a member belongs to', params: IdParams, response: { 200: Obj({ items: Type.Array(Obj({ ...Segment.properties, since: DateTime })) }), ...problemResponses } },
      },
      async (req) => getMemberSegments(ctx, req.actor.programId, req.params.id),
    );
    app.get(
      '/analytics/rfm',
      { config: read, schema: { tags: ['analytics'], summary: 'RFM: the 5×5 R × FM grid, segment sizes with Russian and English names, and the values behind each score', response: { 200: RfmReport, ...problemResponses } } },
      async (req) => getRfmReport(ctx, req.actor.programId),
    );
  };
