import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Effect } from '../../src/domain/rules/types.js';
import { active, campaign, facts, line, memberFacts, purchase, receiptOf, rules, tier, traceOf } from '../support/rules.js';

// DEFAULT_SETTINGS: 5 % back rounded down, 1 point = 1 ₽, at most 30 % of a receipt in points.
const withEffect = (...effects: Effect[]) => rules([campaign('c', { effects })]);
const discounts = (e: ReturnType<typeof purchase>) => e.lines.map((l) => l.campaignDiscount);

describe('discount effects', () => {
  test('10 % off milk takes 20.00 ₽ off two litres of milk at 100.00 ₽ and nothing off the bread', () => {
    const e = purchase(withEffect({ kind: 'discount_percent', percent: 10, lines: { categories: ['milk'] } }), receiptOf(line('milk', 10_000, 2, 'milk'), line('bread', 10_000, 1, 'bread')));
    assert.deepEqual(discounts(e), [2_000, 0]);
    assert.equal(e.paidTotal, 28_000);
    assert.equal(e.pointsEarned, 14, '5 % of the 280.00 ₽ paid');
    assert.deepEqual(e.effects, [
      { campaignId: 'c', tierId: null, name: 'campaign c', effectIndex: 0, couponCode: null, kind: 'discount_percent', block: 'mass', lines: [{ index: 0, discount: 2_000, points: 0 }], discount: 2_000, points: 0, costMinor: 2_000, cut: false },
    ]);
  });

  test('a percentage discount rounds half up to the kopeck (15 % of 3.33 ₽ is 0.4995 ₽ → 0.50 ₽)', () => {
    const e = purchase(withEffect({ kind: 'discount_percent', percent: 15 }), receiptOf(line('a', 333)));
    assert.deepEqual(discounts(e), [50]);
  });

  test('a fixed 150.00 ₽ off splits over the lines by what they cost', () => {
    const e = purchase(withEffect({ kind: 'discount_fixed', amount: 15_000 }), receiptOf(line('a', 10_000), line('b', 20_000)));
    assert.deepEqual(discounts(e), [5_000, 10_000]);
  });

  test('a fixed discount larger than the lines takes them to zero and no further', () => {
    const e = purchase(withEffect({ kind: 'discount_fixed', amount: 50_000, lines: { skus: ['a'] } }), receiptOf(line('a', 30_000), line('b', 20_000)));
    assert.deepEqual(discounts(e), [30_000, 0]);
    assert.equal(e.lines[0]!.paid, 0);
    assert.equal(e.effects[0]!.discount, 30_000);
  });

  test('cheapest free from three items: the 100.00 ₽ item of four is free', () => {
    const e = purchase(withEffect({ kind: 'cheapest_free', count: 1, minQuantity: 3 }), receiptOf(line('a', 30_000), line('b', 20_000, 2), line('c', 10_000)));
    assert.deepEqual(discounts(e), [0, 0, 10_000]);
  });

  test('cheapest free does nothing with fewer items than required, and the campaign does not apply', () => {
    const e = purchase(withEffect({ kind: 'cheapest_free', count: 1, minQuantity: 3 }), receiptOf(line('a', 30_000), line('b', 20_000)));
    assert.deepEqual(discounts(e), [0, 0]);
    assert.deepEqual(e.applied, []);
    assert.equal(traceOf(e, 'c').reason, 'no_effect');
  });

  test('three for two: the cheapest of 300, 200 and 100 ₽ is free', () => {
    const e = purchase(withEffect({ kind: 'nth_item', n: 3, percent: 100 }), receiptOf(line('a', 30_000), line('b', 20_000), line('c', 10_000)));
    assert.deepEqual(discounts(e), [0, 0, 10_000]);
  });

  test('three for two counts units: five yoghurts at 50.00 ₽ get one free', () => {
    const e = purchase(withEffect({ kind: 'nth_item', n: 3, percent: 100 }), receiptOf(line('yoghurt', 5_000, 5)));
    assert.deepEqual(discounts(e), [5_000]);
  });

  test('every second item for 1 ₽, counted from the most expensive: 200 → 1 and 100 → 1', () => {
    const e = purchase(withEffect({ kind: 'nth_item', n: 2, price: 100 }), receiptOf(line('d', 10_000), line('a', 30_000), line('c', 15_000), line('b', 20_000)));
    assert.deepEqual(discounts(e), [9_900, 0, 0, 19_900]);
  });

  test('the second item at half price on a line of two', () => {
    const e = purchase(withEffect({ kind: 'nth_item', n: 2, percent: 50 }), receiptOf(line('shirt', 199_900, 2)));
    assert.deepEqual(discounts(e), [99_950]);
  });
});

describe('points effects', () => {
  test('100 bonus points split over the lines by the money paid', () => {
    const e = purchase(withEffect({ kind: 'points_fixed', points: 100 }), receiptOf(line('a', 30_000), line('b', 10_000)));
    assert.deepEqual(
      e.lines.map((l) => l.bonusPoints),
      [75, 25],
    );
    assert.equal(e.basePoints, 20);
    assert.equal(e.pointsEarned, 120);
    assert.deepEqual(e.effects.map((x) => [x.kind, x.points, x.costMinor]), [['points_fixed', 100, 10_000]]);
  });

  test('5 points per item of milk: three cartons earn 15', () => {
    const e = purchase(withEffect({ kind: 'points_per_item', points: 5, lines: { categories: ['milk'] } }), receiptOf(line('milk', 8_000, 3, 'milk'), line('bread', 5_000, 1, 'bread')));
    assert.deepEqual(e.lines.map((l) => l.bonusPoints), [15, 0]);
  });

  test('10 points for every full 100.00 ₽ paid: 250.00 ₽ earns 20', () => {
    const e = purchase(withEffect({ kind: 'points_per_amount', points: 10, per: 10_000 }), receiptOf(line('a', 25_000)));
    assert.equal(e.bonusPoints, 20);
  });

  test('3 % of the money paid in points rounds by the program’s mode: 7.5 → 7', () => {
    const e = purchase(withEffect({ kind: 'points_percent', percent: 3 }), receiptOf(line('a', 25_000)));
    assert.equal(e.bonusPoints, 7);
  });

  test('triple points on coffee adds twice the coffee’s base points', () => {
    const e = purchase(withEffect({ kind: 'points_multiplier', multiplier: 3, lines: { skus: ['coffee'] } }), receiptOf(line('coffee', 40_000), line('tea', 20_000)));
    assert.deepEqual(e.lines.map((l) => l.basePoints), [20, 10]);
    assert.deepEqual(e.lines.map((l) => l.bonusPoints), [40, 0]);
  });

  test('a multiplier of 1.5 rounds its extra half once: base 25 → 12 extra', () => {
    const e = purchase(withEffect({ kind: 'points_multiplier', multiplier: 1.5 }), receiptOf(line('a', 50_000)));
    assert.equal(e.basePoints, 25);
    assert.equal(e.bonusPoints, 12);
  });

  test('campaign points skip lines the program excludes from earning', () => {
    const compiled = rules([campaign('c', { effects: [{ kind: 'points_per_item', points: 5 }] })], { settings: { earnExclusions: { categories: ['tobacco'], skus: [] } } });
    const e = purchase(compiled, receiptOf(line('cigs', 20_000, 2, 'tobacco'), line('milk', 8_000, 1, 'milk')));
    assert.deepEqual(e.lines.map((l) => l.bonusPoints), [0, 5]);
  });

  test('discounts skip lines that may not be paid with points: no percent, no share of a fixed amount, no free unit on tobacco', () => {
    const settings = { redeemExclusions: { categories: ['tobacco'], skus: ['gift-card'] } };
    const receipt = receiptOf(line('cigs', 20_000, 2, 'tobacco'), line('milk', 8_000, 1, 'milk'), line('gift-card', 100_000, 1, 'cards'));
    const percent = purchase(rules([campaign('c', { effects: [{ kind: 'discount_percent', percent: 10 }] })], { settings }), receipt);
    assert.deepEqual(percent.lines.map((l) => l.campaignDiscount), [0, 800, 0]);
    const fixed = purchase(rules([campaign('c', { effects: [{ kind: 'discount_fixed', amount: 50_000 }] })], { settings }), receipt);
    assert.deepEqual(fixed.lines.map((l) => l.campaignDiscount), [0, 8_000, 0], 'at most what the discountable lines cost');
    // Three units on the receipt, but only one may be discounted: the offer "cheapest free from 2" does not apply.
    const free = purchase(rules([campaign('c', { effects: [{ kind: 'cheapest_free', count: 1, minQuantity: 2 }] })], { settings }), receipt);
    assert.deepEqual(free.lines.map((l) => l.campaignDiscount), [0, 0, 0]);
  });

  test("the tier's discount skips lines that may not be paid with points", () => {
    const gold = tier('gold', 1, { benefits: { earnMultiplier: 1, discountPercent: 10, perks: [] } });
    const compiled = rules([], { tiers: [gold], settings: { redeemExclusions: { categories: ['tobacco'], skus: [] } } });
    const e = purchase(compiled, receiptOf(line('cigs', 20_000, 1, 'tobacco'), line('milk', 8_000, 1, 'milk')), { facts: facts({ member: memberFacts({ tierId: 'gold' }) }) });
    assert.deepEqual(e.lines.map((l) => l.tierDiscount), [0, 800]);
  });

  test('a receipt without a member gets discounts but no points', () => {
    const compiled = rules([campaign('d', { effects: [{ kind: 'discount_percent', percent: 10 }] }), campaign('p', { effects: [{ kind: 'points_fixed', points: 100 }] })]);
    const e = purchase(compiled, receiptOf(line('a', 10_000)), { member: null, facts: { member: null } });
    assert.deepEqual(e.applied, ['d']);
    assert.equal(e.pointsEarned, 0);
    assert.equal(traceOf(e, 'p').reason, 'member');
  });
});

describe('a discount and points on the same line', () => {
  test('points are earned on what is paid after the campaign discount and the points spent', () => {
    const compiled = rules([
      campaign('ten-off', { effects: [{ kind: 'discount_percent', percent: 10 }], priority: 2 }),
      campaign('ten-back', { effects: [{ kind: 'points_percent', percent: 10 }], priority: 1 }),
    ]);
    // 100.00 ₽ − 10.00 ₽ discount = 90.00 ₽; 10 points pay 10.00 ₽ → 80.00 ₽ paid.
    const e = purchase(compiled, receiptOf(line('a', 10_000)), { member: active(100), pointsToSpend: 10 });
    const l = e.lines[0]!;
    assert.deepEqual([l.amount, l.campaignDiscount, l.pointsDiscount, l.paid], [10_000, 1_000, 1_000, 8_000]);
    assert.equal(e.maxPointsToSpend, 27, '30 % of the 90.00 ₽ left after the discount');
    assert.equal(l.basePoints, 4, '5 % of 80.00 ₽');
    assert.equal(l.bonusPoints, 8, '10 % of 80.00 ₽');
    assert.equal(l.pointsEarned, 12);
  });
});
