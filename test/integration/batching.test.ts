import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PurchaseBatcher } from '../../src/app/purchases/batcher.js';
import type { PurchaseResult } from '../../src/domain/purchase-types.js';
import { credit, DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

/** Settles every promise, keeping answers and errors in order. */
const settle = (ps: Promise<PurchaseResult>[]) => Promise.allSettled(ps);

for (const kind of DATABASES) {
  describe(`purchases written together in one batch (${kind})`, () => {
    let s: TestServer;
    let batcher: PurchaseBatcher;
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
      batcher = new PurchaseBatcher(s.ctx, { maxBatch: 64, maxInFlight: 1 });
    });
    after(() => s.close());

    test('a batch answers each purchase as if it were written alone', async () => {
      const members = await Promise.all(Array.from({ length: 6 }, () => enrol(s)));
      for (const m of members) await credit(s, m, 100);
      const receipts = members.map((m, i) => receipt([line('A', 1, 1000 + i)], { memberId: m, pointsToSpend: 10 * i }));
      const expected = await Promise.all(receipts.map((r) => s.request('POST', '/v1/purchases/calculate', r)));
      const answers = await Promise.all(receipts.map((r) => batcher.submit(s.programId, r)));
      answers.forEach((a, i) => {
        const { purchaseId, status, ...rest } = a;
        const { purchaseId: _p, status: _s, ...calculated } = expected[i]!.body;
        assert.deepEqual(rest, calculated);
        assert.equal(status, 'completed');
        assert.ok(purchaseId);
      });
      for (const [i, m] of members.entries()) {
        assert.equal((await s.request('GET', `/v1/members/${m}/balance`)).body.available, 100 - 10 * i + answers[i]!.pointsEarned);
      }
      await s.assertBooksBalance();
    });

    test('a refused purchase is refused alone, and its receipt id stays free', async () => {
      const [rich, poor] = [await enrol(s), await enrol(s)];
      await credit(s, rich, 500);
      const ok = receipt([line('A', 1, 1000)], { memberId: rich, pointsToSpend: 100 });
      const tooMuch = receipt([line('A', 1, 1000)], { memberId: poor, pointsToSpend: 100 });
      const [a, b] = (await settle([batcher.submit(s.programId, ok), batcher.submit(s.programId, tooMuch)])) as PromiseSettledResult<PurchaseResult>[] as [PromiseSettledResult<PurchaseResult>, PromiseSettledResult<PurchaseResult>];
      assert.equal(a.status, 'fulfilled');
      assert.equal(b.status, 'rejected');
      assert.equal((b as PromiseRejectedResult).reason.code, 'INSUFFICIENT_POINTS');
      const again = await batcher.submit(s.programId, { ...tooMuch, pointsToSpend: 0 });
      assert.equal(again.receiptId, tooMuch.receiptId, 'the receipt id was not kept by the refused purchase');
      await s.assertBooksBalance();
    });

    test('one receipt id sent for two members in one batch is recorded once; a retry gets the first answer', async () => {
      const [m1, m2] = [await enrol(s), await enrol(s)];
      const r1 = receipt([line('A', 1, 1000)], { memberId: m1 });
      const r2 = { ...r1, memberId: m2 };
      const outcomes = (await settle([batcher.submit(s.programId, r1), batcher.submit(s.programId, r2), batcher.submit(s.programId, r1)])).map((x) => (x.status === 'fulfilled' ? x.value.memberId : (x.reason as { code: string }).code));
      assert.equal(outcomes.filter((o) => o === 'RECEIPT_ALREADY_EXISTS').length + outcomes.filter((o) => o === m1).length, 3);
      const ledger1 = (await s.request('GET', `/v1/members/${m1}/ledger`)).body.items;
      const ledger2 = (await s.request('GET', `/v1/members/${m2}/ledger`)).body.items;
      assert.equal(ledger1.length + ledger2.length, 1, 'one earn in all');
      await s.assertBooksBalance();
    });

    test('a member that does not exist does not hold up the others', async () => {
      const m = await enrol(s);
      const good = receipt([line('A', 1, 1000)], { memberId: m });
      const ghost = receipt([line('A', 1, 1000)], { memberId: '01900000-0000-7000-8000-000000000000' });
      const [a, b] = (await settle([batcher.submit(s.programId, good), batcher.submit(s.programId, ghost)])) as PromiseSettledResult<PurchaseResult>[] as [PromiseSettledResult<PurchaseResult>, PromiseSettledResult<PurchaseResult>];
      assert.equal(a.status, 'fulfilled');
      assert.equal((b as PromiseRejectedResult).reason.code, 'MEMBER_NOT_FOUND');
      assert.equal((await s.request('GET', `/v1/members/${m}/balance`)).body.available, 50);
    });

    test('two purchases of one member in the same moment go in turn and never overspend', async () => {
      const m = await enrol(s);
      await credit(s, m, 100);
      const spends = Array.from({ length: 5 }, () => receipt([line('A', 1, 100)], { memberId: m, pointsToSpend: 30 }));
      const results = await settle(spends.map((r) => batcher.submit(s.programId, r)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
      // 100 − 3 × 30 spent + 3 × 3 earned (5 % of the 70 ₽ paid, rounded down) = 19 < 30: the rest are refused.
      assert.equal((await s.request('GET', `/v1/members/${m}/balance`)).body.available, 19);
      await s.assertBooksBalance();
    });
  });
}
