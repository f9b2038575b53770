import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expirePoints } from '../../src/app/ledger.js';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`expiry (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      // Points earned in a month expire at the end of the following month, Moscow time.
      s = await startServer(kind, { pendingDays: 0, expiry: { kind: 'end_of_period', period: 'month', after: 1 } });
    });
    after(() => s.close());

    test('points are gone at the instant they expire, whether or not the expiry job has run', async () => {
      const member = await enrol(s);
      const p = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 2000)], { memberId: member }));
      // Earned on 2 March: expire at the end of April, i.e. 1 May 00:00 Moscow = 30 April 21:00Z.
      assert.equal(p.body.earnedExpiresAt, '2026-04-30T21:00:00.000Z');

      s.clock.current = new Date('2026-04-20T12:00:00Z');
      const soon = (await s.request('GET', `/v1/members/${member}/balance`)).body;
      assert.equal(soon.available, 100);
      assert.deepEqual(soon.expiringSoon, [{ points: 100, expiresAt: '2026-04-30T21:00:00.000Z' }]);

      s.clock.current = new Date('2026-04-30T20:59:59Z');
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 100);
      s.clock.current = new Date('2026-04-30T21:00:00Z');
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 0, 'expired before any job ran');
      const spend = await s.request('POST', '/v1/purchases', receipt([line('B', 1, 1000)], { memberId: member, pointsToSpend: 10 }));
      assert.equal(spend.body.code, 'INSUFFICIENT_POINTS');

      const job = await expirePoints(s.ctx);
      assert.ok(job.points >= 100);
      const ledger = (await s.request('GET', `/v1/members/${member}/ledger`)).body.items;
      assert.deepEqual(
        ledger.map((e: any) => [e.kind, e.points, e.cause.type]),
        [
          ['expire', -100, 'expiry'],
          ['earn', 100, 'purchase'],
        ],
      );
      assert.deepEqual(await expirePoints(s.ctx), { members: 0, points: 0 }, 'running the job again writes nothing');
      await s.assertBooksBalance();
      s.clock.current = new Date('2026-03-02T09:00:00Z');
    });

    test('the lots show what the balance is made of: states, holds and the spending order, right before and after the job', async () => {
      const member = await enrol(s);
      s.clock.current = new Date('2026-03-02T09:00:00Z');
      await s.request('POST', '/v1/purchases', receipt([line('A', 1, 2000)], { memberId: member })); // 100, expires 30 April 21:00Z
      s.clock.current = new Date('2026-05-05T09:00:00Z');
      await s.request('POST', '/v1/purchases', receipt([line('B', 1, 1000)], { memberId: member })); // 50, expires 30 June 21:00Z
      const held = await s.request('POST', '/v1/purchases', receipt([line('C', 1, 1000)], { memberId: member, pointsToSpend: 20, twoPhase: true }));
      assert.equal(held.status, 201);
      const lots = (await s.request('GET', `/v1/members/${member}/lots`, undefined, { key: s.readonlyKey })).body;
      assert.deepEqual(
        lots.items.map((l: any) => [l.state, l.points, l.remaining, l.held, l.spendOrder, l.expiresAt]),
        [
          ['available', 50, 50, 20, 1, '2026-06-30T21:00:00.000Z'],
          ['expired', 100, 100, 0, null, '2026-04-30T21:00:00.000Z'],
        ],
      );
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 30);
      await expirePoints(s.ctx);
      const after = (await s.request('GET', `/v1/members/${member}/lots`, undefined, { key: s.readonlyKey })).body;
      assert.deepEqual(after.items.map((l: any) => l.state), ['available'], 'the expired lot is written down and gone');
      const unknown = await s.request('GET', '/v1/members/01900000-0000-7000-8000-000000000000/lots', undefined, { key: s.readonlyKey });
      assert.equal(unknown.body.code, 'MEMBER_NOT_FOUND');
      assert.equal((await s.request('GET', `/v1/members/${member}/lots`, undefined, { key: s.posKey })).body.code, 'FORBIDDEN');
      await s.request('POST', `/v1/purchases/${held.body.purchaseId}/cancel`);
      await s.assertBooksBalance();
      s.clock.current = new Date('2026-03-02T09:00:00Z');
    });

    test('points held by an unconfirmed purchase are not burned until the hold ends', async () => {
      const member = await enrol(s);
      s.clock.current = new Date('2026-04-30T20:50:00Z');
      await s.request('POST', `/v1/members/${member}/adjustments`, { points: 100, reason: 'gift', expiresAt: '2026-04-30T21:00:00Z' }, { key: s.adminKey });
      const held = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 60, twoPhase: true }));
      assert.equal(held.status, 201, JSON.stringify(held.body));
      s.clock.current = new Date('2026-04-30T21:05:00Z');
      await expirePoints(s.ctx);
      const confirmed = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      const kinds = (await s.request('GET', `/v1/members/${member}/ledger`)).body.items.map((e: any) => [e.kind, e.points]);
      assert.deepEqual(kinds.filter((k: any) => k[0] !== 'earn'), [['redeem', -60], ['expire', -40], ['adjust', 100]]);
      await s.assertBooksBalance();
      s.clock.current = new Date('2026-03-02T09:00:00Z');
    });
  });
}
