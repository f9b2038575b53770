import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { evaluatePurchase } from '../../src/domain/purchase.js';
import { evaluateReceipt, maxPointsToSpend, type MemberState } from '../../src/domain/receipt.js';
import type { Campaign, Effect, LineFilter } from '../../src/domain/rules/types.js';
import { DEFAULT_SETTINGS, type ProgramSettings } from '../../src/domain/settings.js';
import { domainError } from '../support/domain.js';
import { active, campaign, facts, line, memberFacts, NOW, purchase, receiptOf, rules, tier } from '../support/rules.js';

// Gold: ×1.5 points, 5 % off, up to 50 % of a receipt in points (the program allows 30 %).
const GOLD = tier('gold', 2, { benefits: { earnMultiplier: 1.5, discountPercent: 5, maxRedeemPercent: 50, perks: ['free delivery'] } });
const goldFacts = { member: memberFacts({ tierId: 'gold' }) };
const THOUSAND = receiptOf(line('tv', 100_000));

describe('evaluatePurchase: tier benefits in the main scheme', () => {
  test('a gold member: 5 % off, up to 50 % in points, points ×1.5 on the money paid', () => {
    const e = purchase(rules([], { tiers: [GOLD] }), THOUSAND, { facts: goldFacts, member: active(1_000), pointsToSpend: 100 });
    const l = e.lines[0]!;
    // 1 000 ₽ − 50 ₽ tier discount = 950 ₽; 50 % of it is 475 points; 100 points pay 100 ₽ → 850 ₽ paid.
    assert.deepEqual([l.tierDiscount, e.maxPointsToSpend, l.pointsDiscount, l.paid], [5_000, 475, 10_000, 85_000]);
    // 5 % of 850 ₽ = 42.5 → 42 base points; × 1.5 adds 21 (rounded down once).
    assert.deepEqual([l.basePoints, l.bonusPoints, l.pointsEarned], [42, 21, 63]);
    assert.deepEqual(
      e.effects.map((x) => [x.kind, x.campaignId, x.tierId, x.block, x.discount, x.points, x.costMinor]),
      [
        ['tier_discount', null, 'gold', 'main', 5_000, 0, 5_000],
        ['tier_multiplier', null, 'gold', 'main', 0, 21, 2_100],
      ],
    );
    assert.deepEqual(e.tier, { id: 'gold', name: 'gold', rank: 2, benefits: GOLD.benefits });
  });

  test('the tier’s discount comes after the campaigns’: 10 % off then 5 % of the rest', () => {
    const compiled = rules([campaign('c', { effects: [{ kind: 'discount_percent', percent: 10 }] })], { tiers: [GOLD] });
    const e = purchase(compiled, THOUSAND, { facts: goldFacts });
    assert.deepEqual([e.lines[0]!.campaignDiscount, e.lines[0]!.tierDiscount, e.discountTotal, e.paidTotal], [10_000, 4_500, 14_500, 85_500]);
  });

  test('a blocked member pays the price for everyone: campaigns without an audience, no tier, no points', () => {
    const compiled = rules([campaign('all', { effects: [{ kind: 'discount_percent', percent: 10 }] }), campaign('members', { audience: [{ kind: 'member' }], effects: [{ kind: 'discount_percent', percent: 10 }] })], { tiers: [GOLD] });
    const e = purchase(compiled, THOUSAND, { facts: goldFacts, member: { status: 'blocked', available: 500 } });
    assert.deepEqual([e.applied, e.tier, e.discountTotal, e.pointsEarned], [['all'], null, 10_000, 0]);
  });

  test('spending more than the tier’s share allows is refused with the limit', () => {
    const err = domainError(() => purchase(rules([], { tiers: [GOLD] }), THOUSAND, { facts: goldFacts, member: active(1_000), pointsToSpend: 476 }), 'REDEEM_LIMIT_EXCEEDED');
    assert.deepEqual(err.extra, { maxPointsToSpend: 475 });
  });

  test('campaign points follow a partial return: each line carries its own share', () => {
    const compiled = rules([campaign('c', { effects: [{ kind: 'points_fixed', points: 90 }] })]);
    const e = purchase(compiled, receiptOf(line('a', 20_000), line('b', 10_000)));
    assert.deepEqual(e.lines.map((l) => [l.basePoints, l.bonusPoints, l.pointsEarned]), [[10, 60, 70], [5, 30, 35]]);
  });
});

// Receipts of up to 6 lines over three categories, in whole roubles with a till discount now and then.
const lineArb = fc.record({
  category: fc.constantFrom('food', 'alcohol', 'tobacco'),
  quantity: fc.integer({ min: 1, max: 6 }),
  price: fc.integer({ min: 0, max: 50_000 }),
  discountShare: fc.integer({ min: 0, max: 30 }),
});
const receiptArb = fc.array(lineArb, { minLength: 1, maxLength: 6 }).map((ls) =>
  receiptOf(...ls.map((l, i) => ({ sku: `sku-${i % 4}`, category: l.category, quantity: l.quantity, price: l.price, discount: Math.floor((l.price * l.quantity * l.discountShare) / 100) }))),
);
const filterArb: fc.Arbitrary<LineFilter | undefined> = fc.option(
  fc.oneof(fc.record({ categories: fc.subarray(['food', 'alcohol', 'tobacco'], { minLength: 1 }) }), fc.record({ skus: fc.subarray(['sku-0', 'sku-1', 'sku-2'], { minLength: 1 }) })),
  { nil: undefined },
);
const percentArb = fc.constantFrom(1, 5, 12.5, 33.33, 50, 100);
const effectArb: fc.Arbitrary<Effect> = fc.oneof(
  fc.record({ kind: fc.constant('discount_percent' as const), percent: percentArb, lines: filterArb }),
  fc.record({ kind: fc.constant('discount_fixed' as const), amount: fc.integer({ min: 1, max: 100_000 }), lines: filterArb }),
  fc.record({ kind: fc.constant('cheapest_free' as const), count: fc.integer({ min: 1, max: 2 }), minQuantity: fc.integer({ min: 2, max: 4 }), lines: filterArb }),
  fc.record({ kind: fc.constant('nth_item' as const), n: fc.integer({ min: 2, max: 4 }), price: fc.integer({ min: 0, max: 5_000 }), lines: filterArb }),
  fc.record({ kind: fc.constant('nth_item' as const), n: fc.integer({ min: 2, max: 4 }), percent: percentArb, lines: filterArb }),
  fc.record({ kind: fc.constant('points_fixed' as const), points: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ kind: fc.constant('points_per_item' as const), points: fc.integer({ min: 1, max: 20 }), lines: filterArb }),
  fc.record({ kind: fc.constant('points_per_amount' as const), points: fc.integer({ min: 1, max: 20 }), per: fc.integer({ min: 100, max: 50_000 }), lines: filterArb }),
  fc.record({ kind: fc.constant('points_percent' as const), percent: percentArb, lines: filterArb }),
  fc.record({ kind: fc.constant('points_multiplier' as const), multiplier: fc.constantFrom(1.5, 2, 3.25), lines: filterArb }),
);
const campaignArb = (id: string): fc.Arbitrary<Campaign> =>
  fc
    .record({
      effects: fc.array(effectArb, { minLength: 1, maxLength: 3 }),
      priority: fc.integer({ min: 0, max: 3 }),
      stacking: fc.constantFrom('stack' as const, 'exclusive' as const, 'best_of' as const),
      perReceipt: fc.option(fc.record({ discount: fc.integer({ min: 0, max: 20_000 }), points: fc.integer({ min: 0, max: 300 }) }), { nil: undefined }),
      budget: fc.option(fc.record({ money: fc.integer({ min: 1, max: 50_000 }), warnAtPercent: fc.constant(80) }), { nil: undefined }),
    })
    .map(({ perReceipt, budget, ...rest }) => campaign(id, { ...rest, limits: perReceipt ? { perReceipt } : {}, ...(budget ? { budget } : {}) }));

const settingsArb: fc.Arbitrary<ProgramSettings> = fc
  .record({
    pointValue: fc.constantFrom(1, 100, 1_000),
    rounding: fc.constantFrom('floor' as const, 'ceil' as const, 'half_up' as const, 'half_even' as const),
    percent: fc.constantFrom(0, 1, 5, 7.5, 100),
    maxRedeemPercent: fc.integer({ min: 0, max: 100 }),
    excluded: fc.subarray(['food', 'alcohol', 'tobacco']),
  })
  .map((s) => ({ ...DEFAULT_SETTINGS, pointValue: s.pointValue, rounding: s.rounding, earning: { kind: 'percent', percent: s.percent }, maxRedeemPercent: s.maxRedeemPercent, earnExclusions: { categories: s.excluded, skus: [] } }));

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('evaluatePurchase: properties', () => {
  test('property: with no campaigns and no tiers it gives exactly what evaluateReceipt gives', () => {
    fc.assert(
      fc.property(receiptArb, settingsArb, fc.integer({ min: 0, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (r, s, available, share) => {
        const member: MemberState = { status: 'active', available };
        const spend = Math.floor(maxPointsToSpend(r, s, member) * share);
        const old = evaluateReceipt(r, s, member, spend, NOW);
        const now = evaluatePurchase(rules([], { settings: s }), { receipt: r, member, facts: facts(), pointsToSpend: spend, occurredAt: NOW });
        const { lines, ...totals } = old;
        assert.deepEqual(now.lines.map(({ campaignDiscount: _c, tierDiscount: _t, basePoints: _b, bonusPoints: _x, ...l }) => l), lines);
        for (const [k, v] of Object.entries(totals)) assert.deepEqual(now[k as keyof typeof now], v, k);
      }),
      { numRuns: 200 },
    );
  });

  test('property: discounts never exceed line amounts, and every split adds up exactly', () => {
    const caseArb = fc.record({
      receipt: receiptArb,
      settings: settingsArb,
      campaigns: fc.tuple(campaignArb('a'), campaignArb('b'), campaignArb('c'), campaignArb('d')),
      tierDiscount: fc.constantFrom(0, 3, 10),
      multiplier: fc.constantFrom(1, 1.25, 2),
      available: fc.integer({ min: 0, max: 100_000 }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(caseArb, (c) => {
        const gold = tier('gold', 1, { benefits: { earnMultiplier: c.multiplier, discountPercent: c.tierDiscount, maxRedeemPercent: 60, perks: [] } });
        const compiled = rules(c.campaigns, { tiers: [gold], settings: c.settings });
        const member: MemberState = { status: 'active', available: c.available };
        const f = facts({ member: memberFacts({ tierId: 'gold' }) });
        const max = evaluatePurchase(compiled, { receipt: c.receipt, member, facts: f, pointsToSpend: 0, occurredAt: NOW }).maxPointsToSpend;
        const spend = Math.floor(max * c.share);
        const e = evaluatePurchase(compiled, { receipt: c.receipt, member, facts: f, pointsToSpend: spend, occurredAt: NOW });
        for (const l of e.lines) {
          assert.ok(l.campaignDiscount + l.tierDiscount + l.pointsDiscount <= l.amount, `line ${l.index}: discounts exceed the amount`);
          assert.equal(l.paid, l.amount - l.campaignDiscount - l.tierDiscount - l.pointsDiscount);
          assert.ok(l.paid >= 0);
          assert.equal(l.pointsEarned, l.basePoints + l.bonusPoints);
          const ofLine = e.effects.flatMap((x) => x.lines.filter((el) => el.index === l.index));
          assert.equal(sum(ofLine.map((el) => el.discount)), l.campaignDiscount + l.tierDiscount, `line ${l.index}: effect discounts`);
          assert.equal(sum(ofLine.map((el) => el.points)), l.bonusPoints, `line ${l.index}: effect points`);
        }
        for (const x of e.effects) {
          assert.equal(sum(x.lines.map((el) => el.discount)), x.discount);
          assert.equal(sum(x.lines.map((el) => el.points)), x.points);
          assert.equal(x.costMinor, x.discount + x.points * c.settings.pointValue);
        }
        for (const camp of c.campaigns) {
          const mine = e.effects.filter((x) => x.campaignId === camp.id);
          const cap = camp.limits.perReceipt;
          if (cap?.discount !== undefined) assert.ok(sum(mine.map((x) => x.discount)) <= cap.discount);
          if (cap?.points !== undefined) assert.ok(sum(mine.map((x) => x.points)) <= cap.points);
          if (camp.budget?.money !== undefined) assert.ok(sum(mine.map((x) => x.costMinor)) <= camp.budget.money);
        }
        assert.equal(sum(e.lines.map((l) => l.pointsSpent)), spend);
        assert.equal(sum(e.lines.map((l) => l.pointsEarned)), e.pointsEarned);
        assert.equal(sum(e.lines.map((l) => l.paid)), e.paidTotal);
        assert.equal(e.paidTotal, c.receipt.total - e.discountTotal - spend * c.settings.pointValue);
      }),
      { numRuns: 300 },
    );
  });
});
