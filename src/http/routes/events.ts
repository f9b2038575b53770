import type { FastifyPluginAsync } from 'fastify';
import { Type, type TSchema } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { EVENT_LIST, listDomainEvents } from '../../app/domain-events.js';
import { EVENT_CATALOGUE, EVENT_TYPES } from '../../domain/events/catalogue.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { DateTime, Obj, problemResponses } from '../schemas.js';

/*
 * `GET /v1/events`: the outbox of domain events for pull consumers (docs/events.md). Not to be
 * confused with `POST /v1/events` (routes/engagement.ts), which records something a member did
 * outside a purchase and gives the points its campaigns grant — a merchant's input, not the
 * program's output.
 */

/** The OpenAPI component name of a type's data schema, e.g. `EventData.points.earned.v1`. */
export const eventDataComponent = (type: string, version: number): string => `EventData.${type}.v${version}`;

/** Plain JSON schemas (TypeBox adds no-JSON markers a document must not carry). */
const plain = (s: TSchema): Record<string, unknown> => JSON.parse(JSON.stringify(s)) as Record<string, unknown>;

/**
 * The catalogue for the OpenAPI document's components: each type's data schema, and `DomainEvent`,
 * the envelope of `GET /v1/events` items as one alternative per type.
 */
export function eventComponents(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const alternatives: Record<string, unknown>[] = [];
  for (const type of EVENT_TYPES) {
    const d = EVENT_CATALOGUE[type];
    const name = eventDataComponent(type, d.version);
    out[name] = { ...plain(d.data), description: `${d.description} Producer: ${d.producer}.` };
    alternatives.push({
      type: 'object',
      required: ['type', 'version', 'data'],
      properties: { type: { const: type }, version: { const: d.version }, data: { $ref: `#/components/schemas/${name}` } },
    });
  }
  out.DomainEvent = {
    description: 'An item of GET /v1/events: the envelope (EventItem) whose `type` and `version` select the schema of `data`.',
    allOf: [{ $ref: '#/components/schemas/EventItem' }, { oneOf: alternatives }],
  };
  out.EventItem = plain(EventItem);
  return out;
}

const EventTypeSchema = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));

const EventItem = Obj(
  {
    id: Type.String({ format: 'uuid', description: "the event's stable id: a consumer drops a second delivery of the same id" }),
    type: Type.String({ description: 'a type of the catalogue (docs/events.md)' }),
    version: Type.Integer({ minimum: 1, description: "the version of the type's data schema" }),
    memberId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    memberSeq: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: "the member's events are numbered 1, 2, 3, … without gaps, in the order they committed; null without a member" }),
    occurredAt: DateTime,
    recordedAt: DateTime,
    data: Type.Unknown({ description: 'the schema `EventData.<type>.v<version>` of the OpenAPI components' }),
    cursor: Type.String({ description: 'the cursor after this event: keep the last handled one and poll with it' }),
  },
  { description: 'an event of the outbox; the components hold `DomainEvent`, which ties `data` to each type' },
);

const EventsQuery = listQuery(EVENT_LIST, {
  type: Type.Optional(Type.Array(EventTypeSchema, { maxItems: EVENT_TYPES.length, description: 'only these types (repeat the parameter for several)' })),
  memberId: Type.Optional(Type.String({ format: 'uuid', description: "only this member's events (in their memberSeq order)" })),
});

export const eventRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    app.get(
      '/events',
      {
        config: { roles: ['admin', 'readonly'] },
        schema: {
          tags: ['events'],
          summary: "The program's domain events, oldest first, for pull consumers: resume from the last event's `cursor`; no event is skipped or repeated (docs/events.md)",
          querystring: EventsQuery,
          response: { 200: listResponse(EventItem), ...problemResponses },
        },
      },
      async (req) => listDomainEvents(ctx, req.actor, { ...listParams(req.query), types: req.query.type, memberId: req.query.memberId }),
    );
  };
