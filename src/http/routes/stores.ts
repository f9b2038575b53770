import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { changeStore, createStore, getStore, getStores, STORE_LIST } from '../../app/stores.js';
import { WEEKDAYS } from '../../domain/stores.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { DateTime, IdParams, NullableString, Obj, problemResponses } from '../schemas.js';

const Span = Type.Tuple([Type.String({ description: 'opens, HH:MM' }), Type.String({ description: 'closes, HH:MM (24:00 = midnight)' })]);
const OpeningHours = Obj(Object.fromEntries(WEEKDAYS.map((d) => [d, Type.Optional(Type.Array(Span, { maxItems: 4 }))])), {
  description: "Per weekday in the program's time zone; a missing or empty day is closed",
});
const NullableNumber = (min: number, max: number) => Type.Union([Type.Number({ minimum: min, maximum: max }), Type.Null()]);
const Text = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);

const profile = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  address: Text(500),
  city: Text(200),
  latitude: NullableNumber(-90, 90),
  longitude: NullableNumber(-180, 180),
  openingHours: Type.Union([OpeningHours, Type.Null()]),
  phone: Text(50),
  partner: Type.Union([Type.String({ maxLength: 200, description: 'the partner company running the store, if not the merchant' }), Type.Null()]),
};

const StoreView = Obj({
  id: Type.String(),
  ...profile,
  address: NullableString,
  archived: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
  distance: Type.Optional(Type.Integer({ description: 'metres from the point asked about' })),
});
const NewStore = Obj({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\s/]+$', description: "the merchant's own store id, as the till sends it" }),
  name: profile.name,
  ...Object.fromEntries(Object.entries(profile).filter(([k]) => k !== 'name').map(([k, v]) => [k, Type.Optional(v)])),
});
const StorePatch = Obj({ ...Object.fromEntries(Object.entries(profile).map(([k, v]) => [k, Type.Optional(v)])), archived: Type.Optional(Type.Boolean()) });
const ListQuery = listQuery(STORE_LIST, {
  includeArchived: Type.Optional(Type.Boolean()),
  near: Type.Optional(Type.String({ pattern: '^-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?$', description: 'latitude,longitude: nearest first; then `sort` may only be `distance`' })),
});

export const storeRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['stores'];
    const read = { roles: ['admin' as const, 'pos' as const, 'readonly' as const, 'member' as const] };
    const write = { roles: ['admin' as const, 'marketer' as const] };
    app.get('/stores', { config: read, schema: { tags, summary: 'Stores, by name (`sort`: name, city, createdAt) or nearest first (`near`)', querystring: ListQuery, response: { 200: listResponse(StoreView), ...problemResponses } } }, async (req) => {
      const near = req.query.near?.split(',').map(Number);
      // Members see the stores that are open for business, never the archived ones.
      return getStores(ctx, req.actor.programId, { ...listParams(req.query), includeArchived: req.actor.memberId ? false : req.query.includeArchived, near: near && { latitude: near[0]!, longitude: near[1]! } });
    });
    app.get('/stores/:id', { config: read, schema: { tags, summary: 'One store', params: IdParams, response: { 200: StoreView, ...problemResponses } } }, async (req) =>
      getStore(ctx, req.actor.programId, req.params.id),
    );
    app.post('/stores', { config: write, schema: { tags, summary: 'Add a store', body: NewStore, response: { 201: StoreView, ...problemResponses } } }, async (req, reply) =>
      reply.code(201).send(await createStore(ctx, req.actor, req.body as Parameters<typeof createStore>[2])),
    );
    app.patch(
      '/stores/:id',
      { config: write, schema: { tags, summary: 'Change a store, archive it (`archived: true`) or bring it back', params: IdParams, body: StorePatch, response: { 200: StoreView, ...problemResponses } } },
      async (req) => changeStore(ctx, req.actor, req.params.id, req.body as Parameters<typeof changeStore>[3]),
    );
  };
