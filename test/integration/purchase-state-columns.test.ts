import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import * as stateColumns from '../../src/store/migrations/0020-purchase-state-columns.js';
import { credit, DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

// A purchase's state lives in its row's columns; the stored answer (`result`) only replays a retry
// or a GET (issue 13, docs/adr/0029-member-ledger-writer.md). These tests spoil the stored answers
// in the database and show that confirms and returns still move exactly the right points and money.

/** An answer whose lines and points say nothing true about the purchase. */
const SPOILED = sql`jsonb_set(jsonb_set(jsonb_set(result, '{lines}', '[]'), '{pointsEarned}', '0'), '{earnedAvailableAt}', 'null')`;

for (const kind of DATABASES) {
  describe(`a purchase's state is its columns, not its stored answer (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
    });
    after(() => s.close());

    const spoil = async (purchaseId: string) => {
      await sql`update purchases set result = ${SPOILED} where purchase_id = ${purchaseId}`.execute(s.database.db);
    };

    test('a return of a purchase whose stored answer lost its lines takes back and gives back what the lines were worth', async () => {
      const member = await enrol(s);
      await credit(s, member, 300);
      // 3 × 200 ₽ + 1 × 400 ₽, 300 points spent: lines of [180 spent, 21 earned] and [120, 14].
      const p = await s.request('POST', '/v1/purchases', receipt([line('A', 3, 200), line('B', 1, 400)], { memberId: member, pointsToSpend: 300 }));
      assert.equal(p.status, 201, JSON.stringify(p.body));
      await spoil(p.body.purchaseId);
      const r1 = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(r1.status, 201, JSON.stringify(r1.body));
      assert.deepEqual([r1.body.pointsRestored, r1.body.pointsClawedBack, r1.body.refund], [60, 7, 14_000]);
      // The first return's stored answer is spoiled too: the units it brought back still count.
      await sql`update returns set result = '{"lines": []}'::jsonb where return_id = ${r1.body.returnId}`.execute(s.database.db);
      const tooMany = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 3 }] });
      assert.deepEqual([tooMany.status, tooMany.body.code], [422, 'RETURN_EXCEEDS_PURCHASE']);
      const r2 = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 2 }, { line: 1, quantity: 1 }] });
      assert.deepEqual([r2.body.pointsRestored, r2.body.pointsClawedBack, r2.body.refund], [240, 28, 56_000]);
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 300, 'everything returned: back where the member started');
      await s.assertBooksBalance();
    });

    test('a confirm of a held purchase whose stored answer says it earns nothing earns on its terms', async () => {
      const member = await enrol(s);
      await credit(s, member, 300);
      // 1 000 ₽ with 200 points held: 5 % of the 800 ₽ paid = 40 points on confirm.
      const held = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member, pointsToSpend: 200, twoPhase: true }));
      assert.equal(held.body.status, 'held');
      await spoil(held.body.purchaseId);
      const confirmed = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 100 + 40);
      const row = await s.database.db.selectFrom('purchases').select(['status', 'points_spent', 'points_earned']).where('purchase_id', '=', held.body.purchaseId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'completed', points_spent: 200, points_earned: 40 });
      const earned = await s.database.db.selectFrom('lots').select(['amount', 'available_at']).where('purchase_id', '=', held.body.purchaseId).executeTakeFirstOrThrow();
      assert.equal(earned.amount, 40);
      // The return of the spoiled, confirmed purchase gives back the 200 points and takes the 40.
      const r = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.deepEqual([r.body.pointsRestored, r.body.pointsClawedBack, r.body.refund], [200, 40, 80_000]);
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`)).body.available, 300);
      await s.assertBooksBalance();
    });

    test('a receipt without a member whose stored answer lost its lines is refunded what its lines were paid', async () => {
      const p = await s.request('POST', '/v1/purchases', receipt([line('A', 2, 150)]));
      await sql`update anonymous_purchases set result = ${SPOILED} where purchase_id = ${p.body.purchaseId}`.execute(s.database.db);
      const r = await s.request('POST', `/v1/purchases/${p.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.refund, 15_000);
    });

    test('a database from before the columns gets them from the stored answers (migration 0020), and its purchases return and confirm as before', async () => {
      const member = await enrol(s);
      await credit(s, member, 300);
      const done = await s.request('POST', '/v1/purchases', receipt([line('A', 3, 200), line('B', 1, 400)], { memberId: member, pointsToSpend: 100 }));
      const held = await s.request('POST', '/v1/purchases', receipt([line('C', 2, 500)], { memberId: member, pointsToSpend: 100, twoPhase: true }));
      const anonymous = await s.request('POST', '/v1/purchases', receipt([line('D', 4, 100)]));
      const columns = () =>
        sql<{ purchase_id: string; earned_available_at: Date | null; earned_expires_at: Date | null; line_terms: unknown }>`
          select purchase_id, earned_available_at, earned_expires_at, line_terms from purchases where member_id = ${member}
          union all select purchase_id, null, null, line_terms from anonymous_purchases where purchase_id = ${anonymous.body.purchaseId}
          order by purchase_id`.execute(s.database.db);
      const written = (await columns()).rows;
      assert.deepEqual(
        written.find((r) => r.purchase_id === done.body.purchaseId)?.line_terms,
        done.body.lines.map((l: any) => [l.quantity, l.paid, l.pointsSpent, l.pointsEarned]),
      );
      // Back to the schema before 0020 and forward again: the columns are rebuilt from the answers alone.
      await stateColumns.down(s.database.db);
      await stateColumns.up(s.database.db);
      assert.deepEqual((await columns()).rows, written);

      const r = await s.request('POST', `/v1/purchases/${done.body.purchaseId}/returns`, { lines: [{ line: 1, quantity: 1 }] });
      assert.deepEqual([r.status, r.body.refund], [201, done.body.lines[1].paid]);
      assert.deepEqual([r.body.pointsRestored, r.body.pointsClawedBack], [done.body.lines[1].pointsSpent, done.body.lines[1].pointsEarned]);
      const confirmed = await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`);
      assert.deepEqual([confirmed.status, confirmed.body.status, confirmed.body.pointsEarned], [200, 'completed', held.body.pointsEarned]);
      const a = await s.request('POST', `/v1/purchases/${anonymous.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 4 }] });
      assert.equal(a.body.refund, 40_000);
      await s.assertBooksBalance();
    });
  });
}
