import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`the till's purchase flow (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      // 5 % back, 1 point = 1 ₽, points pending for 14 days, expiring a year later, 30 % payable.
      s = await startServer(kind);
    });
    after(() => s.close());

    test('a purchase earns 5 % of the money paid, pending for the return window', async () => {
      const member = await enrol(s, { name: 'Анна', phone: '+7 916 000-00-01' });
      const r = receipt([line('MILK', 2, 100), line('BREAD', 1, 800)], { identifier: { kind: 'phone', value: '89160000001' } });
      const res = await s.request('POST', '/v1/purchases', r);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.memberId, member);
      assert.equal(res.body.pointsEarned, 50);
      assert.deepEqual(res.body.lines.map((l: any) => l.pointsEarned), [10, 40]);
      assert.equal(res.body.earnedAvailableAt, '2026-03-16T09:00:00.000Z');
      assert.equal(res.body.earnedExpiresAt, '2027-03-16T09:00:00.000Z');
      assert.ok(res.body.receiptText.includes('Начислено бонусов: 50'));

      const balance = (await s.request('GET', `/v1/members/${member}/balance`)).body;
      assert.equal(balance.available, 0);
      assert.deepEqual(balance.pending, [{ points: 50, availableAt: '2026-03-16T09:00:00.000Z' }]);

      s.clock.advanceDays(14);
      const later = (await s.request('GET', `/v1/members/${member}/balance`)).body;
      assert.equal(later.available, 50);
      assert.deepEqual(later.pending, []);
      await s.assertBooksBalance();
    });

    test('calculate answers exactly what create then records, and writes nothing', async () => {
      const member = await enrol(s);
      await s.request('POST', `/v1/members/${member}/adjustments`, { points: 500, reason: 'welcome' }, { key: s.adminKey });
      const r = receipt([line('A', 3, 333), line('B', 1, 1)], { memberId: member, pointsToSpend: 200 });
      const calc = await s.request('POST', '/v1/purchases/calculate', r);
      assert.equal(calc.status, 200, JSON.stringify(calc.body));
      assert.equal(calc.body.maxPointsToSpend, 300); // 30 % of 1 000 ₽
      const again = await s.request('POST', '/v1/purchases/calculate', r);
      assert.deepEqual(again.body, calc.body, 'calculate writes nothing');
      const created = await s.request('POST', '/v1/purchases', r);
      assert.equal(created.status, 201);
      const { purchaseId, status, ...recorded } = created.body;
      const { purchaseId: _p, status: _s, ...calculated } = calc.body;
      assert.deepEqual(recorded, calculated);
      assert.equal(status, 'completed');
      assert.equal(created.body.pointsSpent, 200);
      assert.equal(created.body.paidTotal, 100_000 - 20_000);
      assert.equal(created.body.pointsEarned, 40, '5 % of the 800 ₽ paid in money');
      assert.equal(created.body.balanceAfter, 300);
      await s.assertBooksBalance();
    });

    test('a retried receipt answers the first result and writes nothing; another body with the same id is a 409', async () => {
      const member = await enrol(s);
      const r = receipt([line('A', 1, 1000)], { memberId: member });
      const first = await s.request('POST', '/v1/purchases', r);
      const retry = await s.request('POST', '/v1/purchases', r);
      assert.equal(retry.status, 201);
      assert.deepEqual(retry.body, first.body);
      const ledger = (await s.request('GET', `/v1/members/${member}/ledger`)).body;
      assert.equal(ledger.items.length, 1, 'one earn entry, not two');
      const changed = await s.request('POST', '/v1/purchases', { ...r, total: 200_000, lines: [line('A', 2, 1000)] });
      assert.equal(changed.status, 409);
      assert.equal(changed.body.code, 'RECEIPT_ALREADY_EXISTS');
      assert.equal(changed.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    });

    test('spending takes the points that expire first', async () => {
      const member = await enrol(s);
      await s.request('POST', `/v1/members/${member}/adjustments`, { points: 100, reason: 'late', expiresAt: '2026-12-31T00:00:00Z' }, { key: s.adminKey });
      await s.request('POST', `/v1/members/${member}/adjustments`, { points: 100, reason: 'early', expiresAt: '2026-06-30T00:00:00Z' }, { key: s.adminKey });
      const res = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 150 }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const balance = (await s.request('GET', `/v1/members/${member}/balance`)).body;
      assert.equal(balance.available, 50);
      // What is left is the late lot; the early one is gone.
      s.clock.current = new Date('2026-07-01T00:00:00Z');
      const afterJune = (await s.request('GET', `/v1/members/${member}/balance`)).body;
      assert.equal(afterJune.available, 50 + 42, 'the late lot plus the purchase earn (5 % of 850 ₽, rounded down)');
      s.clock.current = new Date('2026-03-02T09:00:00Z');
    });

    test('no more than the program share, the balance or the minimum may be spent', async () => {
      const member = await enrol(s);
      await s.request('POST', `/v1/members/${member}/adjustments`, { points: 1000, reason: 'gift' }, { key: s.adminKey });
      const tooMuch = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 301 }));
      assert.equal(tooMuch.status, 422);
      assert.equal(tooMuch.body.code, 'REDEEM_LIMIT_EXCEEDED');
      assert.equal(tooMuch.body.maxPointsToSpend, 300);
      const overBalance = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 10_000)], { memberId: member, pointsToSpend: 1001 }));
      assert.equal(overBalance.status, 409);
      assert.equal(overBalance.body.code, 'INSUFFICIENT_POINTS');
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 1000, 'a refused purchase changes nothing');
    });

    test('spending points that are still pending says how many are pending and from when they may be spent', async () => {
      const member = await enrol(s);
      const first = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member }));
      assert.equal(first.body.pointsEarned, 50);
      s.clock.advanceDays(1);
      await s.request('POST', '/v1/purchases', receipt([line('B', 1, 400)], { memberId: member }));
      const spend = await s.request('POST', '/v1/purchases', receipt([line('C', 1, 1000)], { memberId: member, pointsToSpend: 30 }));
      assert.equal(spend.status, 409);
      assert.equal(spend.body.code, 'INSUFFICIENT_POINTS');
      assert.deepEqual([spend.body.available, spend.body.pending, spend.body.nextAvailableAt], [0, 70, '2026-03-16T09:00:00.000Z']);
      assert.match(spend.body.detail, /70 pending, the first spendable from 2026-03-16T09:00:00.000Z/);
      const calc = await s.request('POST', '/v1/purchases/calculate', receipt([line('C', 1, 1000)], { memberId: member, pointsToSpend: 30 }));
      assert.deepEqual([calc.body.code, calc.body.pending, calc.body.nextAvailableAt], ['INSUFFICIENT_POINTS', 70, '2026-03-16T09:00:00.000Z']);
      s.clock.current = new Date('2026-03-02T09:00:00Z');
    });

    test('a member with nothing pending is told so (pending 0, no date)', async () => {
      const member = await enrol(s);
      const spend = await s.request('POST', '/v1/purchases', receipt([line('C', 1, 1000)], { memberId: member, pointsToSpend: 1 }));
      assert.deepEqual([spend.body.code, spend.body.available, spend.body.pending, spend.body.nextAvailableAt], ['INSUFFICIENT_POINTS', 0, 0, null]);
    });

    test('a body-less POST sent with content-type: application/json and an empty body is taken as having no body', async () => {
      const json = { headers: { 'content-type': 'application/json' } };
      const member = await enrol(s);
      await s.request('POST', `/v1/members/${member}/adjustments`, { points: 100, reason: 'gift' }, { key: s.adminKey });
      const held = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 50, twoPhase: true }));
      const confirmed = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`, undefined, json);
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      assert.equal(confirmed.body.status, 'completed');
      const held2 = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 50, twoPhase: true }));
      const cancelled = await s.request('POST', `/v1/purchases/${held2.body.purchaseId}/cancel`, undefined, json);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.status, 'cancelled');
      // Elsewhere too: an optional body (block), and none at all (unblock).
      const admin = { key: s.adminKey, headers: json.headers };
      const blocked = await s.request('POST', `/v1/members/${member}/block`, undefined, admin);
      assert.equal(blocked.status, 200, JSON.stringify(blocked.body));
      const unblocked = await s.request('POST', `/v1/members/${member}/unblock`, undefined, admin);
      assert.equal(unblocked.status, 200, JSON.stringify(unblocked.body));
      const published = await s.request('POST', '/v1/rules/publish', undefined, admin);
      assert.equal(published.status, 201, JSON.stringify(published.body));
      const withoutHeader = await s.request('POST', `/v1/members/${member}/block`, undefined, { key: s.adminKey });
      assert.equal(withoutHeader.status, 200, 'an optional body may be left out with no content-type either');
      await s.request('POST', `/v1/members/${member}/unblock`, undefined, { key: s.adminKey });
      const doc = (await s.request('GET', '/openapi.json')).body;
      assert.equal(doc.paths['/v1/members/{id}/block'].post.requestBody.required, false, 'the API document says the body may be left out');
      assert.equal(doc.paths['/v1/purchases'].post.requestBody.required, true);
      const badBlock = await s.request('POST', `/v1/members/${member}/block`, { reason: 5 }, { key: s.adminKey });
      assert.deepEqual([badBlock.status, badBlock.body.code], [400, 'VALIDATION_FAILED'], 'a body that is sent is still checked');
      // A route that needs a body still says which one is missing; broken JSON is still refused.
      const noReceipt = await s.request('POST', '/v1/purchases', undefined, json);
      assert.deepEqual([noReceipt.status, noReceipt.body.code], [400, 'VALIDATION_FAILED']);
      const broken = await fetch(`${s.url}/v1/purchases/${held2.body.purchaseId}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${s.posKey}`, 'content-type': 'application/json' }, body: '{' });
      assert.equal(broken.status, 400);
    });

    test('a receipt without a member is recorded on its own', async () => {
      const res = await s.request('POST', '/v1/purchases', receipt([line('A', 2, 50)], { storeId: 'S1' }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.memberId, null);
      assert.equal(res.body.pointsEarned, 0);
      const rows = await s.database.db.selectFrom('anonymous_purchases').select(['total', 'store_id']).where('purchase_id', '=', res.body.purchaseId).execute();
      assert.deepEqual(rows, [{ total: 10_000, store_id: 'S1' }]);
    });

    test('excluded categories earn nothing', async () => {
      await s.request('PATCH', '/v1/program', { settings: { earnExclusions: { categories: ['tobacco'], skus: [] } } }, { key: s.adminKey });
      const member = await enrol(s);
      const res = await s.request('POST', '/v1/purchases', receipt([line('CIG', 1, 200, { category: 'tobacco' }), line('A', 1, 200)], { memberId: member }));
      assert.deepEqual(res.body.lines.map((l: any) => l.pointsEarned), [0, 10]);
      await s.request('PATCH', '/v1/program', { settings: { earnExclusions: { categories: [], skus: [] } } }, { key: s.adminKey });
    });
  });
}
