import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { getProgram, publicProgram, updateProgramSettings } from '../../app/programs.js';
import type { ProgramSettings } from '../../domain/settings.js';
import type { App } from '../app.js';
import { DateTime, DocumentKindSchema, Obj, problemResponses, Uuid, type Static } from '../schemas.js';

const Exclusions = Obj({ categories: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 1000 }), skus: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 10000 }) });

const FieldUse = Type.Union([Type.Literal('required'), Type.Literal('optional'), Type.Literal('off')]);
const Questionnaire = Obj(
  { name: FieldUse, birthday: FieldUse, gender: FieldUse, city: FieldUse },
  { description: 'what the member app asks when a member joins: required, optional or off per field' },
);

export const SettingsSchema = Obj({
  currency: Type.String({ description: 'ISO 4217 code, e.g. RUB' }),
  timeZone: Type.String({ description: 'IANA zone for calendar rules, e.g. Europe/Moscow' }),
  locale: Type.Union([Type.Literal('ru'), Type.Literal('en')]),
  earning: Type.Union([
    Obj({ kind: Type.Literal('percent'), percent: Type.Number({ minimum: 0, maximum: 100, description: 'percent of the money paid, two decimals at most' }) }),
    Obj({ kind: Type.Literal('per_amount'), points: Type.Integer({ minimum: 0 }), per: Type.Integer({ minimum: 1, description: 'whole currency units' }) }),
  ]),
  rounding: Type.Union([Type.Literal('floor'), Type.Literal('ceil'), Type.Literal('half_up'), Type.Literal('half_even')]),
  earnExclusions: Exclusions,
  redeemExclusions: Exclusions,
  pendingDays: Type.Integer({ minimum: 0, maximum: 365 }),
  expiry: Type.Union([
    Obj({ kind: Type.Literal('never') }),
    Obj({ kind: Type.Literal('days'), days: Type.Integer({ minimum: 1, maximum: 3650 }) }),
    Obj({ kind: Type.Literal('end_of_period'), period: Type.Union([Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year')]), after: Type.Integer({ minimum: 0, maximum: 100 }) }),
  ]),
  pointValue: Type.Integer({ minimum: 1, description: 'value of one point in minor units' }),
  maxRedeemPercent: Type.Integer({ minimum: 0, maximum: 100 }),
  minRedeemBalance: Type.Integer({ minimum: 0 }),
  holdTimeoutMinutes: Type.Integer({ minimum: 1, maximum: 10080 }),
  clawbackPolicy: Type.Union([Type.Literal('negative_balance'), Type.Literal('withhold_from_refund')]),
  expiringSoonDays: Type.Integer({ minimum: 1, maximum: 365 }),
  couponUseBackOnReturn: Type.Boolean({ description: 'a purchase returned in full gives its coupon uses back' }),
  questionnaire: Questionnaire,
  requiredAgreements: Type.Array(DocumentKindSchema, { maxItems: 2, description: 'texts a person must accept to enrol once the program has published them (docs/legal.md)' }),
});

// The HTTP schema and the domain type describe the same settings; this fails to compile if they drift.
const _sameShape: [Static<typeof SettingsSchema>] extends [ProgramSettings] ? ([ProgramSettings] extends [Static<typeof SettingsSchema>] ? true : never) : never = true;
void _sameShape;

export const ProgramSchema = Obj({ id: Type.String(), name: Type.String(), settings: SettingsSchema });
const PatchProgram = Obj({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), settings: Type.Optional(Type.Partial(SettingsSchema)) });

export const programRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    app.get(
      '/program',
      { config: { roles: ['admin', 'pos', 'readonly'] }, schema: { tags: ['program'], summary: 'The program and its main scheme', response: { 200: ProgramSchema, ...problemResponses } } },
      async (req) => getProgram(ctx, req.actor.programId),
    );
    app.get(
      '/auth/program',
      {
        schema: {
          tags: ['program'],
          summary: 'The program a sign-in page is for (public): by id, or the only program on this server',
          security: [],
          querystring: Obj({ programId: Type.Optional(Uuid) }),
          response: { 200: Obj({ id: Type.String(), name: Type.String(), currency: Type.String(), locale: Type.Union([Type.Literal('ru'), Type.Literal('en')]), pointValue: Type.Integer({ description: 'value of one point in minor units' }), questionnaire: Questionnaire,
            documents: Type.Array(Obj({ kind: DocumentKindSchema, version: Type.Integer(), title: Type.String(), publishedAt: DateTime, required: Type.Boolean({ description: 'joining requires its acceptance' }) }), { description: 'the legal texts published now; their bodies: GET /v1/auth/program/documents/{kind}' }),
          }), ...problemResponses },
        },
      },
      async (req) => publicProgram(ctx, req.query.programId),
    );
    app.patch(
      '/program',
      {
        config: { roles: ['admin', 'marketer'] },
        schema: { tags: ['program'], summary: 'Change the name or the main scheme (admin keys, owners and marketers)', body: PatchProgram, response: { 200: ProgramSchema, ...problemResponses } },
      },
      async (req) => updateProgramSettings(ctx, req.actor, req.body),
    );
  };
