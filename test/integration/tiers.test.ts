import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reviewTiers } from '../../src/app/rules/tier-review-job.js';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

const silver = { id: 'silver', name: 'Серебро', rank: 1, qualification: { metric: 'spend', min: 1_000_00 }, benefits: { earnMultiplier: 1.5, discountPercent: 0, perks: ['бесплатная доставка'] } };
const gold = { id: 'gold', name: 'Золото', rank: 2, qualification: { metric: 'spend', min: 5_000_00 }, benefits: { earnMultiplier: 2, discountPercent: 5, maxRedeemPercent: 50, perks: [] } };

for (const kind of DATABASES) {
  describe(`tiers and paid membership (${kind})`, () => {
    let s: TestServer;
    let member: string;
    let upgrading: string;
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
      const admin = { key: s.adminKey };
      assert.equal((await s.request('PUT', '/v1/tier-policy', { window: { kind: 'rolling', days: 365 }, graceDays: 30 }, admin)).status, 200);
      assert.equal((await s.request('POST', '/v1/tiers', silver, admin)).status, 201);
      const g = await s.request('POST', '/v1/tiers', gold, admin);
      assert.equal(g.status, 201, JSON.stringify(g.body));
      member = await enrol(s);
    });
    after(() => s.close());

    test('a purchase that qualifies upgrades at once; the next purchase earns with the tier', async () => {
      const big = await s.request('POST', '/v1/purchases', receipt([line('TV', 1, 1_200)], { memberId: member }));
      assert.equal(big.status, 201, JSON.stringify(big.body));
      assert.equal(big.body.tier, null, 'the qualifying purchase itself is evaluated with the tier held before it');
      assert.equal(big.body.pointsEarned, 60);
      upgrading = big.body.purchaseId;
      const tier = await s.request('GET', `/v1/members/${member}/tier`);
      assert.equal(tier.body.tier.id, 'silver');
      assert.deepEqual(tier.body.next, { id: 'gold', name: 'Золото', metric: 'spend', min: 5_000_00, current: 1_200_00, missing: 3_800_00 });
      assert.equal(tier.body.history[0].to, 'silver');
      assert.match(tier.body.history[0].reason, /upgrade to silver/);
      const next = await s.request('POST', '/v1/purchases', receipt([line('MILK', 1, 100)], { memberId: member }));
      // 5 % of 100 ₽ = 5 points; ×1.5 → 2.5 more, rounded down by the program's rule: 2.
      assert.deepEqual([next.body.tier.id, next.body.basePoints, next.body.bonusPoints], ['silver', 5, 2]);
      assert.deepEqual(next.body.effects.map((e: any) => [e.kind, e.tierId, e.points, e.block]), [['tier_multiplier', 'silver', 2, 'main']]);
    });

    test('a return after the upgrade takes back exactly what was earned; the tier stays until its review', async () => {
      const ret = await s.request('POST', `/v1/purchases/${upgrading}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(ret.status, 201, JSON.stringify(ret.body));
      assert.equal(ret.body.pointsClawedBack, 60);
      const tier = await s.request('GET', `/v1/members/${member}/tier`);
      assert.equal(tier.body.tier.id, 'silver');
      assert.equal(tier.body.window.spend, 100_00, 'the returned money no longer counts');
    });

    test('at the review the tier is kept for the grace period, then it goes', async () => {
      s.clock.advanceDays(366);
      const inGrace = await s.request('GET', `/v1/members/${member}/tier`);
      assert.equal(inGrace.body.tier.id, 'silver');
      assert.ok(inGrace.body.graceUntil, JSON.stringify(inGrace.body));
      s.clock.advanceDays(31);
      const after = await s.request('GET', `/v1/members/${member}/tier`);
      assert.equal(after.body.tier, null);
      const p = await s.request('POST', '/v1/purchases', receipt([line('MILK', 1, 100)], { memberId: member }));
      assert.deepEqual([p.body.tier, p.body.bonusPoints], [null, 0]);
      const history = (await s.request('GET', `/v1/members/${member}/tier`)).body.history;
      assert.deepEqual([history[0].from, history[0].to], ['silver', null]);
    });

    test("a paid membership gives the tier's benefits for its term, renews from its end, then lapses", async () => {
      const buy = await s.request('POST', `/v1/members/${member}/memberships`, { tierId: 'gold', days: 30, price: 299_00, receiptId: `M-${kind}-1` });
      assert.equal(buy.status, 201, JSON.stringify(buy.body));
      assert.equal(buy.body.membership.active, true);
      assert.equal(buy.body.purchase.lines[0].sku, 'membership:gold');
      const again = await s.request('POST', `/v1/members/${member}/memberships`, { tierId: 'gold', days: 30, price: 299_00, receiptId: `M-${kind}-1` });
      assert.deepEqual(again.body.membership, buy.body.membership, 'the same receipt id buys nothing new');
      const withGold = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 1_000)], { memberId: member }));
      // Gold: 5 % off (50 ₽), then 5 % of 950 ₽ = 47 points, doubled: +47.
      assert.deepEqual([withGold.body.tier.id, withGold.body.discountTotal, withGold.body.basePoints, withGold.body.bonusPoints], ['gold', 50_00, 47, 47]);
      const renew = await s.request('POST', `/v1/members/${member}/memberships`, { tierId: 'gold', days: 30, price: 299_00, receiptId: `M-${kind}-2` });
      assert.equal(renew.body.membership.startsAt, buy.body.membership.endsAt, 'the renewal starts where the term ends');
      s.clock.advanceDays(61);
      const lapsed = await s.request('POST', '/v1/purchases/calculate', receipt([line('X', 1, 1_000)], { memberId: member }));
      // Gold lapses; what the member bought meanwhile (1,000 ₽ and two fees of 299 ₽) qualifies for silver.
      assert.equal(lapsed.body.tier.id, 'silver');
      const list = await s.request('GET', `/v1/members/${member}/memberships`);
      assert.deepEqual(list.body.items.map((m: any) => m.active), [false, false]);
    });
  });
}

for (const kind of DATABASES) {
  describe(`tier reviews at the end of a calendar month (${kind})`, () => {
    let s: TestServer;
    const [anna, boris, clara] = [{ id: '' }, { id: '' }, { id: '' }];
    const tierOf = async (m: { id: string }) => (await s.request('GET', `/v1/members/${m.id}/tier`)).body;
    const buy = async (m: { id: string }, rub: number) => {
      const res = await s.request('POST', '/v1/purchases', receipt([line('X', 1, rub)], { memberId: m.id }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    };
    before(async () => {
      // 2 March 2026, 12:00 in Moscow; months end at midnight Moscow time (21:00 UTC the day before).
      s = await startServer(kind, { pendingDays: 0 });
      const admin = { key: s.adminKey };
      assert.equal((await s.request('PUT', '/v1/tier-policy', { window: { kind: 'calendar', period: 'month' }, graceDays: 0 }, admin)).status, 200);
      assert.equal((await s.request('POST', '/v1/tiers', silver, admin)).status, 201);
      for (const m of [anna, boris, clara]) {
        m.id = await enrol(s);
        // 1 200 ₽ in March: silver at once.
        await buy(m, 1_200);
        assert.equal((await tierOf(m)).tier.id, 'silver');
      }
      // April: nothing bought. Now 3 May.
      s.clock.current = new Date('2026-05-03T09:00:00Z');
    });
    after(() => s.close());

    test('the job records the review of each month when it happened, with the period and spend that decided it', async () => {
      assert.equal((await tierOf(anna)).tier, null, 'the member API already says base');
      assert.equal((await tierOf(anna)).history.length, 1, 'nothing written down yet: the history ends with the upgrade');
      const run = await reviewTiers(s.ctx);
      assert.deepEqual(run, { members: 3, changes: 6 });
      const t = await tierOf(anna);
      assert.equal(t.tier, null);
      assert.deepEqual(
        t.history.map((h: any) => [h.at, h.from, h.to, h.reason]),
        [
          ['2026-04-30T21:00:00.000Z', 'silver', null, 'downgrade from silver to no tier: spend 0 < 100000 in the period to 2026-05-01'],
          ['2026-03-31T21:00:00.000Z', 'silver', 'silver', 'keeps silver at the review of 2026-04-01: spend 120000 ≥ 100000 in the period to 2026-04-01'],
          ['2026-03-02T09:00:00.000Z', null, 'silver', 'upgrade to silver: spend 120000 ≥ 100000 in the current window'],
        ],
      );
    });

    test('running the job again, or twice at once, records nothing more; the next purchase adds no second downgrade', async () => {
      assert.deepEqual(await reviewTiers(s.ctx), { members: 0, changes: 0 });
      const both = await Promise.all([reviewTiers(s.ctx), reviewTiers(s.ctx)]);
      assert.deepEqual(both.map((r) => r.changes), [0, 0]);
      await buy(anna, 100);
      const t = await tierOf(anna);
      assert.equal(t.history.length, 3);
      assert.equal(t.history[0].to, null);
    });

    test('two servers reviewing the same members at once record each review once', async () => {
      s.clock.current = new Date('2026-05-03T09:00:00Z');
      // Boris and Clara were reviewed above; a fourth member reaches silver in May and is reviewed in July.
      const dan = { id: await enrol(s) };
      await buy(dan, 1_500);
      s.clock.current = new Date('2026-07-02T09:00:00Z');
      const runs = await Promise.all([reviewTiers(s.ctx), reviewTiers(s.ctx), reviewTiers(s.ctx)]);
      assert.equal(runs.reduce((n, r) => n + r.changes, 0), 2, JSON.stringify(runs));
      const t = await tierOf(dan);
      assert.deepEqual(t.history.map((h: any) => [h.at, h.to]), [['2026-06-30T21:00:00.000Z', null], ['2026-05-31T21:00:00.000Z', 'silver'], ['2026-05-03T09:00:00.000Z', 'silver']]);
    });
  });

  describe(`tier reviews written by a purchase when the job has not run (${kind})`, () => {
    let s: TestServer;
    after(() => s.close());
    test('a purchase long after the period ends records each missed review on its own date and with its own period', async () => {
      s = await startServer(kind, { pendingDays: 0 });
      const admin = { key: s.adminKey };
      assert.equal((await s.request('PUT', '/v1/tier-policy', { window: { kind: 'calendar', period: 'month' }, graceDays: 0 }, admin)).status, 200);
      assert.equal((await s.request('POST', '/v1/tiers', silver, admin)).status, 201);
      const m = await enrol(s);
      assert.equal((await s.request('POST', '/v1/purchases', receipt([line('X', 1, 1_200)], { memberId: m }))).status, 201);
      s.clock.current = new Date('2026-05-03T09:00:00Z');
      assert.equal((await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: m }))).status, 201);
      const t = (await s.request('GET', `/v1/members/${m}/tier`)).body;
      assert.deepEqual(
        t.history.map((h: any) => [h.at, h.to, h.reason]),
        [
          ['2026-04-30T21:00:00.000Z', null, 'downgrade from silver to no tier: spend 0 < 100000 in the period to 2026-05-01'],
          ['2026-03-31T21:00:00.000Z', 'silver', 'keeps silver at the review of 2026-04-01: spend 120000 ≥ 100000 in the period to 2026-04-01'],
          ['2026-03-02T09:00:00.000Z', 'silver', 'upgrade to silver: spend 120000 ≥ 100000 in the current window'],
        ],
      );
    });
  });
}
