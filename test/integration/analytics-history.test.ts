import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { runAnalytics } from '../../src/app/analytics/run.js';
import { fillDemo } from '../../src/app/demo/fill.js';
import { addDays, dayIn } from '../../src/domain/analytics/periods.js';
import { checkBooks } from '../../src/store/verify.js';
import { DATABASES, startServer, type TestServer } from '../support/harness.js';

/*
 * History written in the past (docs/adr/0020): the README's first hour — the server starts (and
 * the analytics job runs over an empty program), then `kopilka demo` fills months of back-dated
 * members, receipts and points, then the server starts again. The next run of the job must show
 * all of it: members, active members, liability, cohorts, RFM and a model fit — not one day at a
 * time. The same for a CSV import of old receipts.
 */
for (const kind of DATABASES) {
  describe(`analytics after back-dated history (${kind})`, () => {
    let s: TestServer;
    const get = async (path: string) => {
      const res = await s.request('GET', path, undefined, { key: s.readonlyKey });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    /** What the ledger and the members' table say, straight from the raw rows. */
    const truth = async () => {
      const books = await checkBooks(s.database.db, s.programId);
      const account = books.accounts.find((a) => a.programId === s.programId)!;
      const members = await sql<{ n: number }>`select count(*)::int as n from members where program_id = ${s.programId}`.execute(s.database.db);
      const buyers = await sql<{ n: number }>`select count(distinct member_id)::int as n from purchases where program_id = ${s.programId} and status = 'completed'`.execute(s.database.db);
      return { balances: account.memberBalances, members: members.rows[0]!.n, buyers: buyers.rows[0]!.n };
    };

    before(async () => {
      s = await startServer(kind, { pointValue: 100 });
      // The server's first start: the job runs over the still empty program.
      await runAnalytics(s.ctx, s.programId);
      s.clock.advance(60_000);
      // `kopilka demo` while the server is stopped: six months of history, dated in the past.
      await fillDemo(s.database.db, { programId: s.programId, members: 60, months: 6, seed: 7, now: s.clock.now() });
      s.clock.advance(60_000);
    });
    after(() => s.close());

    test('the next run of the job recomputes every day of the demo and does the daily work at once', async () => {
      const run = await runAnalytics(s.ctx, s.programId);
      assert.ok(run.aggregatedDays > 180, `${run.aggregatedDays} days recomputed`);
      assert.equal(run.daily, true, 'RFM and the segments are redone the same day');
      assert.ok(run.rfmMembers !== null && run.rfmMembers > 0);
      assert.notEqual(run.fit, null, 'a model fit is tried');
      assert.equal((await runAnalytics(s.ctx, s.programId)).daily, false, 'once: the next run is an ordinary one');
    });

    test("the dashboard's figures match the ledger and the members' table", async () => {
      const today = dayIn(s.clock.now(), 'Europe/Moscow');
      const { balances, members, buyers } = await truth();
      const from = addDays(today, -800);
      const k = await get(`/v1/analytics/kpis?from=${from}&to=${today}&interval=month`);
      assert.equal(k.totals.members, members);
      assert.equal(k.totals.newMembers, members);
      assert.equal(k.totals.activeMembers, buyers);
      assert.ok(k.totals.activeShare <= 1, `active share ${k.totals.activeShare}`);
      for (const p of k.series) assert.ok(p.activeShare === null || p.activeShare <= 1, `${p.period}: ${p.activeShare}`);
      const month = await get(`/v1/analytics/kpis?from=${addDays(today, -29)}&to=${today}`);
      assert.ok(month.totals.activeMembers > 1 && month.totals.activeShare <= 1, JSON.stringify(month.totals));
      const points = await get(`/v1/analytics/points?from=${addDays(today, -29)}&to=${today}`);
      assert.equal(points.outstanding, balances);
      assert.equal(points.liability, balances * 100);
      const cohorts = await get(`/v1/analytics/cohorts?from=${addDays(today, -180)}&to=${today}`);
      assert.equal(cohorts.cohorts.reduce((n: number, c: { size: number }) => n + c.size, 0) > 0, true);
      assert.ok(cohorts.cohorts.some((c: { active: number[] }) => c.active.some((a) => a > 0)));
      const rfm = await get('/v1/analytics/rfm');
      assert.ok(rfm.members > 0);
    });

    test('old receipts imported from a CSV file show in their days at the next run', async () => {
      const before = await get('/v1/analytics/kpis?from=2023-01-01&to=2023-01-31');
      assert.equal(before.totals.memberPurchases, 0);
      const csv = 'phone,receipt_id,occurred_at,total\n+79990000001,OLD-1,2023-01-10 12:00,1500.00\n+79990000002,OLD-2,2023-01-20 12:00,700.00\n';
      const res = await fetch(`${s.url}/v1/imports/purchases?createMembers=true&amounts=major`, { method: 'POST', headers: { authorization: `Bearer ${s.adminKey}`, 'content-type': 'text/csv' }, body: csv });
      assert.equal(res.status, 200, await res.text());
      await runAnalytics(s.ctx, s.programId);
      const after = await get('/v1/analytics/kpis?from=2023-01-01&to=2023-01-31');
      assert.equal(after.totals.memberPurchases, 2);
      assert.equal(after.totals.memberSales, 220_000);
      assert.equal(after.totals.newMembers, 2, 'the members it created, enrolled at their first receipt');
      assert.ok(after.totals.activeShare <= 1);
      const { members } = await truth();
      const today = dayIn(s.clock.now(), 'Europe/Moscow');
      assert.equal((await get(`/v1/analytics/kpis?from=2020-01-01&to=${today}&interval=month`)).totals.members, members);
    });
  });
}
