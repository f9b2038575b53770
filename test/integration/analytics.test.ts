import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { aggregateProgram } from '../../src/app/analytics/aggregate.js';
import { expirePoints } from '../../src/app/ledger.js';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

/*
 * A small program followed over five weeks, everything through the API (pendingDays 0, 5 % back,
 * 1 point = 1 ₽, points expire 10 days after they are earned):
 *   2 Mar: Anna and Boris enrol; Anna buys for 1 000 ₽ at S1 (+50), Boris 600 ₽ at S2 (+30);
 *          a receipt without a member, 400 ₽ at S1.
 *   3 Mar: Clara enrols; Anna buys 200 ₽ at S2 paying 20 points (+9); no member: 600 ₽ at S2.
 *   4 Mar: Boris returns his purchase (−600 ₽, −30 points); Clara buys 300 ₽, no store (+15).
 *  10 Apr: the expiry job burns 54 points (Anna 30 + 9, Clara 15); Anna buys 5 000 ₽ at S1 (+250);
 *          a till that was offline sends Boris's receipt of 3 March, 100 ₽ at S2 (+5).
 */
for (const kind of DATABASES) {
  describe(`analytics: KPIs, cohorts, points, blocks, payback (${kind})`, () => {
    let s: TestServer;
    const ids: Record<string, string> = {};
    const get = async (path: string) => {
      const res = await s.request('GET', path, undefined, { key: s.readonlyKey });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const buy = async (member: string | null, rub: number, extra: Record<string, unknown> = {}) => {
      const res = await s.request('POST', '/v1/purchases', receipt([line('SKU', 1, rub)], { ...(member ? { memberId: member } : {}), ...extra }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    };

    before(async () => {
      s = await startServer(kind, { pendingDays: 0, expiry: { kind: 'days', days: 10 } });
      ids.anna = await enrol(s, { name: 'Анна' });
      ids.boris = await enrol(s, { name: 'Борис' });
      await buy(ids.anna, 1000, { storeId: 'S1' });
      ids.borisPurchase = (await buy(ids.boris, 600, { storeId: 'S2' })).purchaseId;
      await buy(null, 400, { storeId: 'S1' });
      s.clock.advanceDays(1);
      ids.clara = await enrol(s, { name: 'Клара' });
      await buy(ids.anna, 200, { storeId: 'S2', pointsToSpend: 20 });
      await buy(null, 600, { storeId: 'S2' });
      s.clock.advanceDays(1);
      const ret = await s.request('POST', `/v1/purchases/${ids.borisPurchase}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(ret.status, 201, JSON.stringify(ret.body));
      await buy(ids.clara, 300);
    });
    after(() => s.close());

    test("before the job has run, past days are empty; today's sums are live, its distinct counts wait for the job", async () => {
      const r = await get('/v1/analytics/kpis?from=2026-03-02&to=2026-03-04');
      assert.equal(r.freshness.aggregatedAt, null);
      assert.equal(r.freshness.todayLive, true);
      assert.deepEqual(r.series.map((d: any) => d.memberPurchases), [0, 0, 1]);
      assert.deepEqual([r.totals.memberRefunds, r.totals.newMembers, r.totals.activeMembers, r.totals.newBuyers], [60_000, 0, 0, 0]);
    });

    test('the first run aggregates every day; KPIs per day and in total are exact', async () => {
      const run = await aggregateProgram(s.ctx, s.programId);
      assert.equal(run.full, true);
      s.clock.current = new Date('2026-04-10T09:00:00Z');
      const r = await get('/v1/analytics/kpis?from=2026-03-02&to=2026-03-04&interval=day');
      assert.equal(r.freshness.aggregatedAt, '2026-03-04T09:00:00.000Z');
      assert.equal(r.freshness.todayLive, false);
      const pick = (k: any) => [k.members, k.newMembers, k.activeMembers, k.newBuyers, k.returningMembers, k.memberPurchases, k.memberSales, k.memberPaid, k.memberAverageReceipt];
      assert.deepEqual(r.series.map(pick), [
        [2, 2, 2, 2, 0, 2, 160_000, 160_000, 80_000],
        [3, 1, 1, 0, 1, 1, 20_000, 18_000, 20_000],
        [3, 0, 1, 1, 0, 1, 30_000, 30_000, 30_000],
      ]);
      assert.deepEqual(r.series.map((k: any) => [k.anonymousPurchases, k.anonymousAverageReceipt, k.memberSalesShare, k.averageReceiptUplift]), [
        [1, 40_000, 0.8, 1],
        [1, 60_000, 0.25, -0.6667],
        [0, null, 1, null],
      ]);
      assert.deepEqual(r.series.map((k: any) => [k.pointsEarned, k.pointsSpent, k.pointsIssued, k.pointsRedeemed, k.memberReturns, k.memberRefunds]), [
        [80, 0, 80, 0, 0, 0],
        [9, 20, 9, 20, 0, 0],
        [15, 0, -15, 0, 1, 60_000],
      ]);
      assert.deepEqual(r.totals, {
        members: 3, newMembers: 3, activeMembers: 3, activeShare: 1, newBuyers: 3, returningMembers: 1, repeatPurchaseRate: 0.3333, purchaseFrequency: 1.3333,
        memberPurchases: 4, memberSales: 210_000, memberPaid: 208_000, memberAverageReceipt: 52_500,
        anonymousPurchases: 2, anonymousSales: 100_000, anonymousAverageReceipt: 50_000, memberSalesShare: 0.6774, averageReceiptUplift: 0.05,
        memberReturns: 1, memberRefunds: 60_000, anonymousReturns: 0, anonymousRefunds: 0, netSales: 250_000,
        pointsSpent: 20, pointsEarned: 104, pointsIssued: 74, pointsRedeemed: 20, pointsExpired: 0, pointsAdjusted: 0,
      });
    });

    test('a store sees its own receipts and visitors; members and points are program-wide', async () => {
      const r = await get('/v1/analytics/kpis?from=2026-03-02&to=2026-03-04&storeId=S2');
      const t = r.totals;
      assert.deepEqual([t.members, t.newMembers, t.pointsIssued], [null, null, null]);
      assert.deepEqual([t.activeMembers, t.newBuyers, t.memberPurchases, t.memberSales, t.anonymousPurchases, t.memberRefunds], [2, 2, 2, 80_000, 1, 60_000]);
    });

    test("new activity is aggregated incrementally; today's sums are live before the job runs again", async () => {
      const expired = await expirePoints(s.ctx);
      assert.deepEqual(expired, { members: 2, points: 54 });
      const run = await aggregateProgram(s.ctx, s.programId);
      assert.deepEqual([run.full, run.days], [false, 2], '10 April, and 4 March again (its rows are within the overlap)');
      await buy(ids.anna!, 5000, { storeId: 'S1' });
      const live = await get('/v1/analytics/kpis?from=2026-04-10&to=2026-04-10');
      assert.deepEqual([live.freshness.todayLive, live.totals.memberPurchases, live.totals.memberSales, live.totals.activeMembers], [true, 1, 500_000, 0]);
      s.clock.advance(60_000);
      await aggregateProgram(s.ctx, s.programId);
      const r = await get('/v1/analytics/kpis?from=2026-03-03&to=2026-04-10&interval=month');
      assert.deepEqual(
        r.series.map((k: any) => [k.period, k.from, k.to, k.activeMembers, k.newBuyers, k.returningMembers, k.memberPurchases, k.pointsExpired]),
        [
          ['2026-03-01', '2026-03-03', '2026-03-31', 2, 1, 1, 2, 0],
          ['2026-04-01', '2026-04-01', '2026-04-10', 1, 0, 1, 1, 54],
        ],
      );
      assert.deepEqual([r.totals.activeMembers, r.totals.returningMembers, r.totals.repeatPurchaseRate, r.totals.memberPurchases], [2, 1, 0.5, 3]);
    });

    test('a receipt from a till that was offline changes the past day it is dated, after the next run', async () => {
      await buy(ids.boris!, 100, { storeId: 'S2', occurredAt: '2026-03-03T10:00:00Z' });
      const before = await get('/v1/analytics/kpis?from=2026-03-03&to=2026-03-03');
      assert.equal(before.totals.activeMembers, 1);
      assert.deepEqual((await aggregateProgram(s.ctx, s.programId)).days, 2, 'its day and the day it was received');
      const after = await get('/v1/analytics/kpis?from=2026-03-03&to=2026-03-03');
      assert.deepEqual([after.totals.activeMembers, after.totals.returningMembers, after.totals.memberPurchases, after.totals.memberSales], [2, 2, 2, 30_000]);
    });

    test('retention by monthly cohort of enrolment', async () => {
      const r = await get('/v1/analytics/cohorts?from=2026-03-15&to=2026-04-30');
      assert.equal(r.from, '2026-03-01');
      assert.deepEqual(r.cohorts, [
        { cohort: '2026-03', size: 3, active: [3, 1], retention: [1, 0.3333] },
        { cohort: '2026-04', size: 0, active: [0], retention: [null] },
      ]);
    });

    test('points: issued, redeemed, expired, the liability in money, redemption rate and breakage', async () => {
      const all = await get('/v1/analytics/points');
      assert.deepEqual(
        [all.from, all.to, all.issued, all.redeemed, all.expired, all.outstanding, all.liability, all.redemptionRate, all.breakageRate],
        ['2026-03-02', '2026-04-10', 329, 20, 54, 255, 25_500, 0.0608, 0.1641],
      );
      const march = await get('/v1/analytics/points?from=2026-03-02&to=2026-03-04');
      assert.deepEqual([march.issued, march.redeemed, march.outstanding, march.liability, march.lifetimeBreakageRate], [74, 20, 54, 5400, 0]);
    });

    test('blocks: the main scheme costs the points issued at face value, against the owner budget', async () => {
      const put = await s.request('PUT', '/v1/analytics/budgets', { budgets: [{ month: '2026-03', main: 10_000, mass: 5_000, targeted: 5_000 }] }, { key: s.adminKey });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const r = await get('/v1/analytics/blocks');
      const [march, april] = r.months;
      assert.deepEqual([march.month, march.cost, march.budget, april.month, april.cost, april.budget], ['2026-03', 7_400, 20_000, '2026-04', 25_500, null]);
      assert.deepEqual(march.blocks.main, { cost: 7_400, budget: 10_000, costShare: 1, budgetShare: 0.5, budgetUsed: 0.74 });
      assert.deepEqual(march.blocks.mass, { cost: 0, budget: 5_000, costShare: 0, budgetShare: 0.25, budgetUsed: 0 });
      assert.deepEqual([r.totals.cost, r.totals.blocks.main.cost, r.totals.blocks.targeted.budget], [32_900, 32_900, 5_000]);
      const readonly = await s.request('PUT', '/v1/analytics/budgets', { budgets: [{ month: '2026-03', main: 1 }] }, { key: s.readonlyKey });
      assert.equal(readonly.status, 403);
    });

    test('payback: incremental margin of members over receipts without a member, against the cost', async () => {
      const r = await get('/v1/analytics/payback');
      assert.deepEqual(
        r.months.map((m: any) => [m.month, m.baselineAverageReceipt, m.incrementalRevenue, m.incrementalMargin, m.cost, m.cumulativeNet]),
        [
          // March: 5 member receipts for 2 200 ₽ against 5 × 500 ₽ without a member: −300 ₽.
          ['2026-03', 50_000, -30_000, -7_500, 7_400, -14_900],
          // April has no receipt without a member: the baseline is the whole period's.
          ['2026-04', 50_000, 450_000, 112_500, 25_500, 72_100],
        ],
      );
      assert.deepEqual([r.paybackMonths, r.paidBackIn, r.paidBack, r.marginPercent, r.totalIncrementalMargin, r.totalCost, r.roi], [2, '2026-04', true, 25, 105_000, 32_900, 2.1915]);
      const thin = await get('/v1/analytics/payback?marginPercent=5');
      assert.deepEqual([thin.paybackMonths, thin.paidBack, thin.months[1].cumulativeNet], [null, false, -11_900]);
    });

    test('the KPI series exports as CSV', async () => {
      for (const [query, headers] of [['&format=csv', {}], ['', { accept: 'text/csv' }]] as const) {
        const res = await fetch(`${s.url}/v1/analytics/kpis?from=2026-03-02&to=2026-03-03${query}`, { headers: { authorization: `Bearer ${s.readonlyKey}`, ...headers } });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
        const rows = (await res.text()).split('\r\n');
        assert.equal(rows[0]!.split(',').slice(0, 9).join(','), 'period,from,to,members,newMembers,activeMembers,activeShare,newBuyers,returningMembers');
        assert.equal(rows[1]!.split(',').slice(0, 9).join(','), '2026-03-02,2026-03-02,2026-03-02,2,2,2,1,2,0');
        assert.equal(rows[2]!.split(',').slice(12, 15).join(','), '30000,28000,15000', 'memberSales, memberPaid, average receipt of 3 March');
        assert.equal(rows.length, 4, 'a header, two days and the final line end');
      }
    });

    test('bad ranges are refused with the parameter named', async () => {
      const reversed = await s.request('GET', '/v1/analytics/kpis?from=2026-03-05&to=2026-03-01', undefined, { key: s.readonlyKey });
      assert.deepEqual([reversed.status, reversed.body.code, reversed.body.errors[0].pointer], [422, 'INVALID_DATE_RANGE', 'querystring:/from']);
      const badDay = await s.request('GET', '/v1/analytics/kpis?from=2026-02-30&to=2026-03-01', undefined, { key: s.readonlyKey });
      assert.deepEqual([badDay.status, badDay.body.code], [400, 'VALIDATION_FAILED']);
      const pos = await s.request('GET', '/v1/analytics/kpis?from=2026-03-01&to=2026-03-02');
      assert.equal(pos.status, 403, 'a till key does not see analytics');
    });
  });
}
