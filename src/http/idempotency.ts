import { Type, type TSchema } from 'typebox';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { AppContext } from '../app/context.js';
import {
  claimKey,
  fingerprint,
  IDEMPOTENCY_KEY_PATTERN,
  isIdempotencyKey,
  openRequestTransaction,
  releaseKey,
  saveAnswer,
  type KeyedRequest,
  type KeyScope,
  type RequestTransaction,
  type SavedAnswer,
  type StoredKey,
} from '../app/idempotency.js';
import { DomainError } from '../domain/errors.js';
import type { App } from './app.js';
import { problemOf } from './errors.js';
import type { DatabaseState } from './outage.js';

/**
 * The Idempotency-Key header on every write route under /v1 (docs/adr/0024-idempotency-keys.md,
 * docs/pos-integration.md "Retries").
 *
 * - `transaction` (every route but one): the key is claimed in a request transaction that the
 *   route's use case runs inside; the answer is saved in onSend and committed with the write, so
 *   a key is never left with a write and no answer, nor an answer without its write.
 * - `claim` (POST /v1/purchases): the purchase is written by the group-commit batcher in a
 *   transaction shared with other tills' purchases, so it cannot run in this request's. The key is
 *   claimed in a statement of its own and the answer saved after; the receipt id, the purchase's
 *   natural key, keeps a re-run from writing twice.
 * - `unstored`: routes whose answer holds a credential (a new API key, a program's first key,
 *   a generated password), and the file imports (batches of their own, idempotent by their
 *   rows' natural keys); the header is checked, the request runs as without it.
 * - Routes without a signed-in caller (no `config.roles`: the sign-in steps) are `unstored` too:
 *   there is no one to keep a key for. On a route that also serves anonymous callers
 *   (`config.anonymous`), an anonymous request runs as without the key.
 *
 * Only 2xx answers are kept: a refusal (4xx) rolls the request transaction back and frees the
 * key, and so does a 5xx (a retry after the database came back runs the write).
 */
export type IdempotencyMode = 'transaction' | 'claim' | 'unstored';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How the route honours Idempotency-Key; write routes under /v1 default to `transaction`. */
    idempotency?: IdempotencyMode;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotency-replayed';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The operator's key belongs to no program; its keys are kept under this one. */
const NO_PROGRAM = '00000000-0000-0000-0000-000000000000';
/** Headers kept with an answer and sent again with it. */
const KEPT_HEADERS = ['content-type', 'location', 'content-disposition'];

const keyHeader = (mode: IdempotencyMode, anonymous: boolean) =>
  Type.String({
    pattern: IDEMPOTENCY_KEY_PATTERN,
    minLength: 1,
    maxLength: 255,
    description:
      mode === 'unstored'
        ? '1–255 printable ASCII characters without spaces. This route keeps no answer (it shows a secret once, has no signed-in caller, or is idempotent by itself): a retry with the same key runs it again.'
        : 'Makes a retry safe: the same key with the same request answers the first answer again (status and body, with `Idempotency-Replayed: true`) without writing again; the same key with another request answers 409 IDEMPOTENCY_KEY_REUSED. 1–255 printable ASCII characters without spaces (a UUID is a good key); kept IDEMPOTENCY_RETENTION_HOURS (24 h by default).' +
          (anonymous ? ' Kept only for a caller with an API key: without one there is no one to keep it for, and a retry runs again.' : ''),
  });
const ReplayedHeader = { type: 'string', enum: ['true'], description: 'Present when this is the saved answer to an earlier request with the same Idempotency-Key.' };

interface InFlight {
  mode: 'transaction' | 'claim';
  scope: KeyScope;
  request: KeyedRequest;
  tx?: RequestTransaction;
  /** The route's handler has returned or thrown. */
  settled: Promise<void>;
  done: boolean;
}

const inFlight = new WeakMap<FastifyRequest, InFlight>();

export const isWriteRoute = (method: string, url: string): boolean => WRITES.has(method) && url.startsWith('/v1/');

function routeMethods(route: RouteOptions): string[] {
  return [route.method].flat().map((m) => String(m).toUpperCase());
}

/** The header, declared on the route's schema (so the OpenAPI document shows it) and the 2xx answers' Idempotency-Replayed. */
function declare(route: RouteOptions, mode: IdempotencyMode, anonymous: boolean): void {
  const schema = (route.schema ?? {}) as { headers?: TSchema & { properties?: Record<string, TSchema>; required?: string[] }; response?: Record<string, unknown> };
  const headers = schema.headers;
  const merged = Type.Object({ ...(headers?.properties ?? {}), [IDEMPOTENCY_HEADER]: Type.Optional(keyHeader(mode, anonymous)) });
  if (headers?.required) (merged as { required?: string[] }).required = headers.required;
  const response: Record<string, unknown> = { ...(schema.response ?? {}) };
  for (const [code, answer] of Object.entries(response)) {
    if (!/^2/.test(code) || typeof answer !== 'object' || answer === null) continue;
    const given = (answer as { headers?: Record<string, unknown> }).headers ?? {};
    response[code] = { ...answer, headers: { ...given, 'Idempotency-Replayed': ReplayedHeader } };
  }
  route.schema = { ...schema, headers: merged, ...(schema.response ? { response } : {}) } as RouteOptions['schema'];
}

/** Installs the mechanism; call before the routes are registered (it wraps them as they come). */
export function idempotency(app: App, ctx: AppContext, database: DatabaseState): void {
  app.addHook('onRoute', (route) => {
    const methods = routeMethods(route);
    if (!methods.some((m) => isWriteRoute(m, route.url))) return;
    // A route without roles has no signed-in caller to keep a key for (the sign-in steps).
    const mode: IdempotencyMode = route.config?.idempotency ?? (route.config?.roles ? 'transaction' : 'unstored');
    declare(route, mode, route.config?.anonymous === true);
    const original = route.handler;
    route.handler = async function (this: unknown, req: FastifyRequest, reply: FastifyReply) {
      const key = keyOf(req);
      // Without a caller (an anonymous request on a route with `config.anonymous`) or with a streamed body there is nothing to scope or to fingerprint.
      if (key === undefined || mode === 'unstored' || !req.actor || isStream(req.body)) return original.call(this as never, req, reply);
      const scope: KeyScope = { programId: req.actor.programId || NO_PROGRAM, actor: req.actor.name, key };
      const request: KeyedRequest = { method: req.method, route: req.routeOptions.url ?? route.url, params: req.params, query: req.query, body: req.body };
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      if (mode === 'claim') {
        const stored = await claimKey(ctx, scope, request);
        if (stored && (stored.answer || stored.requestHash !== fingerprint(request))) return replay(reply, stored, request);
        // Claimed now, or claimed before and never answered (a crash, or the first try still
        // running): the purchase runs; its receipt id makes a second run answer the same purchase.
        track(req, reply, { mode, scope, request, settled, done: false });
      } else {
        const tx = await openRequestTransaction(ctx);
        let stored: StoredKey | null;
        try {
          stored = await tx.run(() => claimKey(ctx, scope, request));
        } catch (err) {
          await tx.rollback().catch(() => {});
          throw err;
        }
        if (stored) {
          await tx.rollback();
          return replay(reply, stored, request);
        }
        track(req, reply, { mode, scope, request, tx, settled, done: false });
      }
      const state = inFlight.get(req)!;
      try {
        const run = () => original.call(this as never, req, reply) as unknown;
        return await (state.tx ? state.tx.run(run) : run());
      } finally {
        settle();
        // Answered without passing onSend: the deadline's 503 went out while the key was being
        // claimed, and the handler's own answer was dropped. Nothing of it is kept.
        if (!state.done && reply.raw.writableEnded) unanswered(ctx, req, state);
      }
    };
  });

  // A malformed key is refused first, before the caller and the body are looked at (this hook is
  // added before the authentication's).
  app.addHook('onRequest', async (req) => {
    if (!isWriteRoute(req.method, req.routeOptions.url ?? '')) return;
    const raw = req.headers[IDEMPOTENCY_HEADER];
    if (raw === undefined) return;
    if (typeof raw !== 'string' || !isIdempotencyKey(raw)) {
      throw new DomainError('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1 to 255 printable ASCII characters (0x21–0x7E), sent once');
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const state = inFlight.get(req);
    if (!state || state.done) return payload;
    state.done = true;
    const status = reply.statusCode;
    const answer = status >= 200 && status < 300 ? answerOf(reply, payload) : null;
    if (state.mode === 'claim') {
      try {
        if (answer) await saveAnswer(ctx, state.scope, answer);
        else await releaseKey(ctx, state.scope, state.request);
      } catch (err) {
        // The purchase stands or not by its own transaction; a retry finds it by its receipt id.
        req.log.warn({ err }, 'the answer to an Idempotency-Key could not be saved');
      }
      return payload;
    }
    const tx = state.tx!;
    if (!answer) {
      // Refused or failed: nothing is kept. The handler may still be running (a request that
      // timed out): roll back when it is done with the connection.
      unanswered(ctx, req, state);
      return payload;
    }
    try {
      await tx.run(() => saveAnswer(ctx, state.scope, answer));
      await tx.commit();
      return payload;
    } catch (err) {
      await tx.rollback().catch(() => {});
      const p = problemOf(err as Error, req, database);
      if (typeof p.retryAfterSeconds === 'number') void reply.header('retry-after', String(p.retryAfterSeconds));
      void reply.removeHeader('location');
      void reply.code(p.status).type('application/problem+json');
      return JSON.stringify(p);
    }
  });
}

const isStream = (body: unknown): boolean => typeof body === 'object' && body !== null && typeof (body as { pipe?: unknown }).pipe === 'function';

function keyOf(req: FastifyRequest): string | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  return typeof raw === 'string' ? raw : undefined;
}

/** Keeps the request's state; a request whose answer never went out (the client left) keeps nothing. */
function track(req: FastifyRequest, reply: FastifyReply, state: InFlight): void {
  inFlight.set(req, state);
  reply.raw.once('close', () => {
    if (!state.done) unanswered(undefined, req, state);
  });
}

/** Ends a request whose answer was not saved: its transaction rolls back once the handler let go; a purchase's claim is freed. */
function unanswered(ctx: AppContext | undefined, req: FastifyRequest, state: InFlight): void {
  state.done = true;
  const log = (err: unknown) => req.log.warn({ err }, 'an unanswered Idempotency-Key request could not be undone');
  if (state.tx) void state.settled.then(() => state.tx!.rollback()).catch(log);
  // A purchase's claim left without an answer is harmless (the receipt id keeps a re-run once), but freed when possible.
  else if (ctx) void releaseKey(ctx, state.scope, state.request).catch(log);
}

function replay(reply: FastifyReply, stored: StoredKey, request: KeyedRequest): FastifyReply {
  if (stored.requestHash !== fingerprint(request)) {
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', `this Idempotency-Key was used for another request (${stored.operation}); use a new key for a new request`);
  }
  const answer = stored.answer;
  if (!answer) throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'a request with this Idempotency-Key is still running; retry in a moment');
  void reply.code(answer.statusCode).headers(answer.headers).header(REPLAYED_HEADER, 'true');
  return reply.send(answer.body);
}

function answerOf(reply: FastifyReply, payload: unknown): SavedAnswer {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = reply.getHeader(name);
    if (v !== undefined) headers[name] = String(v);
  }
  const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload == null ? '' : String(payload);
  return { statusCode: reply.statusCode, body, headers };
}
