import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Transports } from '../../src/app/outbox.js';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { credit, DATABASES, enrol, line, receipt, startServer, type Response, type TestServer } from '../support/harness.js';
import { campaign } from '../support/rules.js';
import { overlay, sample, SampleError, type Schema } from '../support/schema-sample.js';
import { snapshot } from '../support/snapshot.js';

/**
 * Issue 13, point 5: every write route of the OpenAPI document (POST, PUT, PATCH, DELETE under
 * /v1) answers a retry with its Idempotency-Key by the first answer — status, body, and
 * `Idempotency-Replayed: true` — without writing again, and refuses the key with another request
 * (409 IDEMPOTENCY_KEY_REUSED). The routes come from the served document, so a route added later
 * is tested without anyone adding it here: its request is made from its schemas, and when a schema
 * cannot say what a valid request is (an existing member's id, a receipt whose total adds up), the
 * test fails and says which entry of FIXTURES to add. docs/adr/0024-idempotency-keys.md.
 */

interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string; required?: boolean; schema: Schema; description?: string }[];
  body?: Schema;
  security?: Record<string, unknown>[];
  /** The statuses the document lists. */
  statuses: string[];
}

/** A request as the test sends it; `params` fill the `{…}` of the document's path. */
interface Request {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

/** What a fixture gives: the parts of the request the schemas cannot (merged over what they give). */
interface Parts {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Another request for the same key, when the schemas' second sample is not one (e.g. another id in the path). */
  other?: Partial<Request>;
}

/** What a fixture may use to make the data its route needs. */
interface Factory {
  s: TestServer;
  /** A unique suffix for ids and receipt ids. */
  unique(): string;
  /** Sends as the admin key and expects a 2xx; returns the body. */
  admin(method: string, path: string, body?: unknown): Promise<any>;
  member(): Promise<string>;
  /** Sends as the signed-in member of the member-app routes and expects a 2xx. */
  me(method: string, path: string, body?: unknown): Promise<any>;
}

/** The caller is the admin API key, or the signed-in member on the member app's routes (security memberSession). */
interface Fixture {
  /** Makes what the request needs and returns the parts of it that the schemas cannot give. */
  prepare?: (f: Factory) => Promise<Parts> | Parts;
  /**
   * A route whose meaning refuses what the test can give (documented 4xx): the refusal is
   * answered again, the same, by a retry; refusals are not kept (ADR 0024), so it is not
   * marked replayed, and nothing is written. The status must be one the document lists.
   */
  refused?: { status: number; code: string; why: string };
}

/** The program publishes both texts (in the suite's setup), so enrolment needs both accepted. */
const ACCEPTED = [{ kind: 'rules' }, { kind: 'personal_data' }];

/**
 * What each route needs beyond its schemas. A route missing here runs on its schemas alone; if
 * that cannot make a valid request, the test says what to add.
 */
const FIXTURES: Record<string, Fixture> = {
  'POST /v1/members': { prepare: () => ({ body: { agreements: ACCEPTED } }) },
  'PATCH /v1/members/{id}': { prepare: async (f) => ({ params: { id: await f.member() } }) },
  'POST /v1/members/{id}/identifiers': {
    prepare: async (f) => ({ params: { id: await f.member() }, body: { kind: 'card', value: `CARD-${f.unique()}` }, other: { body: { kind: 'card', value: `CARD-${f.unique()}` } } }),
  },
  'DELETE /v1/members/{id}/identifiers': {
    prepare: async (f) => {
      const [a, b] = [`CARD-${f.unique()}`, `CARD-${f.unique()}`];
      const id = (await f.admin('POST', '/v1/members', { identifiers: [{ kind: 'card', value: a }, { kind: 'card', value: b }], agreements: ACCEPTED })).id as string;
      return { params: { id }, query: { kind: 'card', value: a }, other: { query: { kind: 'card', value: b } } };
    },
  },
  'POST /v1/members/{id}/block': { prepare: async (f) => ({ params: { id: await f.member() } }) },
  'POST /v1/members/{id}/unblock': {
    prepare: async (f) => {
      const id = await f.member();
      await f.admin('POST', `/v1/members/${id}/block`, {});
      return { params: { id } };
    },
  },
  'POST /v1/members/{id}/adjustments': { prepare: async (f) => ({ params: { id: await f.member() } }) },
  'POST /v1/purchases/calculate': { prepare: async (f) => ({ body: receipt([line('A', 2, 100)], { memberId: await f.member() }) }) },
  'POST /v1/purchases': {
    prepare: async (f) => {
      const memberId = await f.member();
      return { body: receipt([line('A', 2, 100)], { memberId }), other: { body: receipt([line('B', 1, 50)], { memberId }) } };
    },
  },
  'POST /v1/purchases/{id}/confirm': { prepare: async (f) => ({ params: { id: await heldPurchase(f) }, other: { params: { id: await heldPurchase(f) } } }) },
  'POST /v1/purchases/{id}/cancel': { prepare: async (f) => ({ params: { id: await heldPurchase(f) }, other: { params: { id: await heldPurchase(f) } } }) },
  'POST /v1/purchases/{id}/returns': {
    prepare: async (f) => {
      const bought = await f.admin('POST', '/v1/purchases', receipt([line('A', 2, 100), line('B', 1, 300)], { memberId: await f.member() }));
      return { params: { id: bought.purchaseId }, body: { lines: [{ line: 0, quantity: 1 }] }, other: { body: { lines: [{ line: 1, quantity: 1 }] } } };
    },
  },
  'DELETE /v1/api-keys/{id}': { prepare: async (f) => ({ params: { id: (await f.admin('POST', '/v1/api-keys', { role: 'pos' })).id } }) },
  'PATCH /v1/stores/{id}': {
    prepare: async (f) => {
      const id = `store-${f.unique()}`;
      await f.admin('POST', '/v1/stores', { id, name: 'Магазин на Ленина' });
      return { params: { id } };
    },
  },
  'POST /v1/campaigns': { prepare: (f) => ({ body: { campaign: campaign(`c-${f.unique()}`) }, other: { body: { campaign: campaign(`c-${f.unique()}`) } } }) },
  'PUT /v1/campaigns/{id}': {
    prepare: async (f) => {
      const id = await draftCampaign(f);
      return { params: { id }, body: campaign(id, { name: 'renamed' }), other: { body: campaign(id, { name: 'renamed again' }) } };
    },
  },
  'POST /v1/campaigns/{id}/publish': { prepare: async (f) => ({ params: { id: await draftCampaign(f) } }) },
  'POST /v1/campaigns/{id}/pause': {
    prepare: async (f) => {
      const id = await draftCampaign(f);
      await f.admin('POST', `/v1/campaigns/${id}/publish`);
      return { params: { id } };
    },
  },
  'POST /v1/campaigns/{id}/archive': { prepare: async (f) => ({ params: { id: await draftCampaign(f) } }) },
  'POST /v1/campaigns/{id}/backtest': {
    prepare: async (f) => ({ params: { id: await draftCampaign(f) }, body: { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' }, other: { body: { from: '2026-01-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' } } }),
  },
  'POST /v1/tiers': { prepare: (f) => ({ body: tierOf(`tier-${f.unique()}`), other: { body: tierOf(`tier-${f.unique()}`) } }) },
  'PUT /v1/tiers/{id}': {
    prepare: async (f) => {
      const tier = tierOf(`tier-${f.unique()}`);
      await f.admin('POST', '/v1/tiers', tier);
      return { params: { id: tier.id }, body: { ...tier, name: 'Золото' }, other: { body: { ...tier, name: 'Платина' } } };
    },
  },
  'DELETE /v1/tiers/{id}': { prepare: async (f) => ({ params: { id: await newTier(f) } }) },
  'POST /v1/coupon-series/{id}/codes': { prepare: async (f) => ({ params: { id: await couponSeries(f) }, body: { count: 1 }, other: { body: { count: 2 } } }) },
  'POST /v1/coupon-series/{id}/archive': { prepare: async (f) => ({ params: { id: await couponSeries(f) } }) },
  'POST /v1/events': { prepare: async (f) => ({ body: { memberId: await f.member() } }) },
  'POST /v1/members/{id}/memberships': {
    prepare: async (f) => ({ params: { id: await f.member() }, body: { tierId: await newTier(f), receiptId: `M-${f.unique()}` } }),
  },
  'PATCH /v1/admin-users/{id}': { prepare: async (f) => ({ params: { id: await adminUser(f) } }) },
  'DELETE /v1/admin-users/{id}': { prepare: async (f) => ({ params: { id: await adminUser(f) } }) },
  'PATCH /v1/segments/{id}': { prepare: async (f) => ({ params: { id: await segment(f) } }) },
  'DELETE /v1/segments/{id}': { prepare: async (f) => ({ params: { id: await segment(f) } }) },
  'POST /v1/analytics/models/fit': {
    refused: { status: 422, code: 'NOT_ENOUGH_DATA', why: 'the fit needs at least 20 members who bought; a retry is evaluated again and refused alike' },
  },
  'PATCH /v1/nps/surveys/{id}': { prepare: async (f) => ({ params: { id: await survey(f) }, body: { status: 'closed' }, other: { body: { status: 'open' } } }) },
  'POST /v1/nps/surveys/{id}/responses': { prepare: async (f) => ({ params: { id: await survey(f) }, body: { memberId: await f.member(), score: 9 }, other: { body: { memberId: await f.member(), score: 9 } } }) },
  'POST /v1/members/{id}/agreements': { prepare: async (f) => ({ params: { id: await f.member() }, body: { kind: 'rules' } }) },
  'POST /v1/members/{id}/agreements/withdraw': {
    prepare: async (f) => {
      const id = await f.member();
      await f.admin('POST', `/v1/members/${id}/agreements`, { kind: 'rules' });
      return { params: { id }, body: { kind: 'rules' }, other: { body: { kind: 'personal_data' } } };
    },
  },
  'POST /v1/me/agreements': { prepare: () => ({ body: { kind: 'personal_data' } }) },
  'POST /v1/me/agreements/withdraw': {
    prepare: async (f) => {
      await f.me('POST', '/v1/me/agreements', { kind: 'rules' });
      return { body: { kind: 'rules' }, other: { body: { kind: 'personal_data' } } };
    },
  },
};

/**
 * Write routes that cannot take part, and why. `keeps no answer` is what the route's own
 * Idempotency-Key parameter says in the document (checked below), so this list and the document
 * cannot drift apart.
 */
const LEFT_OUT: Record<string, { because: 'keeps no answer' | 'ends the session'; reason: string }> = {
  'POST /v1/programs': { because: 'keeps no answer', reason: "the answer holds the program's first API key and owner password; the operator's route" },
  'POST /v1/api-keys': { because: 'keeps no answer', reason: 'the answer holds the new key, shown once' },
  'POST /v1/admin-users': { because: 'keeps no answer', reason: 'the answer holds a generated password, shown once' },
  'POST /v1/imports/members': { because: 'keeps no answer', reason: 'each batch is its own transaction; a file imported again adds nothing' },
  'POST /v1/imports/purchases': { because: 'keeps no answer', reason: 'each batch is its own transaction; a file imported again adds nothing' },
  'POST /v1/imports/balances': { because: 'keeps no answer', reason: 'each batch is its own transaction; a file imported again adds nothing' },
  'POST /v1/auth/admin/sign-in': { because: 'keeps no answer', reason: 'no signed-in caller to keep a key for; answers a session secret' },
  'POST /v1/auth/admin/sign-out': { because: 'keeps no answer', reason: 'no signed-in caller to keep a key for (the cookie is the session itself)' },
  'POST /v1/auth/member/code': { because: 'keeps no answer', reason: 'no signed-in caller; sends a one-time code' },
  'POST /v1/auth/member/verify': { because: 'keeps no answer', reason: 'no signed-in caller; a code is single-use' },
  'POST /v1/auth/member/join': { because: 'keeps no answer', reason: 'no signed-in caller; a code is single-use' },
  'POST /v1/auth/member/sign-out': { because: 'keeps no answer', reason: 'no signed-in caller to keep a key for' },
  'DELETE /v1/me': { because: 'ends the session', reason: "the member's sessions end with the account, so a retry is no longer signed in (401) and cannot be answered from the key" },
};

async function heldPurchase(f: Factory): Promise<string> {
  const memberId = await f.member();
  await credit(f.s, memberId, 500);
  return (await f.admin('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId, pointsToSpend: 100, twoPhase: true }))).purchaseId;
}
async function draftCampaign(f: Factory): Promise<string> {
  const id = `c-${f.unique()}`;
  await f.admin('POST', '/v1/campaigns', { campaign: campaign(id) });
  return id;
}
/** Tiers need distinct ranks, and a higher rank a higher qualification. */
let tiers = 0;
const tierOf = (id: string) => ({ id, name: 'Серебро', rank: 10 + ++tiers, qualification: { metric: 'spend', min: (10 + tiers) * 1_000_000 }, benefits: { earnMultiplier: 1, discountPercent: 0, perks: [] } });
async function newTier(f: Factory): Promise<string> {
  return (await f.admin('POST', '/v1/tiers', tierOf(`tier-${f.unique()}`))).id;
}
async function couponSeries(f: Factory): Promise<string> {
  const id = `s-${f.unique()}`;
  await f.admin('POST', '/v1/coupon-series', { id, name: 'Весна', kind: 'unique', count: 1 });
  return id;
}
async function adminUser(f: Factory): Promise<string> {
  return (await f.admin('POST', '/v1/admin-users', { email: `u${f.unique()}@example.ru`, role: 'marketer' })).user.id;
}
async function segment(f: Factory): Promise<string> {
  return (await f.admin('POST', '/v1/segments', { name: `seg ${f.unique()}`, rule: { match: 'all', conditions: [{ kind: 'purchases', windowDays: 30, min: 1 }] } })).id;
}
async function survey(f: Factory): Promise<string> {
  return (await f.admin('POST', '/v1/nps/surveys', { name: `Опрос ${f.unique()}` })).id;
}

const WRITES = ['post', 'put', 'patch', 'delete'];
const name = (op: { method: string; path: string }) => `${op.method} ${op.path}`;
const urlOf = (path: string, r: Request) => path.replace(/\{([^}]+)\}/g, (_, p: string) => encodeURIComponent(r.params[p]!)) + (Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : '');
const keyHeaderOf = (op: Operation) => op.parameters.find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');

/** The write operations under /v1 of the served document. */
async function writeOperations(s: TestServer): Promise<Operation[]> {
  const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!WRITES.includes(method)) continue;
      const body = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      ops.push({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], statuses: Object.keys(op.responses ?? {}), ...(body ? { body } : {}), ...(op.security ? { security: op.security } : {}) });
    }
  }
  return ops;
}

/** The request for an operation: its schemas' sample (variant 1 or 2) with the fixture's parts over it. */
function requestOf(op: Operation, parts: Parts, variant: number): Request {
  const params: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const p of op.parameters) {
    if (p.in === 'path') {
      if (parts.params?.[p.name] !== undefined) params[p.name] = parts.params[p.name]!;
      // A path parameter the schema fully describes (an enum) can be made; an id cannot.
      else if (p.schema.enum || p.schema.anyOf) params[p.name] = String(sample(p.schema, variant, `{${p.name}}`));
      else throw new SampleError(`the path needs {${p.name}}: give FIXTURES['${name(op)}'].prepare, returning params.${p.name} (make the thing it names there)`);
    } else if (p.in === 'query') {
      if (parts.query?.[p.name] !== undefined) query[p.name] = parts.query[p.name]!;
      else if (p.required) query[p.name] = String(sample(p.schema, variant, `?${p.name}`));
    }
  }
  const body = op.body ? overlay(sample(op.body, variant), parts.body) : parts.body;
  return { params, query, body };
}

/** Another request for the same key: the fixture's, else the schemas' second sample, else a first optional property, else a body where none is taken. */
function otherOf(op: Operation, parts: Parts, first: Request): Request {
  if (parts.other) return { params: { ...first.params, ...parts.other.params }, query: parts.other.query ?? first.query, body: 'body' in parts.other ? parts.other.body : first.body };
  if (!op.body) return { ...first, body: {} };
  const second = requestOf(op, parts, 2);
  if (JSON.stringify(second.body) !== JSON.stringify(first.body)) return { ...first, body: second.body };
  const optional = Object.entries(op.body.properties ?? {}).find(([k]) => (first.body as Record<string, unknown>)[k] === undefined);
  if (!optional) throw new SampleError(`no other request can be made from the schema: give FIXTURES['${name(op)}'].prepare, returning other`);
  return { ...first, body: { ...(first.body as object), [optional[0]]: sample(optional[1], 1, `/${optional[0]}`) } };
}

for (const kind of DATABASES) {
  describe(`Idempotency-Key: every write route of the OpenAPI document replays a retry and refuses a reused key (${kind})`, () => {
    let s: TestServer;
    let ops: Operation[];
    let memberToken: string;
    const inbox: { to: string; text: string }[] = [];
    const transports: Transports = { email: { description: 'test', send: async (m) => void inbox.push({ to: m.recipient, text: m.body ?? '' }) } };
    let counter = 0;
    const factory = (): Factory => ({
      s,
      unique: () => `${kind}-${++counter}`,
      async admin(method, path, body) {
        const r = await s.request(method, path, body, { key: s.adminKey });
        assert.ok(r.status >= 200 && r.status < 300, `fixture ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
        return r.body;
      },
      member: () => enrol(s, { name: 'Участник', agreements: ACCEPTED }),
      async me(method, path, body) {
        const r = await s.request(method, path, body, { key: memberToken });
        assert.ok(r.status >= 200 && r.status < 300, `fixture ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
        return r.body;
      },
    });

    async function signIn(email: string): Promise<string> {
      s.clock.advance(61_000);
      const sent = await s.request('POST', '/v1/auth/member/code', { programId: s.programId, email }, { key: null });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      await runOutboxOnce(s.ctx, transports);
      const code = /\b(\d{6})\b/.exec(inbox.filter((m) => m.to === email).at(-1)!.text)![1]!;
      const joined = await s.request('POST', '/v1/auth/member/join', { programId: s.programId, email, code, name: 'Анна', agreements: ACCEPTED }, { key: null, headers: { 'x-kopilka-csrf': '1' } });
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
      return joined.body.token;
    }

    before(async () => {
      s = await startServer(kind);
      ops = await writeOperations(s);
      // The texts the agreement routes accept and withdraw, and the tier policy that tiers need.
      for (const kind of ['rules', 'personal_data']) await factory().admin('POST', `/v1/program/documents/${kind}`, { title: kind, body: `The ${kind} text.` });
      await factory().admin('PUT', '/v1/tier-policy', { window: { kind: 'calendar', period: 'year' }, graceDays: 30 });
      memberToken = await signIn(`every-route-${kind}@example.ru`);
    });
    after(() => s.close());

    const isMemberRoute = (op: Operation) => (op.security ?? []).some((sec) => 'memberSession' in sec);

    test('the fixtures and the routes left out name write routes of the document, and a route is left out only for a reason the document states', async () => {
      const names = new Set(ops.map(name));
      assert.ok(names.size >= 50, `only ${names.size} write routes under /v1 in the document`);
      const stale = [...Object.keys(FIXTURES), ...Object.keys(LEFT_OUT)].filter((n) => !names.has(n));
      assert.deepEqual(stale, [], 'fixtures or left-out routes that the document no longer has: remove them');
      assert.deepEqual(Object.keys(FIXTURES).filter((n) => n in LEFT_OUT), [], 'a route is either tested or left out');
      const wrong: string[] = [];
      for (const op of ops) {
        const keepsNone = /keeps no answer/.test(keyHeaderOf(op)?.description ?? '');
        const left = LEFT_OUT[name(op)];
        if (keepsNone && left?.because !== 'keeps no answer') wrong.push(`${name(op)}: its Idempotency-Key keeps no answer; list it in LEFT_OUT with the reason`);
        if (!keepsNone && left?.because === 'keeps no answer') wrong.push(`${name(op)}: listed as keeping no answer, but its Idempotency-Key says it keeps one; remove it from LEFT_OUT`);
      }
      assert.deepEqual(wrong, []);
    });

    test('a member whose account is deleted cannot retry: the retry is no longer signed in (why DELETE /v1/me is left out)', async () => {
      const token = await signIn(`deleted-${kind}@example.ru`);
      const send = () => s.request('DELETE', '/v1/me', undefined, { key: token, headers: { 'idempotency-key': `every-${kind}-delete-me` } });
      assert.equal((await send()).status, 204);
      const retry = await send();
      assert.equal(retry.status, 401, 'if a retry is answered now, test DELETE /v1/me with the others and take it out of LEFT_OUT');
      assert.equal(retry.body.code, 'UNAUTHORIZED');
    });

    test('every other write route: the retry answers the first status and body, marked replayed, and writes nothing; the key with another request is 409', async (t) => {
      const tested = ops.filter((op) => !(name(op) in LEFT_OUT));
      assert.ok(tested.length >= 45, `only ${tested.length} routes to test`);
      for (const op of tested) {
        await t.test(name(op), async () => {
          const fixture = FIXTURES[name(op)] ?? {};
          const f = factory();
          const parts = (await fixture.prepare?.(f)) ?? {};
          let first: Request;
          let other: Request;
          try {
            first = requestOf(op, parts, 1);
            other = otherOf(op, parts, first);
          } catch (err) {
            if (err instanceof SampleError) assert.fail(`${name(op)}: ${err.message}`);
            throw err;
          }
          assert.notEqual(JSON.stringify([urlOf(op.path, other), other.body]), JSON.stringify([urlOf(op.path, first), first.body]), `${name(op)}: the other request is the same request; give FIXTURES['${name(op)}'] an \`other\``);

          const key = `every-${kind}-${++counter}`;
          const caller = isMemberRoute(op) ? memberToken : s.adminKey;
          const send = (r: Request): Promise<Response> => s.request(op.method, urlOf(op.path, r), r.body, { key: caller, headers: { 'idempotency-key': key } });
          const answer = await send(first);
          const seen = `${name(op)} answered ${answer.status} ${JSON.stringify(answer.body)}`;
          if (fixture.refused) {
            assert.ok(op.statuses.includes(String(fixture.refused.status)), `${name(op)}: ${fixture.refused.status} is not a documented answer`);
            assert.deepEqual([answer.status, answer.body?.code], [fixture.refused.status, fixture.refused.code], seen);
          } else {
            assert.ok(answer.status >= 200 && answer.status < 300, `${seen}: make the request valid in FIXTURES['${name(op)}'] (or, when the route's meaning refuses it, give \`refused\` with the documented status, code and why)`);
          }
          assert.equal(answer.headers.get('idempotency-replayed'), null, `${name(op)}: a first answer is not a replay`);
          const written = await snapshot(s.database);

          const retry = await send(first);
          assert.equal(retry.status, answer.status, `${name(op)}: the retry answers the first status`);
          assert.deepEqual(retry.body, answer.body, `${name(op)}: the retry answers the first body`);
          for (const h of ['content-type', 'location']) assert.equal(retry.headers.get(h), answer.headers.get(h), `${name(op)}: the retry's ${h}`);
          assert.equal(retry.headers.get('idempotency-replayed'), fixture.refused ? null : 'true', `${name(op)}: the retry is ${fixture.refused ? 'evaluated again (refusals are not kept)' : 'marked replayed'}`);
          assert.deepEqual(await snapshot(s.database), written, `${name(op)}: the retry wrote nothing`);

          if (fixture.refused) return;
          const clash = await send(other);
          assert.deepEqual([clash.status, clash.body?.code], [409, 'IDEMPOTENCY_KEY_REUSED'], `${name(op)}: the key with another request: ${JSON.stringify(clash.body)}`);
          assert.match(clash.headers.get('content-type') ?? '', /application\/problem\+json/);
          assert.deepEqual(await snapshot(s.database), written, `${name(op)}: the refused request wrote nothing`);
        });
      }
    });
  });
}
