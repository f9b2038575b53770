import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { FilterIndex, receiptView } from '../../src/domain/rules/lines.js';
import type { AudienceRule, Condition, Schedule } from '../../src/domain/rules/types.js';
import type { CampaignFacts, MemberFacts } from '../../src/domain/rules/facts.js';
import { campaign, line, memberFacts, purchase, receiptOf, rules, tier, traceOf } from '../support/rules.js';

const RECEIPT = receiptOf(line('milk', 8_000, 2, 'milk'), line('bread', 5_000, 1, 'bread'));

/** Whether a campaign with this audience applies to this member on 10 March 2024, 12:00 Moscow. */
function audience(rule: AudienceRule, member: Partial<MemberFacts>, at?: Date) {
  const compiled = rules([campaign('c', { audience: [rule] })], { tiers: [tier('silver', 1), tier('gold', 2)] });
  const e = purchase(compiled, RECEIPT, { facts: { member: memberFacts(member) }, ...(at ? { at } : {}), explain: true });
  return traceOf(e, 'c');
}
const applies = (rule: AudienceRule, member: Partial<MemberFacts> = {}, at?: Date) => audience(rule, member, at).status === 'applied';

describe('audience', () => {
  test('“members” excludes receipts without a member', () => {
    assert.ok(applies({ kind: 'member' }));
    const e = purchase(rules([campaign('c', { audience: [{ kind: 'member' }], effects: [{ kind: 'discount_fixed', amount: 100 }] })]), RECEIPT, { member: null, facts: { member: null } });
    assert.equal(traceOf(e, 'c').reason, 'member');
  });

  test('tiers: gold members only, or everyone but gold', () => {
    assert.ok(applies({ kind: 'tiers', tierIds: ['gold'], match: 'any' }, { tierId: 'gold' }));
    assert.ok(!applies({ kind: 'tiers', tierIds: ['gold'], match: 'any' }, { tierId: 'silver' }));
    assert.ok(!applies({ kind: 'tiers', tierIds: ['gold'], match: 'any' }, { tierId: null }));
    assert.ok(applies({ kind: 'tiers', tierIds: ['gold'], match: 'none' }, { tierId: null }));
    assert.ok(!applies({ kind: 'tiers', tierIds: ['gold'], match: 'none' }, { tierId: 'gold' }));
  });

  test('segments: any, all, none', () => {
    const m = { segmentIds: ['parents', 'vip'] };
    assert.ok(applies({ kind: 'segments', segmentIds: ['vip', 'students'], match: 'any' }, m));
    assert.ok(!applies({ kind: 'segments', segmentIds: ['vip', 'students'], match: 'all' }, m));
    assert.ok(applies({ kind: 'segments', segmentIds: ['vip', 'parents'], match: 'all' }, m));
    assert.ok(applies({ kind: 'segments', segmentIds: ['students'], match: 'none' }, m));
    assert.ok(!applies({ kind: 'segments', segmentIds: ['vip'], match: 'none' }, m));
  });

  test('member attributes: equality, lists, numbers, presence', () => {
    const m = { attributes: { city: 'Kazan', children: 2, newsletter: true } };
    assert.ok(applies({ kind: 'attribute', name: 'city', op: 'eq', value: 'Kazan' }, m));
    assert.ok(!applies({ kind: 'attribute', name: 'city', op: 'ne', value: 'Kazan' }, m));
    assert.ok(applies({ kind: 'attribute', name: 'city', op: 'in', values: ['Moscow', 'Kazan'] }, m));
    assert.ok(!applies({ kind: 'attribute', name: 'city', op: 'not_in', values: ['Kazan'] }, m));
    assert.ok(applies({ kind: 'attribute', name: 'children', op: 'gte', value: 2 }, m));
    assert.ok(!applies({ kind: 'attribute', name: 'children', op: 'gt', value: 2 }, m));
    assert.ok(!applies({ kind: 'attribute', name: 'city', op: 'lt', value: 5 }, m), 'a string is never less than a number');
    assert.ok(applies({ kind: 'attribute', name: 'newsletter', op: 'eq', value: true }, m));
    assert.ok(applies({ kind: 'attribute', name: 'pet', op: 'not_exists' }, m));
    assert.ok(!applies({ kind: 'attribute', name: 'pet', op: 'exists' }, m));
  });

  test('birthday within three days before or after, by the Moscow date', () => {
    const rule: AudienceRule = { kind: 'birthday', daysBefore: 3, daysAfter: 3 };
    assert.ok(applies(rule, { birthday: '1990-03-13' }), 'three days before');
    assert.ok(!applies(rule, { birthday: '1990-03-14' }), 'four days before');
    assert.ok(applies(rule, { birthday: '03-07' }), 'three days after, given without a year');
    assert.ok(!applies(rule, { birthday: '1990-03-06' }), 'four days after');
    assert.ok(!applies(rule, { birthday: null }));
    // 22:30 UTC on 9 March is already 10 March in Moscow.
    assert.ok(applies({ kind: 'birthday', daysBefore: 0, daysAfter: 0 }, { birthday: '1985-03-10' }, new Date('2024-03-09T22:30:00Z')));
  });

  test('birthday across the new year, and 29 February in a year without one', () => {
    assert.ok(applies({ kind: 'birthday', daysBefore: 3, daysAfter: 0 }, { birthday: '2000-01-02' }, new Date('2023-12-30T09:00:00Z')));
    assert.ok(applies({ kind: 'birthday', daysBefore: 0, daysAfter: 0 }, { birthday: '2000-02-29' }, new Date('2023-02-28T09:00:00Z')));
  });

  test('first purchase: only with no purchase before', () => {
    assert.ok(applies({ kind: 'first_purchase' }, { purchaseCount: 0 }));
    assert.ok(!applies({ kind: 'first_purchase' }, { purchaseCount: 1 }));
  });

  test('the third purchase, and every third purchase', () => {
    assert.ok(applies({ kind: 'nth_purchase', n: 3, every: false }, { purchaseCount: 2 }));
    assert.ok(!applies({ kind: 'nth_purchase', n: 3, every: false }, { purchaseCount: 5 }));
    assert.ok(applies({ kind: 'nth_purchase', n: 3, every: true }, { purchaseCount: 5 }));
    assert.ok(!applies({ kind: 'nth_purchase', n: 3, every: true }, { purchaseCount: 6 }));
  });

  test('not seen for 30 days, counted in Moscow calendar days', () => {
    const rule: AudienceRule = { kind: 'lapsed', days: 30 };
    assert.ok(applies(rule, { lastPurchaseAt: new Date('2024-02-09T20:00:00Z') }), '9 February 23:00 Moscow is 30 days before 10 March');
    assert.ok(!applies(rule, { lastPurchaseAt: new Date('2024-02-09T21:30:00Z') }), '10 February 00:30 Moscow is 29 days before');
    assert.ok(applies(rule, { lastPurchaseAt: null, enrolledAt: new Date('2023-06-01T00:00:00Z') }), 'never bought, enrolled long ago');
  });

  test('new members: enrolled fewer than 7 days ago', () => {
    assert.ok(applies({ kind: 'new_member', days: 7 }, { enrolledAt: new Date('2024-03-05T09:00:00Z') }));
    assert.ok(!applies({ kind: 'new_member', days: 7 }, { enrolledAt: new Date('2024-03-03T09:00:00Z') }));
  });

  test('the trace names the audience rule that failed and what it saw', () => {
    const t = audience({ kind: 'first_purchase' }, { purchaseCount: 4 });
    assert.deepEqual([t.status, t.reason, t.pointer, t.detail], ['not_applied', 'audience', '/audience/0', '4 purchases before this one, needs none']);
  });
});

/** The trace of a campaign with this condition on RECEIPT (two milks at 80.00 ₽, a bread at 50.00 ₽). */
function condition(cond: Condition, f: Partial<CampaignFacts> = {}) {
  return traceOf(purchase(rules([campaign('c', { conditions: [cond] })]), RECEIPT, { facts: f, explain: true }), 'c');
}
const holds = (cond: Condition, f: Partial<CampaignFacts> = {}) => condition(cond, f).status === 'applied';

describe('conditions on the receipt', () => {
  test('receipt total from 210.00 ₽: 210.00 ₽ qualifies, 210.01 ₽ needed would not', () => {
    assert.ok(holds({ kind: 'total', min: 21_000 }));
    assert.ok(!holds({ kind: 'total', min: 21_001 }));
    assert.ok(!holds({ kind: 'total', max: 20_000 }));
    const t = condition({ kind: 'total', min: 21_001 });
    assert.deepEqual([t.reason, t.pointer, t.detail], ['condition', '/conditions/0', 'total of all lines is 210.00 RUB, needs ≥ 210.01 RUB']);
  });

  test('total of the milk lines only', () => {
    assert.ok(holds({ kind: 'total', min: 16_000, lines: { categories: ['milk'] } }));
    assert.ok(!holds({ kind: 'total', min: 16_001, lines: { categories: ['milk'] } }));
  });

  test('quantity: two milks, three items', () => {
    assert.ok(holds({ kind: 'quantity', min: 2, lines: { categories: ['milk'] } }));
    assert.ok(!holds({ kind: 'quantity', min: 3, lines: { categories: ['milk'] } }));
    assert.ok(holds({ kind: 'quantity', min: 3, max: 3 }));
  });

  test('lines: any of the SKUs, or all of them', () => {
    assert.ok(holds({ kind: 'lines', lines: { skus: ['bread', 'cake'] }, match: 'any' }));
    assert.ok(!holds({ kind: 'lines', lines: { skus: ['bread', 'cake'] }, match: 'all' }));
    assert.ok(holds({ kind: 'lines', lines: { skus: ['bread'], categories: ['milk'] }, match: 'all' }));
    assert.ok(!holds({ kind: 'lines', lines: { categories: ['milk'], excludeSkus: ['milk'] }, match: 'any' }));
  });

  test('store: only in store-1, or anywhere but store-1', () => {
    assert.ok(holds({ kind: 'store', storeIds: ['store-1'], match: 'any' }));
    assert.ok(!holds({ kind: 'store', storeIds: ['store-1'], match: 'any' }, { storeId: 'store-2' }));
    assert.ok(!holds({ kind: 'store', storeIds: ['store-1'], match: 'none' }));
    assert.ok(holds({ kind: 'store', storeIds: ['store-1'], match: 'none' }, { storeId: null }));
  });

  test('channel: online only', () => {
    assert.ok(holds({ kind: 'channel', channels: ['online'] }, { channel: 'online' }));
    assert.ok(!holds({ kind: 'channel', channels: ['online'] }, { channel: 'pos' }));
  });

  test('a coupon campaign needs a coupon of its series and reports the code used', () => {
    const compiled = rules([campaign('c', { couponSeriesId: 'spring', effects: [{ kind: 'discount_fixed', amount: 1_000 }] })]);
    const without = purchase(compiled, RECEIPT, { facts: { coupons: [{ code: 'OTHER', seriesId: 'autumn' }] } });
    assert.equal(traceOf(without, 'c').reason, 'coupon');
    const e = purchase(compiled, RECEIPT, { facts: { coupons: [{ code: 'SPRING7K', seriesId: 'spring' }] } });
    assert.deepEqual(e.couponsUsed, [{ code: 'SPRING7K', seriesId: 'spring', campaignId: 'c' }]);
    assert.equal(e.effects[0]!.couponCode, 'SPRING7K');
  });
});

/** Whether a campaign with this schedule applies at this instant (the program is in Moscow, UTC+3). */
const runs = (schedule: Schedule, at: string) => traceOf(purchase(rules([campaign('c', { schedule })]), RECEIPT, { at: new Date(at) }), 'c').status === 'applied';

describe('schedule in Europe/Moscow', () => {
  test('dates are Moscow dates: 1–9 March ends at midnight Moscow, 21:00 UTC', () => {
    const march = { from: '2024-03-01', to: '2024-03-09' };
    assert.ok(runs(march, '2024-03-09T20:59:59Z'));
    assert.ok(!runs(march, '2024-03-09T21:00:00Z'));
    assert.ok(!runs(march, '2024-02-29T20:59:59Z'));
    assert.ok(runs(march, '2024-02-29T21:00:00Z'));
  });

  test('weekends only: Sunday 23:30 Moscow runs, Monday 00:30 Moscow does not, though it is Sunday in UTC', () => {
    const weekend = { weekdays: [6, 7] };
    assert.ok(runs(weekend, '2024-03-10T20:30:00Z'));
    assert.ok(!runs(weekend, '2024-03-10T21:30:00Z'));
  });

  test('morning hours 09:00–12:00: 11:59 runs, 12:00 does not', () => {
    const morning = { hours: [{ from: '09:00', to: '12:00' }] };
    assert.ok(runs(morning, '2024-03-10T08:59:00Z'));
    assert.ok(!runs(morning, '2024-03-10T09:00:00Z'));
    assert.ok(!runs(morning, '2024-03-10T05:59:00Z'));
  });

  test('Friday night 22:00–02:00 includes Saturday 01:00 and not Friday 01:00', () => {
    const fridayNight = { weekdays: [5], hours: [{ from: '22:00', to: '02:00' }] };
    assert.ok(runs(fridayNight, '2024-03-08T19:00:00Z'), 'Friday 22:00');
    assert.ok(runs(fridayNight, '2024-03-08T22:00:00Z'), 'Saturday 01:00');
    assert.ok(!runs(fridayNight, '2024-03-08T23:00:00Z'), 'Saturday 02:00');
    assert.ok(!runs(fridayNight, '2024-03-07T22:00:00Z'), 'Friday 01:00 belongs to Thursday night');
  });

  test('the trace says why a campaign is out of its schedule', () => {
    const e = purchase(rules([campaign('c', { schedule: { to: '2024-03-09' } })]), RECEIPT, { explain: true });
    const t = traceOf(e, 'c');
    assert.deepEqual([t.reason, t.pointer, t.detail], ['schedule', '/schedule', 'has ended: 2024-03-10 Sun 12:00 local time; schedule: until 2024-03-09']);
  });
});

describe('line filters', () => {
  test('property: the rule set’s filter index marks exactly the lines each filter’s own test passes', () => {
    const names = (prefix: string) => fc.subarray([`${prefix}1`, `${prefix}2`, `${prefix}3`, `${prefix}4`], { minLength: 1 });
    const filterArb = fc.option(fc.record({ skus: names('s'), categories: names('c'), excludeSkus: names('s'), excludeCategories: names('c') }, { requiredKeys: [] }), { nil: undefined });
    const lineArb = fc.record({ sku: fc.constantFrom('s1', 's2', 's3', 's4', 's5'), category: fc.option(fc.constantFrom('c1', 'c2', 'c3', 'c5'), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(filterArb, { minLength: 1, maxLength: 6 }), fc.array(lineArb, { minLength: 1, maxLength: 8 }), (filters, lines) => {
        const index = new FilterIndex();
        const compiled = filters.map((f) => index.register(f));
        const view = receiptView(receiptOf(...lines.map((l) => ({ ...l, price: 100, quantity: 1 }))));
        for (const f of compiled) {
          const mask = Array.from(f.mask(view));
          assert.deepEqual(mask, view.sku.map((sku, i) => (f.test(sku, view.category[i]!) ? 1 : 0)));
        }
      }),
      { numRuns: 300 },
    );
  });
});
