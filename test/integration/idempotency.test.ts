import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Transports } from '../../src/app/outbox.js';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { purgeSignInLeftovers } from '../../src/app/housekeeping.js';
import { campaign } from '../support/rules.js';
import type { AddressInfo } from 'node:net';
import { createApiKey } from '../../src/app/api-keys.js';
import { createContext } from '../../src/app/context.js';
import { createProgram } from '../../src/app/programs.js';
import { buildApp } from '../../src/http/app.js';
import { snapshot as snapshotOf } from '../support/snapshot.js';
import { DATABASES, freshDatabase, line, receipt, startServer, type Response, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`Idempotency-Key on every write route (${kind})`, () => {
    let s: TestServer;
    const inbox: { to: string; text: string }[] = [];
    const transports: Transports = { email: { description: 'test', send: async (m) => void inbox.push({ to: m.recipient, text: m.body ?? '' }) } };
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    const admin = (headers: Record<string, string> = {}) => ({ key: s.adminKey, headers });
    let keys = 0;
    const newKey = () => `idem-${kind}-${++keys}`;

    const snapshot = () => snapshotOf(s.database);

    /**
     * Sends the request with a fresh key, then the same request again, then (when given) another
     * request with the same key: the retry answers the first answer, marked replayed, and writes
     * nothing; the other request answers 409 IDEMPOTENCY_KEY_REUSED and writes nothing.
     */
    async function checkReplay(
      first: { method: string; path: string; body?: unknown; key?: string },
      other?: { method?: string; path?: string; body?: unknown },
    ): Promise<Response> {
      const key = newKey();
      const send = (r: { method: string; path: string; body?: unknown }) => s.request(r.method, r.path, r.body, { key: first.key ?? s.adminKey, headers: { 'idempotency-key': key } });
      const answer = await send(first);
      assert.ok(answer.status >= 200 && answer.status < 300, `${first.method} ${first.path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal(answer.headers.get('idempotency-replayed'), null, 'a first answer is not a replay');
      const written = await snapshot();
      const retry = await send(first);
      assert.equal(retry.status, answer.status, `${first.method} ${first.path}: the retry answers the first status`);
      assert.deepEqual(retry.body, answer.body, `${first.method} ${first.path}: the retry answers the first body`);
      assert.equal(retry.headers.get('idempotency-replayed'), 'true');
      assert.equal(retry.headers.get('content-type'), answer.headers.get('content-type'));
      assert.deepEqual(await snapshot(), written, `${first.method} ${first.path}: the retry wrote nothing`);
      if (other) {
        const clash = await send({ method: other.method ?? first.method, path: other.path ?? first.path, body: 'body' in other ? other.body : first.body });
        assert.equal(clash.status, 409, JSON.stringify(clash.body));
        assert.equal(clash.body.code, 'IDEMPOTENCY_KEY_REUSED');
        assert.match(clash.headers.get('content-type') ?? '', /application\/problem\+json/);
        assert.deepEqual(await snapshot(), written, `${first.method} ${first.path}: the reused key wrote nothing`);
      }
      return answer;
    }

    async function enrol(name: string): Promise<string> {
      const r = await s.request('POST', '/v1/members', { name }, admin());
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id;
    }

    async function signIn(email: string): Promise<string> {
      s.clock.advance(61_000);
      const sent = await s.request('POST', '/v1/auth/member/code', { programId: s.programId, email }, { key: null });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      await runOutboxOnce(s.ctx, transports);
      const code = /\b(\d{6})\b/.exec(inbox.filter((m) => m.to === email).at(-1)!.text)![1]!;
      const joined = await s.request('POST', '/v1/auth/member/join', { programId: s.programId, email, code, name: 'Анна' }, { key: null, headers: { 'x-kopilka-csrf': '1' } });
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
      return joined.body.token;
    }

    test('every write route under /v1 in the served OpenAPI document declares Idempotency-Key and Idempotency-Replayed', async () => {
      const res = await fetch(`${s.url}/openapi.json`);
      assert.equal(res.status, 200);
      const doc = (await res.json()) as { paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: { pattern?: string } }[]; responses?: Record<string, { headers?: Record<string, unknown> }> }>> };
      const missing: string[] = [];
      let writes = 0;
      for (const [path, item] of Object.entries(doc.paths)) {
        if (!path.startsWith('/v1/')) continue;
        for (const [method, op] of Object.entries(item)) {
          if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
          writes++;
          const header = (op.parameters ?? []).find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
          if (!header) missing.push(`${method.toUpperCase()} ${path}: no Idempotency-Key parameter`);
          else if (header.schema?.pattern !== '^[\\x21-\\x7E]{1,255}$') missing.push(`${method.toUpperCase()} ${path}: the key's format is not declared`);
          const ok = Object.entries(op.responses ?? {}).filter(([code]) => code.startsWith('2'));
          if (ok.length === 0) missing.push(`${method.toUpperCase()} ${path}: no 2xx answer`);
          for (const [code, answer] of ok) if (!answer.headers?.['Idempotency-Replayed']) missing.push(`${method.toUpperCase()} ${path} ${code}: no Idempotency-Replayed header`);
        }
      }
      assert.deepEqual(missing, []);
      assert.ok(writes >= 50, `only ${writes} write routes under /v1 in the document`);
    });

    test('every write route in the document checks the key: a malformed one is refused on each, before anything else', async () => {
      const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      const before = await snapshot();
      const wrong: string[] = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        if (!path.startsWith('/v1/')) continue;
        for (const method of Object.keys(item)) {
          if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
          const url = path.replace(/\{[^}]+\}/g, '00000000-0000-7000-8000-000000000000');
          const r = await s.request(method.toUpperCase(), url, {}, { key: null, headers: { 'idempotency-key': 'not a key' } });
          if (r.status !== 400 || r.body?.code !== 'IDEMPOTENCY_KEY_INVALID') wrong.push(`${method.toUpperCase()} ${path}: ${r.status} ${r.body?.code}`);
        }
      }
      assert.deepEqual(wrong, []);
      assert.deepEqual(await snapshot(), before);
    });

    test('a malformed key is refused with 400 IDEMPOTENCY_KEY_INVALID and writes nothing', async () => {
      const before = await snapshot();
      for (const key of ['', 'has space', 'x'.repeat(256), 'caf\u00e9']) {
        const r = await s.request('POST', '/v1/members', { name: 'Refused' }, admin({ 'idempotency-key': key }));
        assert.equal(r.status, 400, `${key}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, 'IDEMPOTENCY_KEY_INVALID');
      }
      assert.deepEqual(await snapshot(), before);
      const longest = await s.request('POST', '/v1/members', { name: 'Longest key' }, admin({ 'idempotency-key': '~'.repeat(255) }));
      assert.equal(longest.status, 201, JSON.stringify(longest.body));
    });

    test('enrolling a member (201): a retry answers the first answer and enrols no one more; another body with the key is refused', async () => {
      const first = await checkReplay({ method: 'POST', path: '/v1/members', body: { name: 'Ольга', phone: '89160001111' } }, { body: { name: 'Ольга', phone: '89160002222' } });
      assert.equal(first.status, 201);
      const found = await s.request('GET', `/v1/members?name=${encodeURIComponent('Ольга')}`, undefined, admin());
      assert.equal(found.body.items.length, 1);
    });

    test('adjusting points: applied once, however often retried', async () => {
      const member = await enrol('Adjusted');
      const first = await checkReplay({ method: 'POST', path: `/v1/members/${member}/adjustments`, body: { points: 120, reason: 'goodwill' } }, { body: { points: 500, reason: 'goodwill' } });
      assert.equal(first.status, 201);
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 120);
    });

    test('a campaign draft created and replaced (PUT), a member changed (PATCH), a segment deleted (DELETE, 204)', async () => {
      await checkReplay({ method: 'POST', path: '/v1/campaigns', body: { campaign: campaign('idem-c1') } }, { body: { campaign: campaign('idem-c2') } });
      await checkReplay({ method: 'PUT', path: '/v1/campaigns/idem-c1', body: campaign('idem-c1', { name: 'renamed' }) }, { body: campaign('idem-c1', { name: 'renamed again' }) });
      assert.equal((await s.request('GET', '/v1/campaigns/idem-c1', undefined, admin())).body.campaign.name, 'renamed');

      const member = await enrol('Patched');
      await checkReplay({ method: 'PATCH', path: `/v1/members/${member}`, body: { name: 'Patched once' } }, { body: { name: 'Patched twice' } });
      assert.equal((await s.request('GET', `/v1/members/${member}`, undefined, admin())).body.name, 'Patched once');

      const segments: string[] = [];
      for (const name of ['gone', 'kept']) {
        const r = await s.request('POST', '/v1/segments', { name, rule: { match: 'all', conditions: [{ kind: 'purchases', windowDays: 30, min: 1 }] } }, admin());
        assert.equal(r.status, 201, JSON.stringify(r.body));
        segments.push(r.body.id);
      }
      const deleted = await checkReplay({ method: 'DELETE', path: `/v1/segments/${segments[0]}` }, { path: `/v1/segments/${segments[1]}` });
      assert.equal(deleted.status, 204);
      assert.equal((await s.request('GET', `/v1/segments/${segments[1]}`, undefined, admin())).status, 200, 'the other segment is still there');
    });

    test("a member's own write in the member app (/v1/me) is replayed, not repeated", async () => {
      const token = await signIn('idem@example.ru');
      await checkReplay({ method: 'PATCH', path: '/v1/me', body: { name: 'Анна Б.' }, key: token }, { body: { name: 'Анна В.' } });
      assert.equal((await s.request('GET', '/v1/me', undefined, { key: token })).body.name, 'Анна Б.');
      // Keys are the caller's own: another caller with the same key is another request.
      const other = await signIn('idem2@example.ru');
      const same = await s.request('PATCH', '/v1/me', { name: 'Борис' }, { key: other, headers: { 'idempotency-key': `idem-${kind}-${keys}` } });
      assert.equal(same.status, 200, JSON.stringify(same.body));
      assert.equal(same.headers.get('idempotency-replayed'), null);
    });

    test('purchases: the create route (batched) and a return replay their answer; the receipt id stays the natural key', async () => {
      const member = await enrol('Buyer');
      const r = receipt([line('A', 2, 1000)], { memberId: member });
      const created = await checkReplay({ method: 'POST', path: '/v1/purchases', body: r, key: s.posKey }, { body: { ...r, total: r.total + 100, lines: [...r.lines, line('B', 1, 1)] } });
      assert.equal(created.status, 201);
      // Without the key, the receipt id answers the purchase as it stands (and writes nothing).
      const natural = await s.request('POST', '/v1/purchases', r);
      assert.equal(natural.body.purchaseId, created.body.purchaseId);
      const returned = await checkReplay({ method: 'POST', path: `/v1/purchases/${created.body.purchaseId}/returns`, body: { lines: [{ line: 0, quantity: 1 }] }, key: s.posKey }, { body: { lines: [{ line: 0, quantity: 2 }] } });
      assert.equal(returned.status, 201);
      await s.assertBooksBalance();
    });

    test('two identical requests with the same key at once: written once, the same answer to both', async () => {
      const member = await enrol('Concurrent');
      const key = newKey();
      const send = () => s.request('POST', `/v1/members/${member}/adjustments`, { points: 70, reason: 'race' }, admin({ 'idempotency-key': key }));
      const answers = await Promise.all([send(), send(), send()]);
      for (const a of answers) {
        assert.equal(a.status, 201, JSON.stringify(a.body));
        assert.deepEqual(a.body, answers[0]!.body);
      }
      assert.equal(answers.filter((a) => a.headers.get('idempotency-replayed') === 'true').length, 2, 'one ran, the others were replayed');
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 70);
      const ledger = await s.request('GET', `/v1/members/${member}/ledger`);
      assert.equal(ledger.body.items.length, 1);
    });

    test('two identical purchases with the same key at once: one purchase, the same answer to both', async () => {
      const member = await enrol('Concurrent buyer');
      const key = newKey();
      const r = receipt([line('A', 1, 500)], { memberId: member });
      const answers = await Promise.all([1, 2, 3].map(() => s.request('POST', '/v1/purchases', r, { headers: { 'idempotency-key': key } })));
      for (const a of answers) {
        assert.equal(a.status, 201, JSON.stringify(a.body));
        assert.deepEqual(a.body, answers[0]!.body);
      }
      const purchases = await s.database.db.selectFrom('purchases').select('purchase_id').where('receipt_id', '=', r.receiptId).execute();
      assert.equal(purchases.length, 1);
      const retry = await s.request('POST', '/v1/purchases', r, { headers: { 'idempotency-key': key } });
      assert.equal(retry.headers.get('idempotency-replayed'), 'true');
      assert.deepEqual(retry.body, answers[0]!.body);
    });

    test('a refused request (4xx) keeps nothing: the key stays free', async () => {
      const key = newKey();
      const missing = await s.request('POST', '/v1/members/00000000-0000-7000-8000-000000000000/adjustments', { points: 5, reason: 'x' }, admin({ 'idempotency-key': key }));
      assert.equal(missing.status, 404);
      const member = await enrol('After refusal');
      const ok = await s.request('POST', `/v1/members/${member}/adjustments`, { points: 5, reason: 'x' }, admin({ 'idempotency-key': key }));
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(ok.headers.get('idempotency-replayed'), null);
    });

    test('a 503 while writing is not kept: the retry after the database came back writes', async () => {
      // The database "goes away" in the middle of the write: inserting a member fails as a shut-down server does.
      await sql`create function idem_gone() returns trigger language plpgsql as $$ begin raise exception 'the database is gone' using errcode = '57P01'; end $$`.execute(s.database.db);
      await sql`create trigger idem_gone before insert on members for each row execute function idem_gone()`.execute(s.database.db);
      const key = newKey();
      const body = { name: 'Through an outage' };
      try {
        const failed = await s.request('POST', '/v1/members', body, admin({ 'idempotency-key': key }));
        assert.equal(failed.status, 503, JSON.stringify(failed.body));
        assert.equal(failed.body.code, 'DATABASE_UNAVAILABLE');
      } finally {
        await sql`drop trigger idem_gone on members`.execute(s.database.db);
        await sql`drop function idem_gone()`.execute(s.database.db);
      }
      const kept = await s.database.db.selectFrom('idempotency_keys').select('key').where('key', '=', key).execute();
      assert.deepEqual(kept, [], 'the claim rolled back with the write');
      const retry = await s.request('POST', '/v1/members', body, admin({ 'idempotency-key': key }));
      assert.equal(retry.status, 201, JSON.stringify(retry.body));
      assert.equal(retry.headers.get('idempotency-replayed'), null, 'the retry ran the write');
      const again = await s.request('POST', '/v1/members', body, admin({ 'idempotency-key': key }));
      assert.equal(again.headers.get('idempotency-replayed'), 'true');
      assert.equal(again.body.id, retry.body.id);
      const found = await s.request('GET', `/v1/members?name=${encodeURIComponent('Through an outage')}`, undefined, admin());
      assert.equal(found.body.items.length, 1);
    });

    test('keys older than the retention are purged by housekeeping, and then the request runs again', async () => {
      const key = newKey();
      const member = await enrol('Purged');
      const send = () => s.request('POST', `/v1/members/${member}/adjustments`, { points: 3, reason: 'old' }, admin({ 'idempotency-key': key }));
      assert.equal((await send()).status, 201);
      s.clock.advance(23 * 3_600_000);
      await purgeSignInLeftovers(s.ctx);
      assert.equal((await send()).headers.get('idempotency-replayed'), 'true', 'kept within 24 h');
      s.clock.advance(2 * 3_600_000);
      const purged = await purgeSignInLeftovers(s.ctx);
      assert.ok(purged.idempotencyKeys >= 1);
      const rerun = await send();
      assert.equal(rerun.status, 201);
      assert.equal(rerun.headers.get('idempotency-replayed'), null);
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 6);
    });
  });
}

for (const kind of DATABASES) {
  describe(`Idempotency-Key and a request that times out (${kind})`, () => {
    test('a write answered 503 REQUEST_TIMEOUT is rolled back once it ends, and the retry with the key writes it once', async () => {
      const database = await freshDatabase(kind);
      const ctx = createContext(database.db);
      const program = await createProgram(ctx, { name: 'Slow program' });
      const admin = (await createApiKey(ctx, { programId: program.id, role: 'admin' }))!.key;
      const app = await buildApp(ctx, { requestTimeoutMs: 300 });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const send = () =>
        fetch(`${url}/v1/members`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': 'slow-1' }, body: JSON.stringify({ name: 'Slow' }) });
      const members = async () => (await database.db.selectFrom('members').select('member_id').where('program_id', '=', program.id).execute()).length;
      try {
        // The enrolment is slow this once (its first step, reading the program, takes a second: longer
        // than the server waits before answering 503), and then writes the member all the same.
        const get = ctx.programs.get.bind(ctx.programs);
        let finished!: () => void;
        const slowDone = new Promise<void>((resolve) => (finished = resolve));
        ctx.programs.get = async (id: string) => {
          ctx.programs.get = get;
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          setTimeout(finished, 500);
          return get(id);
        };
        const first = await send();
        assert.equal(first.status, 503);
        assert.equal(((await first.json()) as { code: string }).code, 'REQUEST_TIMEOUT');
        await slowDone;
        // The timed-out write went on after its answer, and was rolled back with its claim.
        assert.equal(await members(), 0);
        assert.deepEqual(await database.db.selectFrom('idempotency_keys').select('key').execute(), []);
        const retry = await send();
        assert.equal(retry.status, 201);
        assert.equal(retry.headers.get('idempotency-replayed'), null);
        const again = await send();
        assert.equal(again.headers.get('idempotency-replayed'), 'true');
        assert.equal(await members(), 1);
      } finally {
        await app.close();
        await database.close();
      }
    });
  });
}
