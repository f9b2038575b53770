import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inControlGroup } from '../../src/domain/rules/control-group.js';
import { campaign } from '../support/campaigns.js';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

// The clock starts on Monday 2 March 2026, 12:00 in Moscow (09:00 UTC).
for (const kind of DATABASES) {
  describe(`the campaign builder's simulator and backtest (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
    });
    after(() => s.close());
    const admin = () => ({ key: s.adminKey });
    const basket = { total: 100_00, lines: [line('X', 1, 100)] };
    /** Simulates one draft on top of the working copy, as the builder does. */
    const simulate = (draft: object, body: Record<string, unknown> = {}, at?: string) =>
      s.request('POST', '/v1/simulate', { receipt: { ...basket, ...(at ? { occurredAt: at } : {}) }, rules: { working: true, campaigns: [draft] }, ...body }, admin());
    const traceOf = (res: { body: any }, id: string) => res.body.evaluation.trace.find((t: any) => t.campaignId === id);

    test('a segment and birthday draft applies to the hypothetical member the marketer describes', async () => {
      const vip = campaign('vip-birthday', {
        block: 'targeted',
        audience: [
          { kind: 'segments', segmentIds: ['vip'], match: 'any' },
          { kind: 'birthday', daysBefore: 3, daysAfter: 3 },
          { kind: 'nth_purchase', n: 5, every: false },
        ],
        effects: [{ kind: 'points_fixed', points: 500 }],
      });
      const stranger = await simulate(vip, { member: {} });
      assert.equal(stranger.status, 200, JSON.stringify(stranger.body));
      assert.deepEqual([traceOf(stranger, 'vip-birthday').reason, traceOf(stranger, 'vip-birthday').pointer], ['audience', '/audience/0']);
      const fits = await simulate(vip, { member: { segmentIds: ['vip'], birthday: '1990-03-04', purchaseCount: 4 } });
      assert.equal(traceOf(fits, 'vip-birthday').status, 'applied', JSON.stringify(fits.body.explanation));
      assert.equal(fits.body.evaluation.bonusPoints, 500);
      assert.deepEqual(fits.body.member, { kind: 'hypothetical', id: null, name: null, tierId: null });
      // The same member a week later is out of the birthday window.
      const later = await simulate(vip, { member: { segmentIds: ['vip'], birthday: '1990-03-04', purchaseCount: 4 } }, '2026-03-09T09:00:00Z');
      assert.deepEqual([traceOf(later, 'vip-birthday').reason, traceOf(later, 'vip-birthday').pointer], ['audience', '/audience/1']);
    });

    test('a weekday-and-hours draft is judged at the moment asked, weeks ahead, in the program time zone, at a store and channel', async () => {
      const brunch = campaign('saturday-brunch', {
        schedule: { weekdays: [6], hours: [{ from: '10:00', to: '12:00' }] },
        conditions: [
          { kind: 'store', storeIds: ['arbat'], match: 'any' },
          { kind: 'channel', channels: ['pos'] },
        ],
        effects: [{ kind: 'discount_percent', percent: 20 }],
      });
      // Saturday 11 April 2026: 11:00 in Moscow is 08:00 UTC, 40 days after the clock's today.
      const at = { storeId: 'arbat', channel: 'pos' };
      const inside = await s.request('POST', '/v1/simulate', { receipt: { ...basket, ...at, occurredAt: '2026-04-11T08:00:00Z' }, rules: { working: true, campaigns: [brunch] } }, admin());
      assert.equal(inside.status, 200, JSON.stringify(inside.body));
      assert.equal(inside.body.occurredAt, '2026-04-11T08:00:00.000Z');
      assert.equal(inside.body.evaluation.discountTotal, 20_00);
      const afternoon = await s.request('POST', '/v1/simulate', { receipt: { ...basket, ...at, occurredAt: '2026-04-11T10:00:00Z' }, rules: { working: true, campaigns: [brunch] } }, admin());
      assert.deepEqual([traceOf(afternoon, 'saturday-brunch').reason, afternoon.body.evaluation.discountTotal], ['schedule', 0]);
      assert.match(traceOf(afternoon, 'saturday-brunch').detail, /does not run at this hour: 2026-04-11 Sat 13:00 local time/);
      const online = await s.request('POST', '/v1/simulate', { receipt: { ...basket, storeId: 'arbat', channel: 'online', occurredAt: '2026-04-11T08:00:00Z' }, rules: { working: true, campaigns: [brunch] } }, admin());
      assert.deepEqual([traceOf(online, 'saturday-brunch').reason, traceOf(online, 'saturday-brunch').pointer], ['condition', '/conditions/1']);
    });

    test('a simulation may look a year ahead, or to the end of the latest campaign schedule, and no further', async () => {
      const plain = campaign('plain', { effects: [{ kind: 'discount_fixed', amount: 1_00 }] });
      const inAYear = await simulate(plain, {}, '2027-03-01T09:00:00Z');
      assert.equal(inAYear.status, 200, JSON.stringify(inAYear.body));
      const tooFar = await simulate(plain, {}, '2027-04-01T09:00:00Z');
      assert.equal(tooFar.status, 400, JSON.stringify(tooFar.body));
      assert.equal(tooFar.body.code, 'VALIDATION_FAILED');
      assert.deepEqual(tooFar.body.errors.map((e: any) => e.pointer), ['/receipt/occurredAt']);
      assert.match(tooFar.body.errors[0].detail, /^must be no later than 2027-03-03 12:00 in the program's time zone/);
      // A New Year campaign planned for the winter after next: its last evening can be tried…
      const newYear = campaign('new-year-2028', { schedule: { from: '2027-12-25', to: '2027-12-31' }, effects: [{ kind: 'discount_fixed', amount: 1_00 }] });
      const lastEvening = await simulate(newYear, {}, '2027-12-31T20:00:00Z');
      assert.equal(lastEvening.status, 200, JSON.stringify(lastEvening.body));
      assert.equal(traceOf(lastEvening, 'new-year-2028').status, 'applied');
      // …but not the morning after (1 January 2028 in Moscow), nor anything five years away.
      assert.equal((await simulate(newYear, {}, '2027-12-31T21:00:00Z')).status, 400);
      const forever = campaign('forever', { schedule: { to: '2040-01-01' }, effects: [{ kind: 'discount_fixed', amount: 1_00 }] });
      assert.equal((await simulate(forever, {}, '2031-12-01T00:00:00Z')).status, 400);
    });

    test('a coupon draft is tried with a real code, or with a code of its series assumed', async () => {
      const series = await s.request('POST', '/v1/coupon-series', { id: 'autumn', name: 'Осень', kind: 'unique', count: 1, prefix: 'AUT' }, admin());
      assert.equal(series.status, 201, JSON.stringify(series.body));
      const [code] = (await s.request('POST', '/v1/coupon-series/autumn/codes', { count: 1 }, admin())).body.codes;
      const draft = campaign('autumn-15', { couponSeriesId: 'autumn', effects: [{ kind: 'discount_percent', percent: 15 }] });
      const none = await simulate(draft);
      assert.equal(traceOf(none, 'autumn-15').reason, 'coupon');
      const assumed = await simulate(draft, { couponSeriesIds: ['autumn'] });
      assert.equal(assumed.status, 200, JSON.stringify(assumed.body));
      assert.deepEqual([traceOf(assumed, 'autumn-15').status, assumed.body.evaluation.discountTotal], ['applied', 15_00]);
      const real = await s.request('POST', '/v1/simulate', { receipt: { ...basket, coupons: [code] }, rules: { working: true, campaigns: [draft] } }, admin());
      assert.deepEqual([real.body.evaluation.discountTotal, real.body.coupons], [15_00, [{ code, status: 'applied', reason: null }]]);
    });

    test('a real member picked by phone is told whether they fall in the control group; a hypothetical member gets both outcomes', async () => {
      const holdout = campaign('holdout-10', { audience: [{ kind: 'member' }], controlGroupPercent: 10, effects: [{ kind: 'points_fixed', points: 10 }] });
      // Enrol until one member is inside the 10 % and one outside (about one in ten is inside).
      const phones = new Map<string, string>();
      for (let i = 0; phones.size < 200; i++) {
        const phone = `+7916555${String(i).padStart(4, '0')}`;
        phones.set(await enrol(s, { phone }), phone);
        const ids = [...phones.keys()];
        if (ids.some((m) => inControlGroup('holdout-10', m, 10)) && ids.some((m) => !inControlGroup('holdout-10', m, 10))) break;
      }
      const held = [...phones.keys()].find((m) => inControlGroup('holdout-10', m, 10))!;
      const free = [...phones.keys()].find((m) => !inControlGroup('holdout-10', m, 10))!;

      const inside = await simulate(holdout, { identifier: { kind: 'phone', value: phones.get(held) } });
      assert.equal(inside.status, 200, JSON.stringify(inside.body));
      assert.deepEqual([inside.body.member.kind, inside.body.member.id], ['member', held]);
      assert.equal(traceOf(inside, 'holdout-10').reason, 'control_group');
      // Base 5 % of 100 ₽ = 5 points; the campaign's 10 only outside the group.
      assert.deepEqual(inside.body.controlGroups, [
        { campaignId: 'holdout-10', name: 'Campaign holdout-10', percent: 10, inGroup: true, outside: { applied: true, discountTotal: 0, pointsEarned: 15 }, inside: { applied: false, discountTotal: 0, pointsEarned: 5 } },
      ]);
      const outside = await simulate(holdout, { memberId: free });
      assert.equal(outside.body.controlGroups[0].inGroup, false);
      assert.equal(outside.body.evaluation.pointsEarned, 15);

      // Nobody's id to hash: the answer assumes "outside" and gives the other case beside it,
      // even for a control group of 99.99 % that every real member would almost surely be in.
      const most = { ...holdout, controlGroupPercent: 99.99 };
      const someone = await simulate(most, { member: { purchaseCount: 3 } });
      assert.equal(traceOf(someone, 'holdout-10').status, 'applied', JSON.stringify(someone.body.explanation));
      assert.deepEqual(someone.body.controlGroups, [
        { campaignId: 'holdout-10', name: 'Campaign holdout-10', percent: 99.99, inGroup: null, outside: { applied: true, discountTotal: 0, pointsEarned: 15 }, inside: { applied: false, discountTotal: 0, pointsEarned: 5 } },
      ]);
      const wrong = await simulate({ ...holdout, schedule: { from: '2026-05-01', to: '2026-04-01' } });
      assert.deepEqual([wrong.status, wrong.body.code, wrong.body.errors.map((e: any) => e.pointer)], [422, 'INVALID_RULES', ['/rules/campaigns/0/schedule/to']], 'a mistake in the draft points into the request');
      const both = await simulate(holdout, { memberId: free, member: {} });
      assert.equal(both.status, 400, 'a real member or a hypothetical one, not both');
      const nobody = await simulate(holdout, { identifier: { kind: 'phone', value: '+79990000000' } });
      assert.equal(nobody.body.code, 'MEMBER_NOT_FOUND');
    });

    test('a backtest replays history against the draft as edited on the screen, saved or not', async () => {
      const member = await enrol(s);
      for (const sku of ['MILK', 'MILK', 'BREAD']) assert.equal((await s.request('POST', '/v1/purchases', receipt([line(sku, 1, 100)], { memberId: member }))).status, 201);
      const from = new Date(s.clock.now().getTime() - 86_400_000).toISOString();
      const to = new Date(s.clock.now().getTime() + 60_000).toISOString();
      const edited = campaign('milk-unsaved', { effects: [{ kind: 'discount_fixed', amount: 5_00, lines: { skus: ['MILK'] } }] });
      const bt = await s.request('POST', '/v1/campaigns/milk-unsaved/backtest', { from, to, campaign: edited }, admin());
      assert.equal(bt.status, 200, JSON.stringify(bt.body));
      assert.deepEqual([bt.body.receipts, bt.body.members, bt.body.discount, bt.body.cost], [2, 1, 10_00, 10_00]);
      assert.equal((await s.request('GET', '/v1/campaigns/milk-unsaved', undefined, admin())).status, 404, 'nothing was saved');
      const other = await s.request('POST', '/v1/campaigns/another/backtest', { from, to, campaign: edited }, admin());
      assert.deepEqual([other.status, other.body.errors?.[0]?.pointer], [400, '/campaign/id']);
    });
  });
}
