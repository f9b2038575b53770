import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';
import { campaign } from '../support/campaigns.js';

for (const kind of DATABASES) {
  describe(`campaigns in the purchase flow (${kind})`, () => {
    let s: TestServer;
    // 5 % back, nothing pending: points are spendable at once, which keeps the arithmetic visible.
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
    });
    after(() => s.close());
    const admin = () => ({ key: s.adminKey });

    test('a draft does nothing; once published, the next purchase gets it, attributed to the campaign with its cost', async () => {
      const dairy = campaign('dairy-10', { name: 'Молочное −10 %', effects: [{ kind: 'discount_percent', percent: 10, lines: { categories: ['dairy'] } }] });
      const made = await s.request('POST', '/v1/campaigns', { campaign: dairy }, admin());
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.status, 'draft');
      assert.equal(made.body.published, null);
      const member = await enrol(s);
      const basket = [line('MILK', 2, 100, { category: 'dairy' }), line('BREAD', 1, 60, { category: 'bakery' })];

      const before = await s.request('POST', '/v1/purchases', receipt(basket, { memberId: member }));
      assert.equal(before.body.discountTotal, 0);
      assert.equal(before.body.ruleVersion, null);

      const published = await s.request('POST', '/v1/campaigns/dairy-10/publish', undefined, admin());
      assert.equal(published.status, 200, JSON.stringify(published.body));
      assert.equal(published.body.status, 'active');
      assert.equal(published.body.published.version, 1);

      const r = receipt(basket, { memberId: member });
      const calc = await s.request('POST', '/v1/purchases/calculate', r);
      const made2 = await s.request('POST', '/v1/purchases', r);
      assert.equal(made2.status, 201, JSON.stringify(made2.body));
      // Milk 200 ₽ − 10 % = 180 ₽; bread 60 ₽. Points: 5 % of 240 ₽ paid = 12 points (1 point = 1 ₽).
      assert.equal(made2.body.discountTotal, 20_00);
      assert.equal(made2.body.paidTotal, 240_00);
      assert.equal(made2.body.pointsEarned, 12);
      assert.deepEqual(made2.body.lines.map((l: any) => [l.campaignDiscount, l.paid]), [[20_00, 180_00], [0, 60_00]]);
      assert.equal(made2.body.ruleVersion, 1);
      assert.deepEqual(
        made2.body.effects.map((e: any) => [e.campaignId, e.campaignName, e.kind, e.block, e.discount, e.costMinor]),
        [['dairy-10', 'Молочное −10 %', 'discount_percent', 'mass', 20_00, 20_00]],
      );
      assert.deepEqual({ ...calc.body, purchaseId: null, status: null }, { ...made2.body, purchaseId: null, status: null }, 'calculate and create agree');
      assert.match(made2.body.receiptText[0], /^Скидка «Молочное −10 %»: 20,00\s₽$/u, 'the till prints the campaign by name');

      const listed = await s.request('GET', '/v1/campaigns/dairy-10', undefined, admin());
      assert.deepEqual(listed.body.spent, { points: 0, money: 0 }, 'no budget: nothing is booked against one');
    });

    test('a discount and points on the same line: points are earned on the money paid', async () => {
      const c = campaign('double-tea', {
        effects: [
          { kind: 'discount_fixed', amount: 50_00, lines: { skus: ['TEA'] } },
          { kind: 'points_multiplier', multiplier: 2, lines: { skus: ['TEA'] } },
        ],
      });
      assert.equal((await s.request('POST', '/v1/campaigns', { campaign: c, status: 'active' }, admin())).status, 201);
      const member = await enrol(s);
      const res = await s.request('POST', '/v1/purchases', receipt([line('TEA', 1, 300)], { memberId: member }));
      // 300 ₽ − 50 ₽ = 250 ₽ paid; base 5 % = 12.5 → 12 points (floor); ×2 on the line → +12.
      assert.equal(res.body.paidTotal, 250_00);
      assert.equal(res.body.basePoints, 12);
      assert.equal(res.body.bonusPoints, 12);
      assert.equal(res.body.pointsEarned, 24);
      const balance = await s.request('GET', `/v1/members/${member}/balance`);
      assert.equal(balance.body.available, 24);
      await s.request('POST', '/v1/campaigns/double-tea/archive', undefined, admin());
    });

    test("campaign costs go to the campaign's block in the analytics, and their points leave the main scheme's", async () => {
      const r = await s.request('GET', '/v1/analytics/blocks', undefined, admin());
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const march = r.body.months.find((m: any) => m.month === '2026-03');
      // Points issued so far: 13 + 12 + 24 = 49 (× 1 ₽); the tea campaign's 12 bonus points are
      // the mass block's, with its discounts (20 ₽ dairy, 50 ₽ tea).
      assert.deepEqual([march.blocks.main.cost, march.blocks.mass.cost, march.blocks.targeted.cost], [37_00, 82_00, 0]);
    });

    test('bad rules are refused with a pointer to the bad part, and nothing changes', async () => {
      const bad = campaign('bad', { effects: [{ kind: 'discount_percent', percent: 120 }] });
      const res = await s.request('POST', '/v1/campaigns', { campaign: bad }, admin());
      assert.equal(res.status, 400);
      assert.ok(res.body.errors.some((e: any) => e.pointer.includes('/effects/0/percent')), JSON.stringify(res.body));
      assert.equal((await s.request('GET', '/v1/campaigns/bad', undefined, admin())).status, 404);
      const empty = await s.request('POST', '/v1/campaigns', { campaign: campaign('empty', {}) }, admin());
      assert.equal(empty.status, 400, JSON.stringify(empty.body));
      assert.ok(empty.body.errors.some((e: any) => e.pointer.endsWith('/effects')), JSON.stringify(empty.body.errors));
      // What a schema cannot say (dates in order) is checked on save too: 422 with the part named.
      const backwards = campaign('backwards', { schedule: { from: '2026-05-01', to: '2026-04-01' }, effects: [{ kind: 'points_fixed', points: 1 }] });
      const refused = await s.request('POST', '/v1/campaigns', { campaign: backwards }, admin());
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'INVALID_RULES');
      assert.ok(refused.body.errors.every((e: any) => e.pointer.startsWith('/schedule')), JSON.stringify(refused.body.errors));
      assert.equal((await s.request('POST', '/v1/campaigns', { campaign: campaign('x', {}) })).status, 403, 'a till key cannot make campaigns');
    });

    test('an exclusive campaign of higher priority keeps the others off the receipt', async () => {
      const exclusive = campaign('vip-20', { priority: 10, stacking: 'exclusive', effects: [{ kind: 'discount_percent', percent: 20 }] });
      const other = campaign('all-5', { priority: 1, effects: [{ kind: 'discount_percent', percent: 5 }] });
      await s.request('POST', '/v1/campaigns', { campaign: exclusive, status: 'active' }, admin());
      await s.request('POST', '/v1/campaigns', { campaign: other, status: 'active' }, admin());
      const sim = await s.request('POST', '/v1/simulate', { receipt: { total: 100_00, lines: [line('X', 1, 100)] } }, admin());
      assert.equal(sim.status, 200, JSON.stringify(sim.body));
      const applied = sim.body.evaluation.effects.map((e: any) => e.campaignId);
      assert.ok(applied.includes('vip-20') && !applied.includes('all-5'), JSON.stringify(applied));
      const trace = sim.body.evaluation.trace.find((t: any) => t.campaignId === 'all-5');
      assert.deepEqual([trace.status, trace.reason], ['not_applied', 'stacking']);
      assert.ok(sim.body.explanation.some((x: string) => x.includes('all-5') && x.includes('stacking')));
      await s.request('POST', '/v1/campaigns/vip-20/archive', undefined, admin());
      await s.request('POST', '/v1/campaigns/all-5/archive', undefined, admin());
    });

    test('once per member: the second purchase does not get it', async () => {
      const welcome = campaign('welcome', { audience: [{ kind: 'member' }], limits: { perMember: { count: 1, period: 'campaign' } }, effects: [{ kind: 'points_fixed', points: 100 }] });
      await s.request('POST', '/v1/campaigns', { campaign: welcome, status: 'active' }, admin());
      const member = await enrol(s);
      const first = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: member }));
      const second = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: member }));
      assert.deepEqual([first.body.bonusPoints, second.body.bonusPoints], [100, 0]);
      const anonymous = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)]));
      assert.equal(anonymous.body.bonusPoints, 0, 'points need a member');
      await s.request('POST', '/v1/campaigns/welcome/archive', undefined, admin());
    });

    test('a version scheduled for tomorrow does nothing today and applies tomorrow', async () => {
      const tomorrow = new Date(s.clock.now().getTime() + 86_400_000).toISOString();
      const c = campaign('tomorrow', { effects: [{ kind: 'discount_fixed', amount: 10_00 }] });
      const made = await s.request('POST', `/v1/campaigns?effectiveFrom=${encodeURIComponent(tomorrow)}`, { campaign: c, status: 'active' }, admin());
      assert.equal(made.body.published.state, 'scheduled');
      const today = await s.request('POST', '/v1/purchases/calculate', receipt([line('X', 1, 100)]));
      assert.equal(today.body.discountTotal, 0);
      const later = await s.request('POST', '/v1/campaigns', { campaign: campaign('later', { effects: [{ kind: 'points_fixed', points: 1 }] }), status: 'active' }, admin());
      assert.equal(later.status, 409, 'nothing is published before a scheduled version');
      assert.equal(later.body.code, 'RULES_VERSION_SCHEDULED');
      s.clock.advanceDays(1);
      const next = await s.request('POST', '/v1/purchases/calculate', receipt([line('X', 1, 100)]));
      assert.equal(next.body.discountTotal, 10_00);
      const versions = await s.request('GET', '/v1/rules/versions', undefined, admin());
      assert.equal(versions.body.items[0].state, 'in_force');
      await s.request('POST', '/v1/campaigns/tomorrow/archive', undefined, admin());
    });

    test('a backtest replays stored purchases against a draft before it goes live', async () => {
      const draft = campaign('milk-back', { effects: [{ kind: 'discount_fixed', amount: 1_00, lines: { skus: ['MILK'] } }] });
      assert.equal((await s.request('POST', '/v1/campaigns', { campaign: draft }, admin())).status, 201);
      const from = new Date(s.clock.now().getTime() - 30 * 86_400_000).toISOString();
      const to = new Date(s.clock.now().getTime() + 86_400_000).toISOString();
      const bt = await s.request('POST', '/v1/campaigns/milk-back/backtest', { from, to }, admin());
      assert.equal(bt.status, 200, JSON.stringify(bt.body));
      // The first test recorded two receipts with milk, both of one member.
      assert.deepEqual([bt.body.receipts, bt.body.members, bt.body.discount, bt.body.cost], [2, 1, 2_00, 2_00]);
      assert.ok(bt.body.receiptsScanned > 2);
      assert.ok(bt.body.notApplied.no_effect > 0, JSON.stringify(bt.body.notApplied));
      assert.equal((await s.request('GET', '/v1/campaigns/milk-back', undefined, admin())).body.status, 'draft', 'nothing was published');
    });

    test('the audit log records campaign changes and publishes', async () => {
      const log = await s.request('GET', '/v1/audit?entity=campaign&entityId=dairy-10', undefined, admin());
      assert.deepEqual(log.body.items.map((e: any) => e.action), ['activate', 'create']);
      const pub = await s.request('GET', '/v1/audit?entity=rules', undefined, admin());
      assert.ok(pub.body.items.length >= 2);
    });
  });
}
