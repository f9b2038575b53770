import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';
import { inControlGroup } from '../../src/domain/rules/control-group.js';
import { campaign } from '../support/campaigns.js';

for (const kind of DATABASES) {
  describe(`coupons, budgets and events (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
    });
    after(() => s.close());
    const admin = () => ({ key: s.adminKey });

    test('a series of 100,000 unique codes is generated at once and exported as CSV', async () => {
      const res = await s.request('POST', '/v1/coupon-series', { id: 'spring', name: 'Весна', kind: 'unique', count: 100_000, prefix: 'SPRING' }, admin());
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual([res.body.codes, res.body.used, res.body.uses], [100_000, 0, 0]);
      const csv = await fetch(`${s.url}/v1/coupon-series/spring/codes.csv`, { headers: { authorization: `Bearer ${s.adminKey}` } });
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      const rows = (await csv.text()).trim().split('\n');
      assert.equal(rows[0], 'code,member_id,uses,created_at');
      const codes = rows.slice(1).map((r) => r.split(',')[0]!);
      assert.equal(codes.length, 100_000);
      assert.equal(new Set(codes).size, 100_000, 'every code is different');
      assert.ok(codes.every((c) => /^SPRING[23456789ACDEFGHJKMNPQRTUVWXY]{9}$/.test(c)), 'no look-alike characters');
    });

    test('a code unlocks its campaign once; typed in lower case with dashes it still counts; used again it is refused', async () => {
      const c = campaign('spring-10', { couponSeriesId: 'spring', effects: [{ kind: 'discount_percent', percent: 10 }] });
      assert.equal((await s.request('POST', '/v1/campaigns', { campaign: c, status: 'active' }, admin())).status, 201);
      const [code] = (await s.request('POST', '/v1/coupon-series/spring/codes', { count: 1 }, admin())).body.codes;
      const typed = `${code.slice(0, 6)}-${code.slice(6)}`.toLowerCase();
      const [a, b] = [await enrol(s), await enrol(s)];
      const without = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: a }));
      assert.equal(without.body.discountTotal, 0, 'no code, no discount');
      const first = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: a, coupons: [typed] }));
      assert.equal(first.body.discountTotal, 10_00);
      assert.deepEqual(first.body.coupons, [{ code: typed, status: 'applied', reason: null }]);
      assert.equal(first.body.effects[0].couponCode, code);
      const again = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: b, coupons: [code] }));
      assert.equal(again.status, 201, 'the purchase goes through without the coupon');
      assert.equal(again.body.discountTotal, 0);
      assert.deepEqual(again.body.coupons, [{ code, status: 'refused', reason: 'used_up' }]);
      const unknown = await s.request('POST', '/v1/purchases/calculate', receipt([line('X', 1, 100)], { coupons: ['NOSUCHCODE'] }));
      assert.deepEqual(unknown.body.coupons, [{ code: 'NOSUCHCODE', status: 'refused', reason: 'unknown' }]);
    });

    test('the same single-use code at two tills at once: exactly one purchase gets it', async () => {
      const [code] = (await s.request('POST', '/v1/coupon-series/spring/codes', { count: 1 }, admin())).body.codes;
      const members = await Promise.all([enrol(s), enrol(s)]);
      const results = await Promise.all(members.map((m) => s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: m, coupons: [code] }))));
      assert.deepEqual(results.map((r) => r.status), [201, 201]);
      assert.deepEqual(results.map((r) => r.body.coupons[0].status).sort(), ['applied', 'refused']);
      const series = await s.request('GET', '/v1/coupon-series/spring', undefined, admin());
      assert.ok(series.body.uses >= 1);
    });

    test('a held purchase reserves the code; cancelling it frees the code; a full return gives the use back', async () => {
      const [code] = (await s.request('POST', '/v1/coupon-series/spring/codes', { count: 1 }, admin())).body.codes;
      const [a, b, c] = [await enrol(s), await enrol(s), await enrol(s)];
      const held = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: a, coupons: [code], twoPhase: true }));
      assert.equal(held.body.coupons[0].status, 'applied');
      const meanwhile = await s.request('POST', '/v1/purchases/calculate', receipt([line('X', 1, 100)], { memberId: b, coupons: [code] }));
      assert.deepEqual(meanwhile.body.coupons[0], { code, status: 'refused', reason: 'used_up' });
      assert.equal((await s.request('POST', `/v1/purchases/${held.body.purchaseId}/cancel`)).status, 200);
      const used = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: b, coupons: [code] }));
      assert.equal(used.body.coupons[0].status, 'applied', 'the cancel gave the code back');
      const returned = await s.request('POST', `/v1/purchases/${used.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(returned.status, 201, JSON.stringify(returned.body));
      const reused = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: c, coupons: [code] }));
      assert.equal(reused.body.coupons[0].status, 'applied', 'a full return gave the use back');
    });

    test('a personal code is bound to its member: another member cannot use it', async () => {
      const [owner, other] = [await enrol(s), await enrol(s)];
      const made = await s.request('POST', '/v1/coupon-series/spring/codes', { memberId: owner }, admin());
      const [code] = made.body.codes;
      const listed = await s.request('GET', `/v1/members/${owner}/coupons`);
      assert.deepEqual(listed.body.items.map((c: any) => c.code), [code]);
      const stolen = await s.request('POST', '/v1/purchases/calculate', receipt([line('X', 1, 100)], { memberId: other, coupons: [code] }));
      assert.deepEqual(stolen.body.coupons[0], { code, status: 'refused', reason: 'other_member' });
      const own = await s.request('POST', '/v1/purchases/calculate', receipt([line('X', 1, 100)], { memberId: owner, coupons: [code] }));
      assert.equal(own.body.coupons[0].status, 'applied');
    });

    test('an expired code is refused with the reason', async () => {
      const yesterday = new Date(s.clock.now().getTime() - 86_400_000).toISOString();
      const res = await s.request('POST', '/v1/coupon-series', { id: 'old', name: 'Old', kind: 'shared', code: 'SUMMER', validUntil: yesterday }, admin());
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const c = campaign('summer', { couponSeriesId: 'old', effects: [{ kind: 'discount_fixed', amount: 5_00 }] });
      await s.request('POST', '/v1/campaigns', { campaign: c, status: 'active' }, admin());
      const calc = await s.request('POST', '/v1/purchases/calculate', receipt([line('X', 1, 100)], { coupons: ['summer'] }));
      assert.deepEqual(calc.body.coupons, [{ code: 'summer', status: 'refused', reason: 'expired' }]);
      assert.equal(calc.body.discountTotal, 0);
    });

    test('a budget reached in the middle of parallel purchases is never exceeded by more than one purchase', async () => {
      const c = campaign('bonus-100', { audience: [{ kind: 'member' }], effects: [{ kind: 'points_fixed', points: 100 }], budget: { points: 1_000, warnAtPercent: 80 } });
      assert.equal((await s.request('POST', '/v1/campaigns', { campaign: c, status: 'active' }, admin())).status, 201);
      const members = await Promise.all(Array.from({ length: 16 }, () => enrol(s)));
      const results = await Promise.all(members.map((m) => s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: m }))));
      assert.ok(results.every((r) => r.status === 201), JSON.stringify(results.map((r) => r.body)));
      const given = results.reduce((sum, r) => sum + r.body.bonusPoints, 0);
      const spent = (await s.request('GET', '/v1/campaigns/bonus-100', undefined, admin())).body.spent;
      assert.equal(spent.points, given, 'the budget books exactly what was given');
      assert.ok(given >= 1_000 && given <= 1_100, `given ${given}`);
      assert.ok(results.some((r) => r.body.bonusPoints === 0), 'later purchases got nothing');
      const warnings = await s.request('GET', '/v1/audit?entity=campaign&entityId=bonus-100', undefined, admin());
      const crossed = warnings.body.items.filter((e: any) => e.action === 'budget_warning');
      assert.equal(crossed.length, 1, 'the 80 % threshold is reported once');
      assert.deepEqual([crossed[0].actor, crossed[0].after.cap, crossed[0].after.budget], ['system', 1_000, 'points']);
      await s.request('POST', '/v1/campaigns/bonus-100/archive', undefined, admin());
    });

    test('members in the control group do not get the campaign, the others do, and the simulator says why', async () => {
      const c = campaign('holdout', { audience: [{ kind: 'member' }], controlGroupPercent: 50, effects: [{ kind: 'points_fixed', points: 10 }] });
      const made = await s.request('POST', '/v1/campaigns', { campaign: c, status: 'active' }, admin());
      assert.equal(made.status, 201, JSON.stringify(made.body));
      // Enrol until both sides of the split have members (each side is half of the buckets).
      const members: string[] = [];
      while (members.length < 40 && !(members.some((m) => inControlGroup('holdout', m, 50)) && members.some((m) => !inControlGroup('holdout', m, 50)))) members.push(await enrol(s));
      for (const m of members) {
        const res = await s.request('POST', '/v1/purchases', receipt([line('X', 1, 100)], { memberId: m }));
        assert.equal(res.body.bonusPoints, inControlGroup('holdout', m, 50) ? 0 : 10, `member ${m}`);
      }
      const held = members.find((m) => inControlGroup('holdout', m, 50))!;
      const sim = await s.request('POST', '/v1/simulate', { memberId: held, receipt: { total: 100_00, lines: [line('X', 1, 100)] } }, admin());
      const t = sim.body.evaluation.trace.find((x: any) => x.campaignId === 'holdout');
      assert.deepEqual([t.status, t.reason], ['not_applied', 'control_group']);
      await s.request('POST', '/v1/campaigns/holdout/archive', undefined, admin());
    });

    test('an event earns its campaign points once per member; a retry with the same key gives nothing more', async () => {
      const q = { ...campaign('questionnaire', { kind: 'event', eventType: 'questionnaire_filled', effects: [{ kind: 'points_fixed', points: 50 }], limits: { perMember: { count: 1, period: 'campaign' } } }) };
      assert.equal((await s.request('POST', '/v1/campaigns', { campaign: q, status: 'active' }, admin())).status, 201);
      const m = await enrol(s);
      const first = await s.request('POST', '/v1/events', { type: 'questionnaire_filled', memberId: m }, { headers: { 'idempotency-key': 'q-1' } });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.points, 50);
      const retry = await s.request('POST', '/v1/events', { type: 'questionnaire_filled', memberId: m }, { headers: { 'idempotency-key': 'q-1' } });
      assert.deepEqual(retry.body, first.body);
      const second = await s.request('POST', '/v1/events', { type: 'questionnaire_filled', memberId: m }, { headers: { 'idempotency-key': 'q-2' } });
      assert.equal(second.body.points, 0);
      assert.deepEqual(second.body.notApplied, [{ campaignId: 'questionnaire', reason: 'limit' }]);
      assert.equal((await s.request('GET', `/v1/members/${m}/balance`)).body.available, 50);
      const ledger = await s.request('GET', `/v1/members/${m}/ledger`);
      assert.equal(ledger.body.items[0].cause.reason, 'event:questionnaire_filled');
    });
  });
}
