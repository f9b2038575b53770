import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { aggregateCampaignComparisons } from '../../src/app/analytics/campaign-comparisons.js';
import { campaignComparisonDays } from '../../src/app/analytics/campaigns.js';
import { runAnalytics } from '../../src/app/analytics/run.js';
import { addDays, startOfDayIn } from '../../src/domain/analytics/periods.js';
import { inControlGroup } from '../../src/domain/rules/control-group.js';
import type { Campaign } from '../../src/domain/rules/types.js';
import { populationOutcomes } from '../../src/store/analytics-campaigns.js';
import { campaign } from '../support/campaigns.js';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

/*
 * A spring campaign with a 50 % control group, 2–8 March 2026 (Moscow): 100 points (1 point =
 * 1 ₽) and 10 ₽ off every receipt. Six members enrolled on 16 February and bought once on 20 February
 * (so they are in the population: bought in the 28 days before the window); others enrolled then
 * never buy and are not. In the window:
 *   treatment T1 300 + 500 ₽ on two days, T2 600 ₽, T3 200 + 300 + 500 ₽ on three days;
 *   control   C1 300 ₽, C2 500 ₽, C3 100 + 300 ₽ on two days;
 *   a receipt without a member, 1 000 ₽ (it gets the discount: no control group without a member).
 * Spend per member: treatment 800, 600, 1 000 ₽ (mean 800, s² = 4·10⁸ kopecks²), control 300, 500,
 * 400 ₽ (mean 400, s² = 10⁸). Uplift 400 ₽ = 40 000 kopecks, se = √(4·10⁸/3 + 10⁸/3) = 12 909.94,
 * Welch df = 50/17 = 2.941, t(0.975) = 3.218759: 40 000 ± 41 553.995 → −1 554 … 81 554.
 * Visits: 2, 1, 3 against 1, 1, 2: uplift 0.6667, df 3.2, t = 3.072829 → −1.3819 … 2.7152.
 */
/** The comparison of the spring campaign over 2–8 March, as worked out above. */
function assertSpringFigures(k: any) {
  assert.deepEqual(k.treatment, { members: 3, meanSpend: 80_000, meanVisits: 2 });
  assert.deepEqual(k.control, { members: 3, meanSpend: 40_000, meanVisits: 1.3333 });
  assert.deepEqual(k.spend, {
    treatment: 80_000, control: 40_000, absolute: 40_000, absoluteInterval: { low: -1_554, high: 81_554 },
    relative: 1, relativeInterval: { low: -0.3141, high: 2.3141 }, reason: null, significant: false,
  });
  assert.deepEqual(k.visits, {
    treatment: 2, control: 1.3333, absolute: 0.6667, absoluteInterval: { low: -1.3819, high: 2.7152 },
    relative: 0.5, relativeInterval: { low: -1.2602, high: 2.2602 }, reason: null, significant: false,
  });
  // 40 000 × 3 treated members; 25 % of it; against the members' cost 60 000 + 6 000.
  assert.deepEqual([k.incrementalRevenue, k.incrementalRevenueInterval], [120_000, { low: -4_662, high: 244_662 }]);
  assert.deepEqual([k.incrementalMargin, k.incrementalMarginInterval], [30_000, { low: -1_165, high: 61_165 }]);
  assert.deepEqual([k.memberCost, k.roi, k.roiInterval], [66_000, -0.5455, { low: -1.0177, high: -0.0733 }]);
}

for (const kind of DATABASES) {
  describe(`analytics per campaign: reach, cost, uplift over the control group (${kind})`, () => {
    let s: TestServer;
    const t: string[] = [];
    const c: string[] = [];
    const admin = () => ({ key: s.adminKey });
    const get = (path: string, key = s.readonlyKey) => s.request('GET', path, undefined, { key });
    const buy = async (member: string | null, rub: number, sku = 'BREAD') => {
      const res = await s.request('POST', '/v1/purchases', receipt([line(sku, 1, rub)], member ? { memberId: member } : {}));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    };

    before(async () => {
      s = await startServer(kind, { pendingDays: 0, holdTimeoutMinutes: 120 });
      s.clock.current = new Date('2026-02-16T09:00:00Z');
      while (t.length < 3 || c.length < 3) {
        const m = await enrol(s);
        (inControlGroup('spring', m, 50) ? c : t).push(m);
      }
      s.clock.current = new Date('2026-02-20T09:00:00Z');
      for (const m of [...t.slice(0, 3), ...c.slice(0, 3)]) await buy(m, 100);
      const spring = campaign('spring', { name: 'Весна', schedule: { from: '2026-03-02', to: '2026-03-08' }, controlGroupPercent: 50, effects: [{ kind: 'points_fixed', points: 100 }, { kind: 'discount_fixed', amount: 10_00 }] });
      const tea = campaign('tea', { name: 'Чай', conditions: [{ kind: 'lines', lines: { skus: ['TEA'] }, match: 'any' }], effects: [{ kind: 'points_fixed', points: 10 }] });
      const winter = campaign('winter', { schedule: { to: '2026-01-31' }, effects: [{ kind: 'points_fixed', points: 10 }] });
      for (const x of [spring, tea, winter]) assert.equal((await s.request('POST', '/v1/campaigns', { campaign: x, status: 'active' }, admin())).status, 201);
      assert.equal((await s.request('POST', '/v1/campaigns', { campaign: campaign('draft', { effects: [{ kind: 'points_fixed', points: 1 }] }) }, admin())).status, 201);

      s.clock.current = new Date('2026-03-02T09:00:00Z');
      for (const [m, rub] of [[t[0], 300], [t[1], 600], [t[2], 200], [c[0], 300], [c[2], 100], [null, 1000]] as const) await buy(m ?? null, rub);
      s.clock.advanceDays(1);
      for (const [m, rub] of [[t[0], 500], [t[2], 300], [c[1], 500], [c[2], 300]] as const) await buy(m!, rub);
      s.clock.advanceDays(1);
      await buy(t[2]!, 500);
      s.clock.current = new Date('2026-03-10T09:00:00Z');
      await buy(t[0]!, 9_999); // after the campaign: neither an effect nor in the window
    });
    after(() => s.close());

    test('the list has the campaigns with effects or live in the range, with reach, receipts, revenue and cost', async () => {
      const res = await get('/v1/analytics/campaigns?from=2026-03-01&to=2026-03-31');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.currency, res.body.pointValue], ['RUB', 100]);
      assert.deepEqual(res.body.campaigns.map((x: any) => x.campaignId), ['spring', 'tea'], 'not the winter campaign (over), nor the draft');
      const [spring, tea] = res.body.campaigns;
      assert.deepEqual(
        [spring.membersReached, spring.memberReceipts, spring.anonymousReceipts, spring.receipts, spring.revenue, spring.controlGroupPercent, spring.schedule],
        [3, 6, 1, 7, 340_000, 50, { from: '2026-03-02', to: '2026-03-08' }],
      );
      assert.deepEqual(spring.cost, { points: 600, pointsValue: 60_000, discount: 7_000, total: 67_000 });
      assert.deepEqual([tea.membersReached, tea.receipts, tea.cost.total], [0, 0, 0]);
    });

    test('one campaign: the populations, uplift in spend and visits with 95 % intervals, incremental margin and ROI', async () => {
      const res = await get('/v1/analytics/campaigns/spring?from=2026-03-01&to=2026-03-31');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const r = res.body;
      assert.deepEqual([r.membersReached, r.receipts, r.cost.total, r.marginPercent, r.confidence, r.noComparison], [3, 7, 67_000, 25, 0.95, null]);
      const k = r.comparison;
      assert.deepEqual([k.windowFrom, k.windowTo, k.populationFrom, k.lookbackFrom], ['2026-03-02', '2026-03-08', '2026-03-02', '2026-02-02']);
      assert.deepEqual([k.source, k.asOf], ['live', '2026-03-10T09:00:00.000Z'], 'before the job has run, read from the purchases now');
      assertSpringFigures(k);
    });

    test('a range with one day of the campaign: the population is still drawn before the campaign; a control group that spent nothing has no relative uplift', async () => {
      const res = await get('/v1/analytics/campaigns/spring?from=2026-03-04&to=2026-03-04&marginPercent=50');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const k = res.body.comparison;
      // The population: members who bought in the 28 days before the campaign began (all six); only T3 bought on 4 March.
      assert.deepEqual([k.windowFrom, k.windowTo, k.populationFrom, k.lookbackFrom], ['2026-03-04', '2026-03-04', '2026-03-02', '2026-02-02']);
      assert.deepEqual([k.treatment.members, k.control.members, k.spend.absolute, k.spend.reason], [3, 3, 16_667, 'no_control_spend']);
      assert.equal(k.source, 'live', 'a part of the window is always read from the purchases');
      assert.deepEqual([res.body.marginPercent, k.incrementalMargin, res.body.cost.total], [50, 25_000, 11_000]);
    });

    test('a campaign without a control group has figures but no comparison', async () => {
      const res = await get('/v1/analytics/campaigns/tea?from=2026-03-01&to=2026-03-31');
      assert.deepEqual([res.status, res.body.comparison, res.body.noComparison], [200, null, 'no_control_group']);
    });

    test('bad input: an unknown campaign is 404, from after to is 422, a till key is 403', async () => {
      const unknown = await get('/v1/analytics/campaigns/nope?from=2026-03-01&to=2026-03-31');
      assert.deepEqual([unknown.status, unknown.body.code], [404, 'CAMPAIGN_NOT_FOUND']);
      assert.match(unknown.headers.get('content-type') ?? '', /application\/problem\+json/);
      const backwards = await get('/v1/analytics/campaigns/spring?from=2026-03-31&to=2026-03-01');
      assert.deepEqual([backwards.status, backwards.body.code], [422, 'INVALID_DATE_RANGE']);
      const listBackwards = await get('/v1/analytics/campaigns?from=2026-03-31&to=2026-03-01');
      assert.deepEqual([listBackwards.status, listBackwards.body.code], [422, 'INVALID_DATE_RANGE']);
      const missing = await get('/v1/analytics/campaigns?from=2026-03-01');
      assert.deepEqual([missing.status, missing.body.code], [400, 'VALIDATION_FAILED']);
      assert.equal((await get('/v1/analytics/campaigns?from=2026-03-01&to=2026-03-31', s.posKey)).status, 403);
    });

    /** The stored rows of the spring comparison against the live population query over the same window, member by member. */
    const assertStoredEqualsLive = async () => {
      const days = campaignComparisonDays({ schedule: { from: '2026-03-02', to: '2026-03-08' } } as Campaign, '2026-02-20', '2026-03-31')!;
      const at = (d: string) => startOfDayIn(d, 'Europe/Moscow');
      const live = await populationOutcomes(s.ctx.db, {
        programId: s.programId,
        timeZone: 'Europe/Moscow',
        lookbackStart: at(days.lookbackFrom),
        populationStart: at(days.populationFrom),
        windowStart: at(days.windowFrom),
        windowEnd: at(addDays(days.windowTo, 1)),
      });
      const stored = await s.ctx.db.selectFrom('campaign_comparison_members').select(['member_id', 'spend', 'visits']).where('campaign_id', '=', 'spring').execute();
      const byId = (a: { memberId: string }, b: { memberId: string }) => a.memberId.localeCompare(b.memberId);
      assert.deepEqual(stored.map((r) => ({ memberId: r.member_id, spend: Number(r.spend), visits: r.visits })).sort(byId), [...live].sort(byId));
    };

    test('the analytics job stores the comparison: the report over the whole campaign reads it, with the same figures; a second run changes nothing', async () => {
      const run = await runAnalytics(s.ctx, s.programId);
      assert.deepEqual(run.comparisons, { campaigns: 1, filled: 1, members: 6, changed: 6 }, 'the spring campaign filled with its population of six');
      await assertStoredEqualsLive();
      const res = await get('/v1/analytics/campaigns/spring?from=2026-03-01&to=2026-03-31');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const k = res.body.comparison;
      assert.deepEqual([k.source, k.asOf, k.windowFrom, k.windowTo, k.populationFrom, k.lookbackFrom], ['aggregates', '2026-03-10T09:00:00.000Z', '2026-03-02', '2026-03-08', '2026-03-02', '2026-02-02']);
      assertSpringFigures(k);
      const again = await runAnalytics(s.ctx, s.programId);
      assert.deepEqual([again.comparisons.filled, again.comparisons.changed], [0, 0], 'idempotent: no refill, no row changed');
      assertSpringFigures((await get('/v1/analytics/campaigns/spring?from=2026-03-01&to=2026-03-31')).body.comparison);
      const part = await get('/v1/analytics/campaigns/spring?from=2026-03-04&to=2026-03-31');
      assert.deepEqual([part.body.comparison.source, part.body.comparison.windowFrom], ['live', '2026-03-04'], 'a range that starts after the campaign did is read live');
    });

    test('late receipts, confirmed and cancelled holds and returns: the next runs recompute only the members they touch', async () => {
      // 11 March: a till that was offline sends C1's receipt of 5 March (200 ₽); C2 and C3 get held
      // purchases dated 6 March (400 and 100 ₽); T2's 600 ₽ receipt is partly returned.
      s.clock.current = new Date('2026-03-11T09:00:00Z');
      const late = await s.request('POST', '/v1/purchases', receipt([line('BREAD', 1, 150), line('MILK', 1, 50)], { memberId: c[0], occurredAt: '2026-03-05T10:00:00Z' }));
      assert.equal(late.status, 201, JSON.stringify(late.body));
      const heldC2 = await s.request('POST', '/v1/purchases', receipt([line('BREAD', 1, 400)], { memberId: c[1], occurredAt: '2026-03-06T10:00:00Z', twoPhase: true }));
      const heldC3 = await s.request('POST', '/v1/purchases', receipt([line('BREAD', 1, 100)], { memberId: c[2], occurredAt: '2026-03-06T10:00:00Z', twoPhase: true }));
      assert.deepEqual([heldC2.body.status, heldC3.body.status], ['held', 'held'], JSON.stringify([heldC2.body, heldC3.body]));
      const ret = await s.request('POST', `/v1/purchases/${late.body.purchaseId}/returns`, { lines: [{ line: 1, quantity: 1 }] });
      assert.equal(ret.status, 201, JSON.stringify(ret.body));
      s.clock.current = new Date('2026-03-11T09:30:00Z');
      const second = await runAnalytics(s.ctx, s.programId);
      assert.deepEqual(second.comparisons, { campaigns: 1, filled: 0, members: 3, changed: 1 }, 'C1, C2, C3 looked at; only C1 changed (held purchases do not count yet)');
      let k = (await get('/v1/analytics/campaigns/spring?from=2026-03-01&to=2026-03-31')).body.comparison;
      assert.equal(k.asOf, '2026-03-11T09:30:00.000Z');
      // The return does not reduce spend: C1 has 300 + 200 ₽ on two days.
      assert.deepEqual([k.treatment, k.control], [{ members: 3, meanSpend: 80_000, meanVisits: 2 }, { members: 3, meanSpend: 46_667, meanVisits: 1.6667 }]);

      // Half an hour later (the receipts are now older than the job's overlap), C3's hold is confirmed and C2's cancelled.
      s.clock.current = new Date('2026-03-11T10:00:00Z');
      assert.equal((await s.request('POST', `/v1/purchases/${heldC3.body.purchaseId}/confirm`)).status, 200);
      assert.equal((await s.request('POST', `/v1/purchases/${heldC2.body.purchaseId}/cancel`)).status, 200);
      const third = await runAnalytics(s.ctx, s.programId);
      assert.deepEqual([third.comparisons.filled, third.comparisons.members, third.comparisons.changed], [0, 1, 1], 'only C3, found by the entries of the confirmation');
      k = (await get('/v1/analytics/campaigns/spring?from=2026-03-01&to=2026-03-31')).body.comparison;
      // C3: 100 + 300 + 100 ₽ on three days; C2 still 500 ₽: control 500, 500, 500 ₽.
      assert.deepEqual([k.source, k.control], ['aggregates', { members: 3, meanSpend: 50_000, meanVisits: 2 }]);
      assert.deepEqual([k.spend.absolute, k.spend.reason], [30_000, null]);
      await assertStoredEqualsLive();
      assert.deepEqual((await runAnalytics(s.ctx, s.programId)).comparisons.changed, 0);
      // Two servers' jobs refilling at once queue on the comparison row: the rows come out the same.
      const both = await Promise.all([aggregateCampaignComparisons(s.ctx, s.programId, { full: true }), aggregateCampaignComparisons(s.ctx, s.programId, { full: true })]);
      assert.deepEqual(both.map((r) => [r.filled, r.members]), [[1, 6], [1, 6]]);
      await assertStoredEqualsLive();
      assert.deepEqual((await get('/v1/analytics/campaigns/spring?from=2026-03-01&to=2026-03-31')).body.comparison.control, { members: 3, meanSpend: 50_000, meanVisits: 2 });
    });
  });
}

/*
 * A weekend campaign (Saturdays and Sundays, 10 points a receipt, 50 % control group) without
 * dates, published on Saturday 7 March 2026 at 11:00 Moscow time. Three members in each group bought on 20 February
 * (the population) and big on Monday 2 March, before it existed. Saturday 7 March: treatment
 * 1 000, 1 010, 1 020 ₽, control 100, 110, 120 ₽. Monday 9 March: treatment 5 000 ₽ each, outside
 * the campaign's days.
 * Spend: 1 010 against 110 ₽, s² = 100 ₽² each: se = 8.165 ₽, df = 4, t = 2.776445:
 * 900 ± 22.67 ₽, an effect.
 */
for (const kind of DATABASES) {
  describe(`campaign results count from publication and on the campaign's days only (${kind})`, () => {
    let s: TestServer;
    const t: string[] = [];
    const c: string[] = [];
    const get = (path: string) => s.request('GET', path, undefined, { key: s.readonlyKey });
    const buy = async (m: string, rub: number) => assert.equal((await s.request('POST', '/v1/purchases', receipt([line('BREAD', 1, rub)], { memberId: m }))).status, 201);

    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
      s.clock.current = new Date('2026-02-16T09:00:00Z');
      while (t.length < 3 || c.length < 3) {
        const m = await enrol(s);
        (inControlGroup('weekend', m, 50) ? c : t).push(m);
      }
      s.clock.current = new Date('2026-02-20T09:00:00Z');
      for (const m of [...t.slice(0, 3), ...c.slice(0, 3)]) await buy(m, 100);
      s.clock.current = new Date('2026-03-02T09:00:00Z');
      for (const m of t.slice(0, 3)) await buy(m, 3_000);
      s.clock.current = new Date('2026-03-07T08:00:00Z');
      const weekend = campaign('weekend', { name: 'Выходные', schedule: { weekdays: [6, 7] }, controlGroupPercent: 50, effects: [{ kind: 'points_fixed', points: 10 }] });
      assert.equal((await s.request('POST', '/v1/campaigns', { campaign: weekend, status: 'active' }, { key: s.adminKey })).status, 201);
    });
    after(() => s.close());

    test('just published, it has reached nobody: no data yet, and no revenue claimed for the days before it existed', async () => {
      s.clock.current = new Date('2026-03-07T08:30:00Z');
      const res = await get('/v1/analytics/campaigns/weekend?from=2025-12-08&to=2026-03-07');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.membersReached, res.body.comparison, res.body.noComparison], [0, null, 'no_reach']);
    });

    test('the window starts at publication and counts only Saturdays and Sundays; a measurable effect says so', async () => {
      s.clock.current = new Date('2026-03-07T09:00:00Z');
      for (const [m, rub] of [[t[0], 1_000], [t[1], 1_010], [t[2], 1_020], [c[0], 100], [c[1], 110], [c[2], 120]] as const) await buy(m!, rub);
      s.clock.current = new Date('2026-03-09T09:00:00Z');
      for (const m of t.slice(0, 3)) await buy(m, 5_000);
      s.clock.current = new Date('2026-03-10T09:00:00Z');
      const res = await get('/v1/analytics/campaigns/weekend?from=2026-02-01&to=2026-03-10');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const k = res.body.comparison;
      assert.deepEqual([res.body.membersReached, k.windowFrom, k.windowTo, k.populationFrom, k.source], [3, '2026-03-07', '2026-03-10', '2026-03-07', 'live']);
      assert.deepEqual([k.treatment, k.control], [{ members: 3, meanSpend: 101_000, meanVisits: 1 }, { members: 3, meanSpend: 11_000, meanVisits: 1 }]);
      assert.deepEqual([k.spend.absolute, k.spend.absoluteInterval, k.spend.significant], [90_000, { low: 87_733, high: 92_267 }, true]);
      assert.deepEqual([k.visits.absolute, k.visits.significant], [0, false]);
      // The job's stored comparison: the same window and days, the same figures.
      await runAnalytics(s.ctx, s.programId);
      const stored = (await get('/v1/analytics/campaigns/weekend?from=2026-02-01&to=2026-03-10')).body.comparison;
      assert.deepEqual([stored.source, stored.windowFrom, stored.treatment, stored.control], ['aggregates', '2026-03-07', k.treatment, k.control]);
    });

    test('a Monday on a weekend-only campaign has no window, whatever was bought that day', async () => {
      const res = await get('/v1/analytics/campaigns/weekend?from=2026-03-09&to=2026-03-09');
      assert.deepEqual([res.status, res.body.comparison, res.body.noComparison], [200, null, 'no_window']);
    });
  });
}
