import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { openProgramAsOperator, programSummaries } from '../../app/programs.js';
import type { App } from '../app.js';
import { DateTime, Obj, problemResponses } from '../schemas.js';
import { ProgramSchema } from './program.js';

/*
 * The operator's routes (docs/adr/0023-operator-key.md): the operator key lists and opens
 * programs, and reaches nothing else; every other route is scoped to one program.
 */

const Locale = Type.Union([Type.Literal('ru'), Type.Literal('en')]);
const Summary = Obj({ id: Type.String(), name: Type.String(), currency: Type.String(), timeZone: Type.String(), locale: Locale, createdAt: DateTime });
const NewProgram = Obj({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3, description: 'ISO 4217 code; RUB when left out' })),
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'IANA zone; Europe/Moscow when left out' })),
  locale: Type.Optional(Locale),
  owner: Type.Optional(Obj({ email: Type.String({ minLength: 3, maxLength: 320 }), name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { description: 'the first admin-panel owner; a password is generated and shown once' })),
});
const Opened = Obj({
  program: ProgramSchema,
  adminKey: Obj({ id: Type.String(), key: Type.String({ description: 'shown only in this answer; only its hash is stored' }) }),
  owner: Type.Optional(Obj({ email: Type.String(), password: Type.String({ description: 'shown only in this answer; only its argon2id hash is stored' }) })),
});

export const programsRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['operator'];
    const config = { roles: ['operator' as const] };
    const security = [{ operatorKey: [] }];
    app.get(
      '/programs',
      { config, schema: { tags, security, summary: 'Every program on this server: names and formats, none of their data (the operator key)', response: { 200: Obj({ items: Type.Array(Summary) }), ...problemResponses } } },
      async () => ({ items: await programSummaries(ctx) }),
    );
    app.post(
      '/programs',
      // Its answer holds the first key and password: not kept by Idempotency-Key (ADR 24).
      { config: { ...config, idempotency: 'unstored' }, schema: { tags, security, summary: 'Open a program with its first admin key, and its first owner when asked (the operator key; secrets shown once)', body: NewProgram, response: { 201: Opened, ...problemResponses } } },
      async (req, reply) => reply.code(201).send(await openProgramAsOperator(ctx, req.body)),
    );
  };
