import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { acceptAgreement, currentDocuments, getDocument, listDocumentVersions, memberAgreements, publishDocument, withdrawAgreement } from '../../app/agreements.js';
import type { AppContext } from '../../app/context.js';
import { memberOf } from '../../app/me.js';
import { publicProgram } from '../../app/programs.js';
import type { App } from '../app.js';
import { DateTime, DocumentKindSchema, IdParams, Obj, problemResponses, Uuid } from '../schemas.js';

const Channel = Type.Union([Type.Literal('app'), Type.Literal('till'), Type.Literal('admin')], { description: 'the member app, the till or web shop (an API key), the admin panel' });
export const DocumentSchema = Obj({
  kind: DocumentKindSchema,
  version: Type.Integer({ minimum: 1 }),
  title: Type.String(),
  body: Type.String({ description: 'plain text; paragraphs are separated by an empty line' }),
  publishedAt: DateTime,
});
const Documents = Obj({ documents: Type.Array(DocumentSchema, { description: 'the latest published version of each text' }), required: Type.Array(DocumentKindSchema, { description: 'texts enrolment requires once published' }) });
const Versions = Obj({ items: Type.Array(Obj({ version: Type.Integer(), title: Type.String(), publishedAt: DateTime, publishedBy: Type.String() })) });
const Publish = Obj({ title: Type.String({ minLength: 1, maxLength: 200 }), body: Type.String({ minLength: 1, maxLength: 200_000 }) });
const KindParams = Obj({ kind: DocumentKindSchema });
export const AgreementsSchema = Obj({
  inForce: Type.Array(Obj({ kind: DocumentKindSchema, version: Type.Integer(), acceptedAt: DateTime, channel: Channel }), { description: 'texts accepted and not withdrawn' }),
  history: Type.Array(Obj({ kind: DocumentKindSchema, version: Type.Integer(), action: Type.Union([Type.Literal('accepted'), Type.Literal('withdrawn')]), channel: Channel, actor: Type.String(), at: DateTime }), {
    description: 'every acceptance and withdrawal, oldest first; nothing is ever overwritten',
  }),
});
const Accept = Obj({ kind: DocumentKindSchema, version: Type.Optional(Type.Integer({ minimum: 1, description: 'the version the person saw; left out: the one published now' })) });
const Withdraw = Obj({ kind: DocumentKindSchema });

/** The program's legal texts (rules, personal-data consent) and members' acceptances of them (docs/legal.md). */
export const agreementRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    const tags = ['legal texts'];
    app.get(
      '/auth/program/documents/:kind',
      {
        schema: {
          tags,
          summary: "A program's published text (public, for the member app's join form): the latest version, or `version`",
          security: [],
          params: KindParams,
          querystring: Obj({ programId: Type.Optional(Uuid), version: Type.Optional(Type.Integer({ minimum: 1 })) }),
          response: { 200: DocumentSchema, ...problemResponses },
        },
      },
      async (req) => getDocument(ctx, (await publicProgram(ctx, req.query.programId)).id, req.params.kind, req.query.version),
    );
    app.get(
      '/program/documents',
      { config: { roles: ['admin', 'pos', 'readonly'] }, schema: { tags, summary: 'The published texts in force and which of them enrolment requires', response: { 200: Documents, ...problemResponses } } },
      async (req) => currentDocuments(ctx, req.actor.programId),
    );
    app.get(
      '/program/documents/:kind/versions',
      { config: { roles: ['admin', 'readonly'] }, schema: { tags, summary: 'Every published version of a text, newest first', params: KindParams, response: { 200: Versions, ...problemResponses } } },
      async (req) => listDocumentVersions(ctx, req.actor.programId, req.params.kind),
    );
    app.get(
      '/program/documents/:kind/versions/:version',
      {
        config: { roles: ['admin', 'pos', 'readonly'] },
        schema: { tags, summary: 'One published version of a text', params: Obj({ kind: DocumentKindSchema, version: Type.Integer({ minimum: 1 }) }), response: { 200: DocumentSchema, ...problemResponses } },
      },
      async (req) => getDocument(ctx, req.actor.programId, req.params.kind, req.params.version),
    );
    app.post(
      '/program/documents/:kind',
      {
        config: { roles: ['admin'] },
        schema: { tags, summary: 'Publish a new version of a text (admin keys and owners); members accept it from then on', params: KindParams, body: Publish, response: { 201: DocumentSchema, ...problemResponses } },
      },
      async (req, reply) => reply.code(201).send(await publishDocument(ctx, req.actor, req.params.kind, req.body)),
    );

    app.get(
      '/members/:id/agreements',
      { config: { roles: ['admin', 'pos', 'readonly'] }, schema: { tags, summary: "A member's accepted texts and the history of acceptances and withdrawals", params: IdParams, response: { 200: AgreementsSchema, ...problemResponses } } },
      async (req) => memberAgreements(ctx, req.actor, req.params.id),
    );
    app.post(
      '/members/:id/agreements',
      {
        config: { roles: ['admin', 'pos', 'support'] },
        schema: { tags, summary: 'Record that the member accepted a text (e.g. a new version of the rules, signed at the till)', params: IdParams, body: Accept, response: { 200: AgreementsSchema, ...problemResponses } },
      },
      async (req) => acceptAgreement(ctx, req.actor, req.params.id, req.body),
    );
    app.post(
      '/members/:id/agreements/withdraw',
      {
        config: { roles: ['admin', 'pos', 'support'] },
        schema: { tags, summary: 'Record that the member withdrew an acceptance (the acceptance stays on record)', params: IdParams, body: Withdraw, response: { 200: AgreementsSchema, ...problemResponses } },
      },
      async (req) => withdrawAgreement(ctx, req.actor, req.params.id, req.body.kind),
    );

    const me = { config: { roles: ['member' as const] }, security: [{ memberSession: [] }], tags: ['member app'] };
    app.get('/me/agreements', { config: me.config, schema: { tags: me.tags, security: me.security, summary: 'The texts I accepted, and when I accepted or withdrew them', response: { 200: AgreementsSchema, ...problemResponses } } }, async (req) =>
      memberAgreements(ctx, req.actor, memberOf(req.actor)),
    );
    app.post('/me/agreements', { config: me.config, schema: { tags: me.tags, security: me.security, summary: 'Accept a text (the version published now, or `version`)', body: Accept, response: { 200: AgreementsSchema, ...problemResponses } } }, async (req) =>
      acceptAgreement(ctx, req.actor, memberOf(req.actor), req.body),
    );
    app.post(
      '/me/agreements/withdraw',
      { config: me.config, schema: { tags: me.tags, security: me.security, summary: 'Withdraw my acceptance of a text, e.g. my consent to the processing of personal data', body: Withdraw, response: { 200: AgreementsSchema, ...problemResponses } } },
      async (req) => withdrawAgreement(ctx, req.actor, memberOf(req.actor), req.body.kind),
    );
  };
