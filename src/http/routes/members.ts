import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { addIdentifier, editMember, enrolMember, getMember, listProgramMembers, MEMBER_LIST, lookupMember, removeIdentifier, setBlocked } from '../../app/members.js';
import type { App } from '../app.js';
import { listParams, listQuery, listResponse } from '../list-query.js';
import { Acceptances, DateTime, IdentifierKind, IdentifierSchema, IdParams, NullableString, Obj, problemResponses } from '../schemas.js';

const Profile = {
  name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 40, description: 'any common notation; stored in E.164' }), Type.Null()])),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  birthday: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
  gender: Type.Optional(Type.Union([Type.Literal('female'), Type.Literal('male'), Type.Literal('other'), Type.Null()])),
  city: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  attributes: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { description: 'custom attributes of the program' })),
  consents: Type.Optional(Type.Record(Type.String({ maxLength: 50 }), Type.Boolean(), { description: 'marketing consent per channel, e.g. {"sms": true, "email": false}' })),
};

const HourMinute = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: "HH:MM in the program's time zone" });
/** How a member likes to be written to; kept in the member's attributes as `messagePreferences`. */
export const MessagePreferences = Obj({
  channels: Type.Array(Type.Union([Type.Literal('sms'), Type.Literal('email'), Type.Literal('push')]), { maxItems: 3, uniqueItems: true, description: 'preferred channels, most preferred first' }),
  from: HourMinute,
  to: HourMinute,
});

const NewMember = Obj({ ...Profile, identifiers: Type.Optional(Type.Array(IdentifierSchema, { maxItems: 20 })), agreements: Type.Optional(Acceptances) });
const PatchMember = Obj(Profile);

export const MemberSchema = Obj({
  id: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('blocked'), Type.Literal('anonymised')]),
  name: NullableString,
  phone: NullableString,
  email: NullableString,
  birthday: NullableString,
  gender: NullableString,
  city: NullableString,
  attributes: Type.Record(Type.String(), Type.Unknown()),
  consents: Type.Record(Type.String(), Type.Boolean()),
  identifiers: Type.Array(Obj({ kind: Type.String(), value: Type.String() })),
  blockReason: NullableString,
  createdAt: DateTime,
  updatedAt: DateTime,
});

const LookupQuery = Obj({ kind: IdentifierKind, value: Type.String({ minLength: 1, maxLength: 200 }) });

export const memberRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['members'];
    app.post(
      '/members',
      {
        config: { roles: ['admin', 'pos', 'support'] },
        schema: { tags, summary: 'Enrol a member', body: NewMember, response: { 201: MemberSchema, ...problemResponses } },
      },
      async (req, reply) => reply.code(201).send(await enrolMember(ctx, req.actor, req.body)),
    );
    app.get(
      '/members',
      {
        config: { roles: ['admin', 'readonly'] },
        schema: {
          tags,
          summary: 'Members, newest first (`sort`: createdAt, name); `name` finds those whose name contains it',
          querystring: listQuery(MEMBER_LIST, { name: Type.Optional(Type.String({ maxLength: 200 })) }),
          response: { 200: listResponse(MemberSchema), ...problemResponses },
        },
      },
      async (req) => listProgramMembers(ctx, req.actor, listParams(req.query), { name: req.query.name }),
    );
    app.get(
      '/members/lookup',
      {
        config: { roles: ['admin', 'pos', 'readonly'] },
        schema: { tags, summary: 'Find a member by phone, e-mail, card, external id or card token', querystring: LookupQuery, response: { 200: MemberSchema, ...problemResponses } },
      },
      async (req) => lookupMember(ctx, req.actor, req.query.kind, req.query.value),
    );
    app.get(
      '/members/:id',
      { config: { roles: ['admin', 'pos', 'readonly'] }, schema: { tags, summary: 'A member', params: IdParams, response: { 200: MemberSchema, ...problemResponses } } },
      async (req) => getMember(ctx, req.actor, req.params.id),
    );
    app.patch(
      '/members/:id',
      { config: { roles: ['admin', 'pos', 'support'] }, schema: { tags, summary: "Edit a member's profile", params: IdParams, body: PatchMember, response: { 200: MemberSchema, ...problemResponses } } },
      async (req) => editMember(ctx, req.actor, req.params.id, req.body),
    );
    app.post(
      '/members/:id/identifiers',
      { config: { roles: ['admin', 'pos', 'support'] }, schema: { tags, summary: 'Attach an identifier (card, phone, …)', params: IdParams, body: IdentifierSchema, response: { 200: MemberSchema, ...problemResponses } } },
      async (req) => addIdentifier(ctx, req.actor, req.params.id, req.body),
    );
    app.delete(
      '/members/:id/identifiers',
      { config: { roles: ['admin', 'support'] }, schema: { tags, summary: 'Detach an identifier', params: IdParams, querystring: LookupQuery, response: { 200: MemberSchema, ...problemResponses } } },
      async (req) => removeIdentifier(ctx, req.actor, req.params.id, req.query),
    );
    app.post(
      '/members/:id/block',
      {
        config: { roles: ['admin', 'support'] },
        schema: { tags, summary: 'Block a member: no earning, no spending', params: IdParams, body: Type.Optional(Obj({ reason: Type.Optional(Type.String({ maxLength: 500 })) })), response: { 200: MemberSchema, ...problemResponses } },
      },
      async (req) => setBlocked(ctx, req.actor, req.params.id, true, req.body?.reason),
    );
    app.post(
      '/members/:id/unblock',
      { config: { roles: ['admin', 'support'] }, schema: { tags, summary: 'Unblock a member', params: IdParams, response: { 200: MemberSchema, ...problemResponses } } },
      async (req) => setBlocked(ctx, req.actor, req.params.id, false),
    );
  };
