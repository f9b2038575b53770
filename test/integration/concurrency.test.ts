import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/app/api-keys.js';
import { createProgram } from '../../src/app/programs.js';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`concurrency (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      // Real parallel connections on PostgreSQL; earned points spendable at once so that
      // earns and spends race on the same lots.
      s = await startServer(kind, { pendingDays: 0, maxRedeemPercent: 100 }, { poolSize: 25 });
    });
    after(() => s.close());

    test('50 parallel spends never overspend the balance and never lose an earn', async () => {
      const member = await enrol(s);
      await s.request('POST', `/v1/members/${member}/adjustments`, { points: 1000, reason: 'seed' }, { key: s.adminKey });
      // Each purchase spends 100 points on a 200 ₽ receipt and earns 5 % of the 100 ₽ paid = 5 points.
      const results = await Promise.all(
        Array.from({ length: 50 }, () => s.request('POST', '/v1/purchases', receipt([line('A', 1, 200)], { memberId: member, pointsToSpend: 100 }))),
      );
      const ok = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status !== 201);
      assert.ok(refused.every((r) => r.body.code === 'INSUFFICIENT_POINTS'), JSON.stringify(refused.map((r) => r.body)));
      // 1000 + 5 per success − 100 per success ≥ 0, and every success was paid for.
      const balance = (await s.request('GET', `/v1/members/${member}/balance`)).body;
      assert.equal(balance.available, 1000 + ok.length * 5 - ok.length * 100);
      assert.ok(balance.available >= 0 && balance.available < 100, `left ${balance.available}`);
      assert.ok(ok.length >= 10, `at least the first ten succeed (got ${ok.length})`);
      await s.assertBooksBalance();
    });

    test('the same receipt sent many times at once is recorded once', async () => {
      const member = await enrol(s);
      const r = receipt([line('A', 1, 1000)], { memberId: member });
      const results = await Promise.all(Array.from({ length: 20 }, () => s.request('POST', '/v1/purchases', r)));
      assert.ok(results.every((x) => x.status === 201), JSON.stringify(results.map((x) => x.body)));
      assert.equal(new Set(results.map((x) => x.body.purchaseId)).size, 1);
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 50);
      await s.assertBooksBalance();
    });

    test('purchases of different members run side by side and all land', async () => {
      const members = await Promise.all(Array.from({ length: 20 }, () => enrol(s)));
      const results = await Promise.all(
        members.flatMap((m) => Array.from({ length: 3 }, () => s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: m })))),
      );
      assert.ok(results.every((x) => x.status === 201));
      for (const m of members) assert.equal((await s.request('GET', `/v1/members/${m}/balance`)).body.available, 150);
      await s.assertBooksBalance();
    });

    test('balance reads at once (coalesced into shared queries) each get their own member, and a stranger is still not found', async () => {
      const members = await Promise.all(Array.from({ length: 30 }, () => enrol(s)));
      await Promise.all(members.map((m, i) => s.request('POST', `/v1/members/${m}/adjustments`, { points: 10 * (i + 1), reason: 'seed' }, { key: s.adminKey })));
      const unknown = '01900000-0000-7000-8000-000000000000';
      const other = await createProgram(s.ctx, { name: 'Other shop' });
      const otherKey = (await createApiKey(s.ctx, { programId: other.id, role: 'admin' })).key;
      const [reads, stranger] = await Promise.all([
        Promise.all([...members, unknown, 'not-a-uuid', ...members].map((m) => s.request('GET', `/v1/members/${m}/balance`))),
        // The same member through another program's key, in the same turn: not found there.
        s.request('GET', `/v1/members/${members[0]}/balance`, undefined, { key: otherKey }),
      ]);
      reads.slice(0, 30).concat(reads.slice(32)).forEach((r, i) => {
        assert.equal(r.status, 200);
        assert.equal(r.body.memberId, members[i % 30]);
        assert.equal(r.body.available, 10 * ((i % 30) + 1));
      });
      assert.equal(reads[30]!.status, 404);
      assert.equal(reads[30]!.body.code, 'MEMBER_NOT_FOUND');
      assert.equal(reads[31]!.body.code, 'MEMBER_NOT_FOUND');
      assert.equal(stranger.status, 404);
      assert.equal(stranger.body.code, 'MEMBER_NOT_FOUND');
    });

    test('parallel returns never return more than was bought, with or without a member', async () => {
      const member = await enrol(s);
      for (const who of [{ memberId: member }, {}]) {
        const p = await s.request('POST', '/v1/purchases', receipt([line('A', 3, 100)], who));
        const results = await Promise.all(
          Array.from({ length: 10 }, () => s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] })),
        );
        assert.equal(results.filter((r) => r.status === 201).length, 3, JSON.stringify(results.map((r) => r.body.code ?? r.status)));
        assert.ok(results.filter((r) => r.status !== 201).every((r) => r.body.code === 'RETURN_EXCEEDS_PURCHASE'));
      }
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 0);
      await s.assertBooksBalance();
    });

    test('two-phase holds and confirms racing with spends never overspend', async () => {
      const member = await enrol(s);
      await s.request('POST', `/v1/members/${member}/adjustments`, { points: 500, reason: 'seed' }, { key: s.adminKey });
      const held = await Promise.all(
        Array.from({ length: 10 }, () => s.request('POST', '/v1/purchases', receipt([line('A', 1, 100)], { memberId: member, pointsToSpend: 100, twoPhase: true }))),
      );
      const holds = held.filter((h) => h.status === 201);
      assert.equal(holds.length, 5);
      const outcomes = await Promise.all([
        ...holds.map((h, i) => s.request('POST', `/v1/purchases/${h.body.purchaseId}/${i % 2 === 0 ? 'confirm' : 'cancel'}`)),
        ...Array.from({ length: 5 }, () => s.request('POST', '/v1/purchases', receipt([line('B', 1, 100)], { memberId: member, pointsToSpend: 100 }))),
      ]);
      const spent = outcomes.slice(holds.length).filter((o) => o.status === 201).length;
      const balance = (await s.request('GET', `/v1/members/${member}/balance`)).body;
      assert.equal(balance.held, 0);
      assert.ok(balance.available >= 0);
      // confirmed holds (3) + plain spends, each 100; nothing earned on fully paid receipts
      assert.equal(balance.available, 500 - 300 - spent * 100);
      await s.assertBooksBalance();
    });
  });
}
