import type { Readable } from 'node:stream';
import type { Ajv } from 'ajv';
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../../app/context.js';
import { parseDelimiter, parseMapPair } from '../../app/import/options.js';
import { recentImports, runImport } from '../../app/import/run.js';
import type { ImportOptions, RejectedRow } from '../../app/import/types.js';
import type { App } from '../app.js';
import { DateTime, Obj, problemResponses } from '../schemas.js';

/** Rejected rows listed in the answer; the count is always complete. */
export const MAX_REJECTS_SHOWN = 1_000;

const CommonQuery = {
  map: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 300 }), { maxItems: 200, description: '`column=field`, repeated: which column fills which field' })),
  delimiter: Type.Optional(Type.String({ maxLength: 20, description: '`,` (default), `;`, `tab`, `|` or `whitespace`' })),
  header: Type.Optional(Type.Boolean({ description: 'whether the first line names the columns (default true)' })),
  columns: Type.Optional(Type.String({ maxLength: 4000, description: 'comma-separated column names, for a file without a header' })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'rows per transaction (default 2000; 1000 with earn)' })),
  fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "the uploaded file's name, recorded with the run (default `upload`)" })),
  encoding: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('utf-8'), Type.Literal('windows-1251')], { description: '`auto` (default): UTF-8 or Windows-1251, told from the start of the file' })),
};
const MembersQuery = Obj({
  ...CommonQuery,
  onExisting: Type.Optional(Type.Union([Type.Literal('fill'), Type.Literal('update')], { description: "a row naming an existing member: `fill` only the member's empty fields (default), or `update` the fields the file gives" })),
});
const BalancesQuery = Obj(CommonQuery);
const PurchasesQuery = Obj({
  ...CommonQuery,
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('cdnow')], { description: '`cdnow`: the CDNOW purchase history preset' })),
  amounts: Type.Optional(Type.Union([Type.Literal('minor'), Type.Literal('major')], { description: 'amounts in whole minor units (default) or with decimals in major units' })),
  createMembers: Type.Optional(Type.Boolean({ description: 'create members for unknown external ids, cards, phones or e-mails (default false; cdnow: true)' })),
  earn: Type.Optional(Type.Boolean({ description: 'earn points as the main scheme would have on the purchase date (default false)' })),
});

const Report = Obj({
  importId: Type.String(),
  kind: Type.Union([Type.Literal('members'), Type.Literal('purchases'), Type.Literal('balances')]),
  encoding: Type.Union([Type.Literal('utf-8'), Type.Literal('windows-1251')], { description: 'the encoding the file was read in' }),
  rows: Type.Integer({ description: 'data rows read' }),
  membersCreated: Type.Integer(),
  membersUpdated: Type.Integer({ description: 'existing members whose empty fields or missing identifiers the file filled (with onExisting=update: whose fields it changed)' }),
  membersUnchanged: Type.Integer(),
  purchasesImported: Type.Integer(),
  purchasesSkipped: Type.Integer({ description: 'receipts imported before: nothing written' }),
  pointsEarned: Type.Integer(),
  pointsExpired: Type.Integer({ description: 'points earned on purchases so old that they had already expired' }),
  balancesImported: Type.Integer({ description: 'opening balances carried over now' }),
  balancesSkipped: Type.Integer({ description: 'opening balances imported before (the same values) or of zero points: nothing written' }),
  pointsImported: Type.Integer({ description: 'points of the opening balances carried over now' }),
  rejected: Type.Integer({ description: 'rows not imported' }),
  rejects: Type.Array(Obj({ line: Type.Integer(), code: Type.String(), reason: Type.String(), values: Type.Array(Type.String()) }), {
    description: `the rejected rows (the first ${MAX_REJECTS_SHOWN}), with their line numbers in the file`,
  }),
  rejectsTruncated: Type.Boolean(),
  ignoredColumns: Type.Array(Type.String()),
  seconds: Type.Number(),
});

const Run = Obj({
  importId: Type.String(),
  kind: Type.String(),
  source: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
  counts: Type.Record(Type.String(), Type.Integer()),
  startedAt: DateTime,
  finishedAt: Type.Union([DateTime, Type.Null()]),
});

type Query = Static<typeof PurchasesQuery> & Partial<Static<typeof MembersQuery>>;

function optionsOf(kind: ImportOptions['kind'], q: Query): ImportOptions {
  return {
    kind,
    format: q.format,
    delimiter: q.delimiter === undefined ? undefined : parseDelimiter(q.delimiter),
    header: q.header,
    columns: q.columns?.split(',').map((c) => c.trim()),
    map: q.map?.map(parseMapPair),
    amounts: q.amounts,
    onExisting: q.onExisting,
    createMembers: q.createMembers,
    earn: q.earn,
    batchSize: q.batchSize,
    encoding: q.encoding,
    source: q.fileName ?? 'upload',
  };
}

/**
 * Uploads of history: the body is the file itself (`text/csv`), passed to the import as the raw
 * request stream — never buffered whole, so the body limit of JSON requests does not apply — and
 * the options are query parameters. The same use case as `kopilka import`.
 */
export const importRoutes =
  (ctx: AppContext, queryAjv: Ajv): FastifyPluginAsync =>
  async (fastify) => {
    const app = fastify as unknown as App;
    app.addContentTypeParser(['text/csv', 'text/plain', 'text/tab-separated-values'], (_req, payload, done) => done(null, payload));
    const tags = ['imports'];
    // The body is a stream, checked row by row by the import; only the query string is validated here.
    const validatorCompiler = ({ schema, httpPart }: { schema: object; httpPart?: string }) => (httpPart === 'body' ? () => true : queryAjv.compile(schema));
    const body = { type: 'string', description: 'the file: delimited text, UTF-8 or Windows-1251 (docs/import.md)' };
    const summaries = {
      members: ['Import members from a CSV file', MembersQuery],
      purchases: ['Import purchases (history) from a CSV file', PurchasesQuery],
      balances: ["Import members' opening point balances from the previous system (a CSV file)", BalancesQuery],
    } as const;
    for (const kind of ['members', 'purchases', 'balances'] as const) {
      app.post(
        `/imports/${kind}`,
        {
          // Every batch is its own transaction and a file imported again adds nothing (docs/import.md),
          // so an import neither runs in one request transaction nor keeps its answer (ADR 24).
          config: { roles: ['admin'], idempotency: 'unstored' },
          validatorCompiler,
          schema: {
            tags,
            summary: summaries[kind][0],
            consumes: ['text/csv', 'text/plain'],
            body,
            querystring: summaries[kind][1],
            response: { 200: Report, ...problemResponses },
          },
        },
        async (req) => {
          const rejects: RejectedRow[] = [];
          const report = await runImport(ctx, req.actor, req.body as Readable, optionsOf(kind, req.query as Query), {
            onReject: (r) => {
              if (rejects.length < MAX_REJECTS_SHOWN) rejects.push(r);
            },
          });
          const { source: _source, ...counts } = report;
          return { ...counts, rejects, rejectsTruncated: report.rejected > rejects.length };
        },
      );
    }
    app.get(
      '/imports',
      { config: { roles: ['admin', 'readonly'] }, schema: { tags, summary: 'Recent imports of the program, newest first', response: { 200: Obj({ items: Type.Array(Run) }), ...problemResponses } } },
      async (req) => ({
        items: (await recentImports(ctx, req.actor.programId, 50)).map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null })),
      }),
    );
  };
