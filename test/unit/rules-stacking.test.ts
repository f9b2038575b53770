import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { limitPeriodStart } from '../../src/domain/rules/budget.js';
import { controlBucket, inControlGroup } from '../../src/domain/rules/control-group.js';
import { evaluateEvent } from '../../src/domain/rules/event.js';
import { campaign, facts, line, memberFacts, NOW, purchase, receiptOf, rules, traceOf } from '../support/rules.js';

const HUNDRED = receiptOf(line('a', 10_000));
const percentOff = (percent: number) => [{ kind: 'discount_percent' as const, percent }];

describe('priority and stacking', () => {
  test('stacked discounts apply in priority order, each on what is left: 10 % then 20 % of 100 ₽ is 10 + 18', () => {
    const compiled = rules([campaign('twenty', { effects: percentOff(20), priority: 5 }), campaign('ten', { effects: percentOff(10), priority: 10 })]);
    const e = purchase(compiled, HUNDRED);
    assert.deepEqual(e.effects.map((x) => [x.campaignId, x.discount]), [['ten', 1_000], ['twenty', 1_800]]);
    assert.equal(e.discountTotal, 2_800);
    assert.deepEqual(e.trace.map((t) => t.campaignId), ['ten', 'twenty'], 'the trace lists campaigns highest priority first');
  });

  test('an exclusive campaign of the highest priority applies alone', () => {
    const compiled = rules([campaign('solo', { effects: percentOff(15), priority: 10, stacking: 'exclusive' }), campaign('other', { effects: percentOff(5), priority: 5 })]);
    const e = purchase(compiled, HUNDRED, { explain: true });
    assert.deepEqual(e.applied, ['solo']);
    assert.deepEqual([traceOf(e, 'other').reason, traceOf(e, 'other').detail], ['stacking', 'campaign solo is exclusive and applied first']);
  });

  test('an exclusive campaign does not apply when one of higher priority already did', () => {
    const compiled = rules([campaign('solo', { effects: percentOff(15), priority: 5, stacking: 'exclusive' }), campaign('first', { effects: percentOff(5), priority: 10 })]);
    const e = purchase(compiled, HUNDRED, { explain: true });
    assert.deepEqual(e.applied, ['first']);
    assert.deepEqual([traceOf(e, 'solo').reason, traceOf(e, 'solo').detail], ['stacking', 'exclusive, but campaign first applied first']);
  });

  test('an exclusive campaign that does not match blocks nothing', () => {
    const compiled = rules([
      campaign('solo', { effects: percentOff(15), priority: 10, stacking: 'exclusive', conditions: [{ kind: 'total', min: 1_000_000 }] }),
      campaign('other', { effects: percentOff(5), priority: 5 }),
    ]);
    assert.deepEqual(purchase(compiled, HUNDRED).applied, ['other']);
  });

  test('best of: the offer worth most to the customer wins, and stacked campaigns still apply', () => {
    const compiled = rules([
      campaign('ten-percent', { effects: percentOff(10), priority: 3, stacking: 'best_of' }),
      campaign('fifteen-rubles', { effects: [{ kind: 'discount_fixed', amount: 1_500 }], priority: 1, stacking: 'best_of' }),
      campaign('points', { effects: [{ kind: 'points_fixed', points: 5 }], priority: 2 }),
    ]);
    const e = purchase(compiled, HUNDRED, { explain: true });
    assert.deepEqual(e.applied.sort(), ['fifteen-rubles', 'points']);
    assert.equal(e.discountTotal, 1_500);
    assert.deepEqual([traceOf(e, 'ten-percent').reason, traceOf(e, 'ten-percent').detail], ['stacking', 'best_of: campaign fifteen-rubles is worth more (1500 against 1000 minor units)']);
  });

  test('best of values points at pointValue: 10 points (10 ₽) beat 5 ₽ off', () => {
    const compiled = rules([
      campaign('five-off', { effects: [{ kind: 'discount_fixed', amount: 500 }], stacking: 'best_of', priority: 2 }),
      campaign('ten-points', { effects: [{ kind: 'points_fixed', points: 10 }], stacking: 'best_of', priority: 1 }),
    ]);
    assert.deepEqual(purchase(compiled, HUNDRED).applied, ['ten-points']);
  });

  test('best of: a tie goes to the higher priority', () => {
    const compiled = rules([
      campaign('low', { effects: percentOff(10), stacking: 'best_of', priority: 1 }),
      campaign('high', { effects: percentOff(10), stacking: 'best_of', priority: 2 }),
    ]);
    assert.deepEqual(purchase(compiled, HUNDRED).applied, ['high']);
  });
});

describe('limits', () => {
  const twiceADay = campaign('c', { limits: { perMember: { count: 2, period: 'day' } } });

  test('a member who had the campaign twice today does not get it a third time', () => {
    assert.deepEqual(purchase(rules([twiceADay]), HUNDRED, { facts: { usage: { c: 1 } } }).applied, ['c']);
    const e = purchase(rules([twiceADay]), HUNDRED, { facts: { usage: { c: 2 } }, explain: true });
    assert.deepEqual([traceOf(e, 'c').reason, traceOf(e, 'c').pointer, traceOf(e, 'c').detail], ['limit', '/limits/perMember', 'used 2 of 2 times per day']);
  });

  test('limit periods start at Moscow midnight, on Monday, on the 1st', () => {
    // NOW is Sunday 10 March 2024, 12:00 Moscow.
    assert.deepEqual(limitPeriodStart('day', NOW, 'Europe/Moscow'), new Date('2024-03-09T21:00:00Z'));
    assert.deepEqual(limitPeriodStart('week', NOW, 'Europe/Moscow'), new Date('2024-03-03T21:00:00Z'));
    assert.deepEqual(limitPeriodStart('month', NOW, 'Europe/Moscow'), new Date('2024-02-29T21:00:00Z'));
    assert.equal(limitPeriodStart('campaign', NOW, 'Europe/Moscow'), null);
  });

  test('a per-receipt cap cuts the discount: 10 % of 1 000 ₽, at most 50 ₽', () => {
    const compiled = rules([campaign('c', { effects: percentOff(10), limits: { perReceipt: { discount: 5_000 } } })]);
    const e = purchase(compiled, receiptOf(line('a', 60_000), line('b', 40_000)));
    assert.deepEqual(e.lines.map((l) => l.campaignDiscount), [3_000, 2_000]);
    assert.deepEqual([e.effects[0]!.discount, e.effects[0]!.cut], [5_000, true]);
  });

  test('a per-receipt cap cuts the points: 10 per item, at most 25', () => {
    const compiled = rules([campaign('c', { effects: [{ kind: 'points_per_item', points: 10 }], limits: { perReceipt: { points: 25 } } })]);
    const e = purchase(compiled, receiptOf(line('a', 1_000, 2), line('b', 1_000, 2)));
    assert.deepEqual(e.lines.map((l) => l.bonusPoints), [13, 12]);
  });
});

describe('budget', () => {
  test('points are cut to what the budget has left: 950 of 1 000 used, 100 due → 50', () => {
    const compiled = rules([campaign('c', { effects: [{ kind: 'points_fixed', points: 100 }], budget: { points: 1_000, warnAtPercent: 80 } })]);
    const e = purchase(compiled, HUNDRED, { facts: { budgetUsed: { c: { points: 950, costMinor: 95_000 } } } });
    assert.deepEqual([e.effects[0]!.points, e.effects[0]!.cut], [50, true]);
    assert.deepEqual(e.budgetWarnings, [{ campaignId: 'c', budget: 'points', cap: 1_000, usedBefore: 950, usedAfter: 1_000, warnAtPercent: 80, crossed: false }]);
  });

  test('a money budget limits points at pointValue: 30.00 ₽ left buys 30 points', () => {
    const compiled = rules([campaign('c', { effects: [{ kind: 'points_fixed', points: 100 }], budget: { money: 100_000, warnAtPercent: 90 } })]);
    const e = purchase(compiled, HUNDRED, { facts: { budgetUsed: { c: { points: 970, costMinor: 97_000 } } } });
    assert.equal(e.effects[0]!.points, 30);
  });

  test('a discount that does not fit in the money left is skipped, not cut', () => {
    const compiled = rules([campaign('c', { effects: percentOff(20), budget: { money: 10_000, warnAtPercent: 80 } })]);
    const e = purchase(compiled, HUNDRED, { facts: { budgetUsed: { c: { points: 0, costMinor: 9_000 } } } });
    assert.deepEqual(e.applied, []);
    assert.equal(e.discountTotal, 0);
    assert.equal(traceOf(e, 'c').reason, 'budget');
  });

  test('a spent budget stops the campaign before stacking, so it blocks nothing', () => {
    const compiled = rules([
      campaign('spent', { effects: percentOff(20), stacking: 'exclusive', priority: 9, budget: { money: 10_000, warnAtPercent: 80 } }),
      campaign('other', { effects: percentOff(5) }),
    ]);
    const e = purchase(compiled, HUNDRED, { facts: { budgetUsed: { spent: { points: 0, costMinor: 10_000 } } } });
    assert.deepEqual(e.applied, ['other']);
    assert.equal(traceOf(e, 'spent').reason, 'budget');
  });

  test('crossing the warning threshold is flagged once: 700 + 100 of 1 000 at 80 %', () => {
    const compiled = rules([campaign('c', { effects: [{ kind: 'points_fixed', points: 100 }], budget: { points: 1_000, warnAtPercent: 80 } })]);
    const e = purchase(compiled, HUNDRED, { facts: { budgetUsed: { c: { points: 700, costMinor: 70_000 } } } });
    assert.deepEqual(e.budgetWarnings.map((w) => [w.budget, w.usedAfter, w.crossed]), [['points', 800, true]]);
    const below = purchase(compiled, HUNDRED, { facts: { budgetUsed: { c: { points: 600, costMinor: 60_000 } } } });
    assert.deepEqual(below.budgetWarnings, []);
  });
});

describe('control group', () => {
  test('membership is a pure function of campaign and member', () => {
    assert.equal(controlBucket('spring', 'member-42'), controlBucket('spring', 'member-42'));
    assert.equal(inControlGroup('spring', 'member-42', 10), inControlGroup('spring', 'member-42', 10));
    assert.notEqual(controlBucket('spring', 'member-42'), controlBucket('autumn', 'member-42'));
  });

  test('about 10 % of 20 000 members are held back from a 10 % control group', () => {
    let held = 0;
    for (let i = 0; i < 20_000; i++) if (inControlGroup('spring-sale', `0192f3a1-0000-7000-8000-${String(i).padStart(12, '0')}`, 10)) held++;
    assert.ok(held > 1_800 && held < 2_200, `${held} held back`);
  });

  test('a member in the control group does not get the campaign; the trace says so', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `m-${i}`);
    const inside = ids.find((id) => controlBucket('c', id) < 5_000)!;
    const outside = ids.find((id) => controlBucket('c', id) >= 5_000)!;
    const compiled = rules([campaign('c', { controlGroupPercent: 50 })]);
    const e = purchase(compiled, HUNDRED, { facts: { member: memberFacts({ id: inside }) } });
    assert.deepEqual([e.applied, traceOf(e, 'c').reason], [[], 'control_group']);
    assert.deepEqual(purchase(compiled, HUNDRED, { facts: { member: memberFacts({ id: outside }) } }).applied, ['c']);
  });

  test('a simulation can put a member in or out of a control group whatever their id hashes to', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `m-${i}`);
    const inside = ids.find((id) => controlBucket('c', id) < 5_000)!;
    const compiled = rules([campaign('c', { controlGroupPercent: 50 }), campaign('d', { controlGroupPercent: 50 })]);
    const out = purchase(compiled, HUNDRED, { facts: { member: memberFacts({ id: inside }), controlGroups: [] }, explain: true });
    assert.deepEqual(out.applied, ['c', 'd']);
    assert.ok(traceOf(out, 'c').matched.includes('control group: the member is outside the 50 % control group (as the simulation assumes)'), JSON.stringify(traceOf(out, 'c').matched));
    const held = purchase(compiled, HUNDRED, { facts: { member: memberFacts({ id: inside }), controlGroups: ['d'] }, explain: true });
    assert.deepEqual([held.applied, traceOf(held, 'd').reason, traceOf(held, 'd').detail], [['c'], 'control_group', 'the member is in the 50 % control group (as the simulation assumes)']);
  });
});

describe('event campaigns', () => {
  const review = campaign('review', {
    kind: 'event',
    eventType: 'review_left',
    effects: [{ kind: 'points_fixed', points: 50 }],
    conditions: [{ kind: 'event_attribute', name: 'rating', op: 'gte', value: 4 }],
    limits: { perMember: { count: 1, period: 'month' } },
    budget: { points: 1_000, warnAtPercent: 90 },
  });
  const questionnaire = campaign('questionnaire', { kind: 'event', eventType: 'questionnaire_filled', effects: [{ kind: 'points_fixed', points: 200 }] });
  const compiled = rules([review, questionnaire, campaign('purchase-only')]);

  test('a five-star review earns 50 points, booked to its campaign', () => {
    const r = evaluateEvent(compiled, 'review_left', { rating: 5 }, facts(), NOW);
    assert.equal(r.points, 50);
    assert.deepEqual(r.effects.map((e) => [e.campaignId, e.kind, e.points, e.costMinor, e.lines]), [['review', 'points_fixed', 50, 5_000, []]]);
    assert.deepEqual(r.trace.map((t) => t.campaignId), ['review'], 'only campaigns of this event type');
  });

  test('a three-star review earns nothing and the trace says why', () => {
    const r = evaluateEvent(compiled, 'review_left', { rating: 3 }, facts(), NOW, { explain: true });
    assert.equal(r.points, 0);
    assert.deepEqual([r.trace[0]!.reason, r.trace[0]!.detail], ['condition', 'event attribute rating = 3, needs rating gte 4']);
  });

  test('event campaigns keep their limits and budgets', () => {
    assert.equal(evaluateEvent(compiled, 'review_left', { rating: 5 }, facts({ usage: { review: 1 } }), NOW).points, 0);
    assert.equal(evaluateEvent(compiled, 'review_left', { rating: 5 }, facts({ budgetUsed: { review: { points: 980, costMinor: 98_000 } } }), NOW).points, 20);
  });

  test('an event without a member earns nothing', () => {
    assert.equal(evaluateEvent(compiled, 'questionnaire_filled', {}, facts({ member: null }), NOW).points, 0);
  });

  test('purchase campaigns do not react to events, nor event campaigns to purchases', () => {
    assert.deepEqual(purchase(compiled, HUNDRED).trace.map((t) => t.campaignId), ['purchase-only']);
  });
});
