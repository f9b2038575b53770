import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cancelTimedOutHolds } from '../../src/app/purchases/two-phase.js';
import { credit, DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`two-phase purchases (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { holdTimeoutMinutes: 15 });
    });
    after(() => s.close());

    test('held points cannot be spent twice, and are spent on confirm', async () => {
      const member = await enrol(s);
      await credit(s, member, 300);
      const held = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 200, twoPhase: true }));
      assert.equal(held.status, 201, JSON.stringify(held.body));
      assert.equal(held.body.status, 'held');
      assert.equal(held.body.holdExpiresAt, '2026-03-02T09:15:00.000Z');
      const balance = (await s.request('GET', `/v1/members/${member}/balance`)).body;
      assert.deepEqual([balance.available, balance.held], [100, 200]);
      const second = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 150 }));
      assert.equal(second.body.code, 'INSUFFICIENT_POINTS');

      const confirmed = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      assert.equal(confirmed.body.status, 'completed');
      assert.equal(confirmed.body.pointsEarned, 40);
      const again = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.deepEqual(again.body, confirmed.body, 'confirming twice changes nothing');
      assert.deepEqual((await s.request('GET', `/v1/purchases/${held.body.purchaseId}`)).body, confirmed.body);
      const after = (await s.request('GET', `/v1/members/${member}/balance`)).body;
      assert.deepEqual([after.available, after.held, after.pendingTotal], [100, 0, 40]);
      await s.assertBooksBalance();
    });

    test('cancel releases the hold', async () => {
      const member = await enrol(s);
      await credit(s, member, 300);
      const held = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 300, twoPhase: true }));
      const cancelled = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/cancel`);
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.body.status, 'cancelled');
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 300);
      const confirm = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.equal(confirm.status, 409);
      assert.equal(confirm.body.code, 'PURCHASE_NOT_HELD');
      await s.assertBooksBalance();
    });

    test('a hold that times out frees the points at once, and the job cancels the purchase', async () => {
      const member = await enrol(s);
      await credit(s, member, 100);
      const held = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 100, twoPhase: true }));
      s.clock.advance(15 * 60_000);
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 100, 'free before any job runs');
      assert.equal(await cancelTimedOutHolds(s.ctx), 1);
      const purchase = await s.database.db.selectFrom('purchases').select('status').where('purchase_id', '=', held.body.purchaseId).executeTakeFirstOrThrow();
      assert.equal(purchase.status, 'cancelled');
      s.clock.advance(-15 * 60_000);
    });

    test('confirming after the timeout answers HOLD_EXPIRED and cancels; a cancel after that does not change why', async () => {
      const member = await enrol(s);
      await credit(s, member, 100);
      const held = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 50, twoPhase: true }));
      s.clock.advance(16 * 60_000);
      const late = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'HOLD_EXPIRED');
      const cancel = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/cancel`);
      assert.deepEqual([cancel.body.status, cancel.body.cancelReason], ['cancelled', 'hold_timeout']);
      const again = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.deepEqual([again.status, again.body.code], [409, 'HOLD_EXPIRED']);
      s.clock.advance(-16 * 60_000);
      await s.assertBooksBalance();
    });

    test('a confirm after the hold-timeout job has run answers HOLD_EXPIRED, and the purchase keeps holdExpiresAt', async () => {
      const member = await enrol(s);
      await credit(s, member, 100);
      const held = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 50, twoPhase: true }));
      s.clock.advance(15 * 60_000);
      assert.ok((await cancelTimedOutHolds(s.ctx)) >= 1);
      const late = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.equal(late.status, 409, JSON.stringify(late.body));
      assert.equal(late.body.code, 'HOLD_EXPIRED');
      assert.equal(late.body.holdExpiresAt, '2026-03-02T09:15:00.000Z');
      const stored = (await s.request('GET', `/v1/purchases/${held.body.purchaseId}`)).body;
      assert.deepEqual([stored.status, stored.cancelReason, stored.holdExpiresAt], ['cancelled', 'hold_timeout', '2026-03-02T09:15:00.000Z']);
      s.clock.advance(-15 * 60_000);
      await s.assertBooksBalance();
    });

    test("a confirm after the till's own cancel answers PURCHASE_NOT_HELD, also once the hold's time has passed and the job has run", async () => {
      const member = await enrol(s);
      await credit(s, member, 100);
      const held = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 50, twoPhase: true }));
      const cancelled = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/cancel`);
      assert.deepEqual([cancelled.body.status, cancelled.body.cancelReason, cancelled.body.holdExpiresAt], ['cancelled', 'cancel', '2026-03-02T09:15:00.000Z']);
      s.clock.advance(20 * 60_000);
      await cancelTimedOutHolds(s.ctx);
      const late = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.deepEqual([late.status, late.body.code], [409, 'PURCHASE_NOT_HELD']);
      assert.equal((await s.request('GET', `/v1/purchases/${held.body.purchaseId}`)).body.cancelReason, 'cancel');
      s.clock.advance(-20 * 60_000);
    });

    test("a cancelled purchase's record agrees with itself: its terms (points, lines, money to pay) stay as they were held", async () => {
      const member = await enrol(s);
      await credit(s, member, 300);
      const held = await s.request('POST', '/v1/purchases', receipt([line('A', 2, 500), line('B', 1, 1000)], { memberId: member, pointsToSpend: 200, twoPhase: true }));
      const cancelled = (await s.request('POST', `/v1/purchases/${held.body.purchaseId}/cancel`)).body;
      const sum = (xs: any[], f: string) => xs.reduce((t, l) => t + l[f], 0);
      assert.equal(cancelled.pointsSpent, sum(cancelled.lines, 'pointsSpent'));
      assert.equal(cancelled.pointsEarned, sum(cancelled.lines, 'pointsEarned'));
      assert.equal(cancelled.paidTotal, sum(cancelled.lines, 'paid'));
      const { status, balanceAfter, cancelReason, receiptText, ...terms } = cancelled;
      const { status: s0, balanceAfter: b0, cancelReason: c0, receiptText: r0, ...heldTerms } = held.body;
      assert.deepEqual(terms, heldTerms, 'the terms are what was held');
      assert.deepEqual([status, cancelReason, balanceAfter, receiptText], ['cancelled', 'cancel', 300, []]);
      assert.deepEqual([s0, c0, b0], ['held', null, 100]);
      assert.deepEqual([cancelled.pointsSpent, cancelled.paidTotal], [200, 180_000]);
      await s.assertBooksBalance();
    });

    test('a create resent after the till cancelled it answers the purchase as it stands: cancelled, so the till does not confirm it', async () => {
      const member = await enrol(s);
      await credit(s, member, 100);
      const body = receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 50, twoPhase: true });
      const held = await s.request('POST', '/v1/purchases', body);
      await s.request('POST', `/v1/purchases/${held.body.purchaseId}/cancel`);
      const resent = await s.request('POST', '/v1/purchases', body);
      assert.equal(resent.status, 201, JSON.stringify(resent.body));
      assert.deepEqual([resent.body.purchaseId, resent.body.status, resent.body.cancelReason], [held.body.purchaseId, 'cancelled', 'cancel']);
      assert.deepEqual(resent.body, (await s.request('GET', `/v1/purchases/${held.body.purchaseId}`)).body, 'the same as reading the purchase');
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 100, 'nothing held again');
      // Resent after a confirm: completed, nothing spent twice.
      const body2 = receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 50, twoPhase: true });
      const held2 = await s.request('POST', '/v1/purchases', body2);
      const confirmed = await s.request('POST', `/v1/purchases/${held2.body.purchaseId}/confirm`);
      assert.deepEqual((await s.request('POST', '/v1/purchases', body2)).body, confirmed.body);
      await s.assertBooksBalance();
    });

    test('a create resent after its hold ran out answers cancelled by the timeout, whether or not the job ran', async () => {
      const member = await enrol(s);
      await credit(s, member, 100);
      const body = receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 50, twoPhase: true });
      const held = await s.request('POST', '/v1/purchases', body);
      s.clock.advance(15 * 60_000);
      const resent = await s.request('POST', '/v1/purchases', body);
      assert.deepEqual([resent.body.purchaseId, resent.body.status, resent.body.cancelReason, resent.body.balanceAfter], [held.body.purchaseId, 'cancelled', 'hold_timeout', 100]);
      const late = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.deepEqual([late.status, late.body.code], [409, 'HOLD_EXPIRED']);
      s.clock.advance(-15 * 60_000);
      await s.assertBooksBalance();
    });
  });

  describe(`returns (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
    });
    after(() => s.close());

    test('a partial return takes back the points earned on the returned units and gives back the points paid for them', async () => {
      const member = await enrol(s);
      await credit(s, member, 300);
      // 3 × 200 ₽ + 1 × 400 ₽ = 1 000 ₽, 300 points spent, 5 % of the 700 ₽ paid = 35 earned.
      const p = await s.request('POST', '/v1/purchases', receipt([line('A', 3, 200), line('B', 1, 400)], { memberId: member, pointsToSpend: 300 }));
      assert.deepEqual(p.body.lines.map((l: any) => [l.pointsSpent, l.pointsEarned]), [[180, 21], [120, 14]]);
      const r1 = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(r1.status, 201, JSON.stringify(r1.body));
      assert.deepEqual([r1.body.pointsRestored, r1.body.pointsClawedBack, r1.body.refund], [60, 7, 14_000]);
      const r2 = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 2 }, { line: 1, quantity: 1 }] });
      assert.deepEqual([r2.body.pointsRestored, r2.body.pointsClawedBack, r2.body.refund], [240, 28, 56_000]);
      // Everything returned: the member is back where they started.
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 300);
      const tooMany = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(tooMany.status, 422);
      assert.equal(tooMany.body.code, 'RETURN_EXCEEDS_PURCHASE');
      await s.assertBooksBalance();
    });

    test('when the earned points were already spent, the balance goes negative and later earns pay it off', async () => {
      const member = await enrol(s);
      const p = await s.request('POST', '/v1/purchases', receipt([line('TV', 1, 20_000)], { memberId: member }));
      assert.equal(p.body.pointsEarned, 1000);
      await s.request('POST', '/v1/purchases', receipt([line('A', 1, 4000)], { memberId: member, pointsToSpend: 1000 }));
      const r = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(r.body.pointsOwed, 1000 - 150, 'the 150 earned on the second purchase are taken first');
      assert.deepEqual([r.body.pointsClawedBack, r.body.pointsWithheld], [150, 0]);
      assert.equal(r.body.refundDue, 2_000_000);
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, -850);
      const payOff = await s.request('POST', '/v1/purchases', receipt([line('B', 1, 20_000)], { memberId: member }));
      assert.equal(payOff.status, 201, JSON.stringify(payOff.body));
      assert.equal(payOff.body.pointsEarned, 1000);
      assert.equal(payOff.body.balanceAfter, 150);
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 150);
      await s.assertBooksBalance();
    });

    test('with the withhold policy the shortfall is kept from the cash refund', async () => {
      await s.request('PATCH', '/v1/program', { settings: { clawbackPolicy: 'withhold_from_refund' } }, { key: s.adminKey });
      const member = await enrol(s);
      const p = await s.request('POST', '/v1/purchases', receipt([line('TV', 1, 20_000)], { memberId: member }));
      await s.request('POST', '/v1/purchases', receipt([line('A', 1, 4000)], { memberId: member, pointsToSpend: 1000 }));
      const r = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(r.body.pointsOwed, 0);
      assert.deepEqual([r.body.pointsClawedBack, r.body.pointsWithheld], [150, 850], 'the same split as under negative_balance: 150 taken, the rest settled another way');
      assert.equal(r.body.refundWithheld, 850 * 100);
      assert.equal(r.body.refundDue, 2_000_000 - 85_000);
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 0);
      await s.request('PATCH', '/v1/program', { settings: { clawbackPolicy: 'negative_balance' } }, { key: s.adminKey });
      await s.assertBooksBalance();
    });

    test('a return retried with the same Idempotency-Key is applied once', async () => {
      const member = await enrol(s);
      const p = await s.request('POST', '/v1/purchases', receipt([line('A', 2, 1000)], { memberId: member }));
      const headers = { 'idempotency-key': `ret-${p.body.purchaseId}` };
      const first = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] }, { headers });
      const retry = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] }, { headers });
      assert.deepEqual(retry.body, first.body);
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 50);
      const other = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 2 }] }, { headers });
      assert.equal(other.status, 409);
      assert.equal(other.body.code, 'IDEMPOTENCY_KEY_REUSED');
    });

    test('a receipt without a member can be returned for its refund', async () => {
      const p = await s.request('POST', '/v1/purchases', receipt([line('A', 2, 150)]));
      const r = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual([r.body.refund, r.body.memberId, r.body.balanceAfter], [15_000, null, null]);
    });
  });
}
