import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Value } from 'typebox/value';
import { ageOn, checkSegmentRule, longestWindow, matchesCondition, matchesRule, SegmentRule, type MemberFacts, type SegmentCondition } from '../../src/domain/analytics/segment-rules.js';
import { dayNumber } from '../../src/domain/analytics/summary.js';
import { DomainError } from '../../src/domain/errors.js';

const today = dayNumber('2026-03-31');
const anna: MemberFacts = {
  memberId: 'anna',
  status: 'active',
  city: 'Москва',
  gender: 'female',
  birthday: '1990-04-01',
  attributes: { vip: true, visits: 12, channel: 'app' },
  consents: { sms: true, email: false },
  enrolledDay: today - 100,
  tierId: 'gold',
  purchases: [
    { day: today, total: 100_000 },
    { day: today - 10, total: 50_000 },
    { day: today - 40, total: 70_000 },
  ],
  lastPurchaseDay: today,
};
const never: MemberFacts = { ...anna, memberId: 'never', city: null, birthday: null, attributes: {}, consents: {}, tierId: null, purchases: [], lastPurchaseDay: null };
const holds = (c: SegmentCondition, f = anna) => matchesCondition(c, f, today);

describe('segment conditions', () => {
  test('attributes: equality, lists, numbers, presence', () => {
    assert.equal(holds({ kind: 'attribute', name: 'vip', op: 'eq', value: true }), true);
    assert.equal(holds({ kind: 'attribute', name: 'vip', op: 'ne', value: true }), false);
    assert.equal(holds({ kind: 'attribute', name: 'channel', op: 'in', values: ['web', 'app'] }), true);
    assert.equal(holds({ kind: 'attribute', name: 'channel', op: 'not_in', values: ['web', 'app'] }), false);
    assert.equal(holds({ kind: 'attribute', name: 'visits', op: 'gte', value: 12 }), true);
    assert.equal(holds({ kind: 'attribute', name: 'visits', op: 'gt', value: 12 }), false);
    assert.equal(holds({ kind: 'attribute', name: 'channel', op: 'lt', value: 5 }), false, 'a text is not a number');
    assert.equal(holds({ kind: 'attribute', name: 'vip', op: 'exists' }, never), false);
    assert.equal(holds({ kind: 'attribute', name: 'vip', op: 'not_exists' }, never), true);
  });

  test('profile, age, consent, enrolment and tier', () => {
    assert.equal(holds({ kind: 'profile', field: 'city', op: 'in', values: ['Москва'] }), true);
    assert.equal(holds({ kind: 'profile', field: 'city', op: 'not_in', values: ['Москва'] }, never), true, 'no city is not Moscow');
    assert.equal(ageOn('1990-04-01', today), 35, 'the day before the 36th birthday');
    assert.equal(ageOn('2000-02-29', dayNumber('2026-02-28')), 25);
    assert.equal(ageOn('2000-02-29', dayNumber('2026-03-01')), 26);
    assert.equal(holds({ kind: 'age', min: 36 }), false);
    assert.equal(holds({ kind: 'age', max: 200 }, never), false, 'no birthday, no age');
    assert.equal(holds({ kind: 'consent', channel: 'sms', given: true }), true);
    assert.equal(holds({ kind: 'consent', channel: 'push', given: false }), true);
    assert.equal(holds({ kind: 'enrolled', minDays: 100, maxDays: 100 }), true);
    assert.equal(holds({ kind: 'tier', tierIds: ['gold', 'silver'], match: 'any' }), true);
    assert.equal(holds({ kind: 'tier', tierIds: ['gold'], match: 'none' }, never), true);
  });

  test('purchases and spend count the last N days, today included', () => {
    assert.equal(holds({ kind: 'purchases', windowDays: 10, min: 2 }), false, 'ten days back is outside a 10-day window');
    assert.equal(holds({ kind: 'purchases', windowDays: 11, min: 2, max: 2 }), true);
    assert.equal(holds({ kind: 'spend', windowDays: 41, min: 220_000 }), true);
    assert.equal(holds({ kind: 'spend', windowDays: 30, max: 0 }, never), true);
  });

  test('last purchase: a member who never bought is infinitely long ago', () => {
    assert.equal(holds({ kind: 'last_purchase', maxDays: 0 }), true);
    assert.equal(holds({ kind: 'last_purchase', minDays: 30 }, never), true);
    assert.equal(holds({ kind: 'last_purchase', maxDays: 30 }, never), false);
  });
});

describe('segment rules', () => {
  const rule = (match: 'all' | 'any', ...conditions: SegmentCondition[]): SegmentRule => ({ match, conditions });
  test('all or any of the conditions', () => {
    const moscowVip = rule('all', { kind: 'profile', field: 'city', op: 'in', values: ['Москва'] }, { kind: 'attribute', name: 'vip', op: 'eq', value: true });
    assert.deepEqual([matchesRule(moscowVip, anna, today), matchesRule(moscowVip, never, today)], [true, false]);
    const either = rule('any', { kind: 'attribute', name: 'vip', op: 'exists' }, { kind: 'last_purchase', minDays: 365 });
    assert.deepEqual([matchesRule(either, anna, today), matchesRule(either, never, today)], [true, true]);
    assert.equal(longestWindow([moscowVip, rule('all', { kind: 'spend', windowDays: 90, min: 1 }, { kind: 'purchases', windowDays: 30, min: 1 })]), 90);
  });

  test('the schema rejects unknown kinds and fields; the check rejects empty and reversed bounds', () => {
    assert.equal(Value.Check(SegmentRule, rule('all', { kind: 'purchases', windowDays: 30, min: 1 })), true);
    assert.equal(Value.Check(SegmentRule, { match: 'all', conditions: [{ kind: 'horoscope' }] }), false);
    assert.equal(Value.Check(SegmentRule, { match: 'all', conditions: [{ kind: 'purchases', windowDays: 30, min: 1, extra: 1 }] }), false);
    assert.equal(Value.Check(SegmentRule, { match: 'all', conditions: [] }), false);
    try {
      checkSegmentRule(rule('all', { kind: 'age' }, { kind: 'enrolled', minDays: 5, maxDays: 1 }));
      assert.fail('expected INVALID_SEGMENT_RULE');
    } catch (err) {
      assert.equal((err as DomainError).code, 'INVALID_SEGMENT_RULE');
      assert.deepEqual((err as DomainError).errors, [
        { pointer: '/rule/conditions/0', detail: 'needs min or max' },
        { pointer: '/rule/conditions/1/minDays', detail: 'must not be greater than maxDays' },
      ]);
    }
  });
});
