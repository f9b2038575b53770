import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv, type Options as AjvOptions } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppContext } from '../app/context.js';
import { databaseAnswers } from '../app/housekeeping.js';
import { PurchaseBatcher } from '../app/purchases/batcher.js';
import { authHook } from './auth.js';
import { DATABASE_RETRY_AFTER_SECONDS, errorHandler, problem } from './errors.js';
import { idempotency } from './idempotency.js';
import { DatabaseState } from './outage.js';
import { adminUserRoutes } from './routes/admin-users.js';
import { agreementRoutes } from './routes/agreements.js';
import { analyticsRoutes } from './routes/analytics.js';
import { campaignAnalyticsRoutes } from './routes/analytics-campaigns.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { auditRoutes } from './routes/audit.js';
import { couponRoutes } from './routes/coupons.js';
import { engagementRoutes } from './routes/engagement.js';
import { eventComponents, eventRoutes } from './routes/events.js';
import { adminAuthRoutes } from './routes/auth-admin.js';
import { memberAuthRoutes } from './routes/auth-member.js';
import { feedbackRoutes } from './routes/feedback.js';
import { meDataRoutes } from './routes/me-data.js';
import { meRoutes } from './routes/me.js';
import { importRoutes } from './routes/imports.js';
import { memberRoutes } from './routes/members.js';
import { modelRoutes } from './routes/models.js';
import { npsRoutes } from './routes/nps.js';
import { programRoutes } from './routes/program.js';
import { programsRoutes } from './routes/programs.js';
import { purchaseRoutes } from './routes/purchases.js';
import { rulesRoutes } from './routes/rules.js';
import { segmentRoutes } from './routes/segments.js';
import { storeRoutes } from './routes/stores.js';
import { walletRoutes } from './routes/wallet.js';
import { Problem } from './schemas.js';
import { IsOptional } from 'typebox';
import { registerWebApps } from './web.js';

export type App = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
  version?: string;
  /** Purchases written together per batch (group commit); 0 writes each on its own. */
  purchaseBatchSize?: number;
  /** Trust X-Forwarded-* from a reverse proxy (client address, https): true, or the proxies' addresses (comma-separated). */
  trustProxy?: boolean | string;
  /** Serve the built web apps from this directory (dist/web): the member app at /app, the admin panel at /admin. */
  webRoot?: string;
  /** Answer an API request 503 REQUEST_TIMEOUT when it has taken this long (ms); absent or 0: no bound. */
  requestTimeoutMs?: number;
  /** The one database-state tracker of this server (cli/serve.ts shares it with the jobs); made here when absent. */
  database?: DatabaseState;
}

/** Routes that may rightly take long (uploads, replays, fits): no request deadline; their statements are still bounded. */
const LONG_RUNNING = [/^\/v1\/imports\//, /^\/v1\/campaigns\/:id\/backtest$/, /^\/v1\/analytics\/models\/fit$/];
/** How long readiness waits for the database before saying it is not ready. */
const READY_TIMEOUT_MS = 2_000;

/**
 * Two validators: bodies are checked strictly (no type coercion, unknown fields rejected);
 * query strings and path parameters arrive as text and are coerced to the schema's types.
 */
function validators() {
  const base: AjvOptions = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };
  const strict = new Ajv({ ...base, coerceTypes: false });
  const lenient = new Ajv({ ...base, coerceTypes: 'array' });
  for (const ajv of [strict, lenient]) {
    addFormats.default(ajv);
    ajv.addSchema(Problem);
  }
  return { strict, lenient };
}

/**
 * Request lines as logged: identifiers in query strings (phones, cards, e-mails) are masked, so
 * the logs never hold a full card number. Headers (API keys) are not logged at all.
 */
function redactedRequest(req: { method: string; url: string; ip?: string }) {
  const url = req.url.replace(/([?&]value=)([^&]*)/g, (_m, k: string, v: string) => `${k}${v.length > 4 ? `***${v.slice(-4)}` : '***'}`);
  return { method: req.method, url, remoteAddress: req.ip };
}

/** Builds the HTTP app around the use cases; cli/serve.ts makes it listen. */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ? { ...(typeof options.logger === 'object' ? options.logger : {}), serializers: { req: redactedRequest } } : false,
    ajv: { customOptions: { removeAdditional: false } },
    bodyLimit: 1_048_576,
    trustProxy: options.trustProxy ?? false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // `content-type: application/json` with an empty body (many HTTP clients send the header on
  // every POST) means "no body", as a request without the header does: a route whose body is
  // optional (confirm, cancel, sign-out, block, …) takes it; one that needs a body answers
  // VALIDATION_FAILED as for any missing body. Anything else is parsed by Fastify's own JSON
  // parser, with its protection against prototype poisoning.
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if ((body as string).trim() === '') done(null, undefined);
    else void parseJson(req, body as string, done);
  });
  const { strict, lenient } = validators();
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart !== 'body') return lenient.compile(schema);
    const check = strict.compile(schema);
    if (!IsOptional(schema)) return check;
    // A body declared Type.Optional may be left out (Fastify validates a missing body as null).
    const optional = (data: unknown) => {
      if (data === null || data === undefined) return true;
      const ok = check(data);
      optional.errors = check.errors;
      return ok;
    };
    optional.errors = null as typeof check.errors;
    return optional;
  });
  const database = options.database ?? new DatabaseState(app.log);
  app.setErrorHandler(errorHandler(database));
  if (options.requestTimeoutMs) deadline(app, options.requestTimeoutMs);
  // An API request answered without a server error used the database (nearly all of them do):
  // an outage, if one was logged, is over.
  app.addHook('onResponse', async (request, reply) => {
    if (!database.up && reply.statusCode < 500 && request.url.startsWith('/v1/')) database.succeeded();
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).type('application/problem+json').send({
      type: 'urn:kopilka:problem:not-found',
      title: 'No such resource.',
      status: 404,
      code: 'NOT_FOUND',
      detail: `no route ${request.method} ${request.url.split('?')[0]}`,
    });
  });
  app.addSchema(Problem);

  // Idempotency-Key on every write route under /v1 (before the routes, which it wraps as they come).
  idempotency(app, ctx, database);

  // Routes whose body may be left out: the OpenAPI document says so (the plugin marks every body required).
  const optionalBodies = new Set<string>();
  app.addHook('onRoute', (route) => {
    if (route.schema?.body && IsOptional(route.schema.body)) {
      for (const method of [route.method].flat()) optionalBodies.add(`${method.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    }
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kopilka API',
        version: options.version ?? '0.1.0',
        description: 'Loyalty program: members, points ledger and the till purchase flow. Errors are RFC 9457 problem+json with a stable `code`.',
      },
      components: {
        // The catalogue of domain events (docs/events.md): each type's data schema and the envelope.
        schemas: eventComponents(),
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer kpk_…`' },
          adminSession: { type: 'apiKey', in: 'cookie', name: 'kopilka_admin', description: 'The admin panel\'s session (POST /v1/auth/admin/sign-in); state-changing requests also need `X-Kopilka-CSRF: 1`' },
          memberSession: { type: 'http', scheme: 'bearer', description: 'A member session token `kms_…` (POST /v1/auth/member/verify), or the cookie kopilka_member with `X-Kopilka-CSRF: 1` on state-changing requests' },
          operatorKey: { type: 'http', scheme: 'bearer', description: 'The operator key `kop_…` (`kopilka operator-key create`; the server holds its hash in OPERATOR_KEY_HASH): only GET and POST /v1/programs' },
        },
      },
      security: [{ apiKey: [] }, { adminSession: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transformObject: (doc) => {
      if (!('openapiObject' in doc)) return doc.swaggerObject;
      const { openapiObject } = doc;
      for (const [path, item] of Object.entries(openapiObject.paths ?? {})) {
        for (const [method, op] of Object.entries(item as Record<string, { requestBody?: { required?: boolean } }>)) {
          if (op.requestBody && optionalBodies.has(`${method} ${path}`)) op.requestBody.required = false;
        }
      }
      return openapiObject;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(cookie);
  app.addHook('onRequest', authHook(ctx));

  // Liveness: the process answers; it touches no database connection, so a stalled or absent
  // database never makes it wait. It says how the database looked to the last request.
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok', ...database.view() }));
  // Readiness: one round trip to the database within READY_TIMEOUT_MS, else 503.
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), READY_TIMEOUT_MS)));
    try {
      const answer = await Promise.race([databaseAnswers(ctx), late]);
      if (answer === 'late') {
        void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        return reply.code(503).type('application/problem+json').send(problem('DATABASE_TIMEOUT', `the database did not answer within ${READY_TIMEOUT_MS} ms`, undefined, { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS }));
      }
      database.succeeded();
      return { status: 'ready', database: 'up' };
    } finally {
      clearTimeout(timer);
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(programRoutes(ctx), { prefix: '/v1' });
  await app.register(programsRoutes(ctx), { prefix: '/v1' });
  await app.register(memberRoutes(ctx), { prefix: '/v1' });
  await app.register(walletRoutes(ctx), { prefix: '/v1' });
  const batchSize = options.purchaseBatchSize ?? 64;
  const batcher = batchSize > 0 ? new PurchaseBatcher(ctx, { maxBatch: batchSize, maxInFlight: 4 }) : null;
  await app.register(purchaseRoutes(ctx, batcher), { prefix: '/v1' });
  await app.register(apiKeyRoutes(ctx), { prefix: '/v1' });
  await app.register(storeRoutes(ctx), { prefix: '/v1' });
  await app.register(auditRoutes(ctx), { prefix: '/v1' });
  await app.register(rulesRoutes(ctx), { prefix: '/v1' });
  await app.register(couponRoutes(ctx), { prefix: '/v1' });
  await app.register(engagementRoutes(ctx), { prefix: '/v1' });
  await app.register(eventRoutes(ctx), { prefix: '/v1' });
  await app.register(adminAuthRoutes(ctx), { prefix: '/v1' });
  await app.register(adminUserRoutes(ctx), { prefix: '/v1' });
  await app.register(memberAuthRoutes(ctx), { prefix: '/v1' });
  await app.register(meRoutes(ctx), { prefix: '/v1' });
  await app.register(analyticsRoutes(ctx), { prefix: '/v1' });
  await app.register(campaignAnalyticsRoutes(ctx), { prefix: '/v1' });
  await app.register(segmentRoutes(ctx), { prefix: '/v1' });
  await app.register(modelRoutes(ctx), { prefix: '/v1' });
  await app.register(npsRoutes(ctx), { prefix: '/v1' });
  await app.register(importRoutes(ctx, lenient), { prefix: '/v1' });
  await app.register(meDataRoutes(ctx), { prefix: '/v1' });
  await app.register(feedbackRoutes(ctx), { prefix: '/v1' });
  await app.register(agreementRoutes(ctx), { prefix: '/v1' });
  if (options.webRoot) await registerWebApps(app, options.webRoot);
  return app;
}

/**
 * A request that has not been answered after `ms` is answered 503 REQUEST_TIMEOUT with
 * Retry-After, whatever it is waiting for; its work may still finish, and a retry with the same
 * receipt id or Idempotency-Key returns that result instead of repeating it.
 */
function deadline(app: App, ms: number): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/') || LONG_RUNNING.some((r) => r.test(request.routeOptions.url ?? ''))) return;
    const timer = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent) return;
      request.log.warn({ timeoutMs: ms }, 'request timed out');
      void reply.code(503).header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS)).type('application/problem+json')
        .send(problem('REQUEST_TIMEOUT', `the request was not done within ${ms} ms; retrying with the same receipt id or Idempotency-Key is safe`, undefined, { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS }));
    }, ms);
    timer.unref();
    const clear = () => clearTimeout(timer);
    reply.raw.once('finish', clear);
    reply.raw.once('close', clear);
  });
}
