import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TierPolicy } from '../../src/domain/rules/types.js';
import { decideTier, nextReviewAt, reviewDueSince, tierWindows, type QualifyingTotals, type TierState } from '../../src/domain/tiers.js';
import { tier } from '../support/rules.js';

// Bronze for everyone, silver from 10 000 ₽ spent in the calendar year, gold from 50 000 ₽;
// a downgrade waits 30 days after the year ends. The program is in Moscow (UTC+3).
const TIERS = [tier('bronze', 0, { qualification: { metric: 'spend', min: 0 } }), tier('silver', 1), tier('gold', 2, { qualification: { metric: 'spend', min: 5_000_000 } })];
const YEARLY: TierPolicy = { window: { kind: 'calendar', period: 'year' }, graceDays: 30 };
const TZ = 'Europe/Moscow';
const spend = (minor: number): QualifyingTotals => ({ spend: minor, purchases: 0, points: 0 });
const at = (iso: string) => new Date(iso);
const NEW_YEAR_2025 = at('2024-12-31T21:00:00Z');

const decide = (state: TierState, current: number, review: number | null, when: string, policy = YEARLY) =>
  decideTier(TIERS, policy, state, { current: spend(current), review: review === null ? null : spend(review) }, at(when), TZ);

describe('tiers under a calendar year with 30 days of grace', () => {
  test('a new member starts in the entry tier', () => {
    const d = decide({ tierId: null, since: null }, 0, null, '2024-03-01T10:00:00Z');
    assert.deepEqual([d.tierId, d.change, d.reason], ['bronze', 'upgrade', 'upgrade to bronze: spend 0 ≥ 0 in the current window']);
  });

  test('a purchase that takes the year’s spend to 50 000 ₽ upgrades to gold at once', () => {
    const d = decide({ tierId: 'silver', since: at('2024-02-01T10:00:00Z') }, 5_000_000, null, '2024-06-15T10:00:00Z');
    assert.deepEqual([d.tierId, d.change, d.since, d.reviewAt], ['gold', 'upgrade', at('2024-06-15T10:00:00Z'), NEW_YEAR_2025]);
    assert.equal(d.reason, 'upgrade to gold: spend 5000000 ≥ 5000000 in the current window');
  });

  test('spending nothing for the rest of the year changes nothing before the year ends', () => {
    const d = decide({ tierId: 'gold', since: at('2024-06-15T10:00:00Z') }, 0, null, '2024-12-31T20:59:59Z');
    assert.deepEqual([d.tierId, d.change, d.reviewAt], ['gold', 'none', NEW_YEAR_2025]);
  });

  test('after the year ends the caller totals the year just ended and the new year so far', () => {
    const w = tierWindows(YEARLY, { tierId: 'gold', since: at('2024-06-15T10:00:00Z') }, at('2025-01-10T10:00:00Z'), TZ);
    assert.deepEqual(w, {
      current: { from: NEW_YEAR_2025, to: at('2025-01-10T10:00:00.001Z') },
      review: { from: at('2023-12-31T21:00:00Z'), to: NEW_YEAR_2025, at: NEW_YEAR_2025 },
    });
  });

  test('gold is kept for the next year when the year just ended qualifies', () => {
    const d = decide({ tierId: 'gold', since: at('2024-06-15T10:00:00Z') }, 0, 6_000_000, '2025-01-10T10:00:00Z');
    assert.deepEqual([d.tierId, d.change, d.since, d.reviewAt], ['gold', 'keep', NEW_YEAR_2025, at('2025-12-31T21:00:00Z')]);
    assert.equal(d.reason, 'keeps gold at the review of 2025-01-01: spend 6000000 ≥ 5000000 in the period to 2025-01-01');
  });

  test('a year that falls short keeps gold through the grace period', () => {
    const d = decide({ tierId: 'gold', since: at('2024-06-15T10:00:00Z') }, 0, 2_000_000, '2025-01-10T10:00:00Z');
    assert.deepEqual([d.tierId, d.change, d.graceUntil], ['gold', 'none', at('2025-01-30T21:00:00Z')]);
    assert.equal(d.reason, 'grace: spend 2000000 < 5000000 in the period to 2025-01-01; keeps gold until 2025-01-31');
  });

  test('after the grace period the member moves down to the tier the year qualified for', () => {
    const d = decide({ tierId: 'gold', since: at('2024-06-15T10:00:00Z') }, 0, 2_000_000, '2025-01-30T21:00:00Z');
    assert.deepEqual([d.tierId, d.change, d.since], ['silver', 'downgrade', NEW_YEAR_2025]);
    assert.equal(d.reason, 'downgrade from gold to silver: spend 2000000 < 5000000 in the period to 2025-01-01, grace ended 2025-01-31');
  });

  test('spending enough in the new year during grace keeps gold', () => {
    const d = decide({ tierId: 'gold', since: at('2024-06-15T10:00:00Z') }, 5_000_000, 2_000_000, '2025-01-20T10:00:00Z');
    assert.deepEqual([d.tierId, d.change, d.since], ['gold', 'keep', NEW_YEAR_2025]);
    assert.match(d.reason, /in the current window$/);
  });

  test('a member nobody looked at for years is reviewed on the last year that ended', () => {
    const w = tierWindows(YEARLY, { tierId: 'gold', since: at('2022-03-01T10:00:00Z') }, at('2025-03-01T10:00:00Z'), TZ);
    assert.deepEqual(w.review, { from: at('2023-12-31T21:00:00Z'), to: NEW_YEAR_2025, at: NEW_YEAR_2025 });
    const d = decide({ tierId: 'gold', since: at('2022-03-01T10:00:00Z') }, 0, 0, '2025-03-01T10:00:00Z');
    assert.deepEqual([d.tierId, d.change], ['bronze', 'downgrade']);
  });
});

describe('tiers under a rolling window', () => {
  const ROLLING: TierPolicy = { window: { kind: 'rolling', days: 365 }, graceDays: 0 };

  test('the review comes 365 days after the tier was reached, on the 365 days before it', () => {
    const state = { tierId: 'silver', since: at('2024-01-01T09:00:00Z') };
    const w = tierWindows(ROLLING, state, at('2025-01-05T09:00:00Z'), TZ);
    assert.deepEqual(w.review, { from: at('2024-01-01T09:00:00Z'), to: at('2024-12-31T09:00:00Z'), at: at('2024-12-31T09:00:00Z') });
    assert.deepEqual(w.current.from, at('2024-01-06T09:00:00Z'));
    const d = decide(state, 0, 0, '2025-01-05T09:00:00Z', ROLLING);
    assert.deepEqual([d.tierId, d.change], ['bronze', 'downgrade']);
  });

  test('no review before the 365 days are up', () => {
    const d = decide({ tierId: 'silver', since: at('2024-01-01T09:00:00Z') }, 0, null, '2024-12-30T09:00:00Z', ROLLING);
    assert.deepEqual([d.tierId, d.change], ['silver', 'none']);
  });
});

describe('when a review takes effect', () => {
  const silver = { tierId: 'silver', since: at('2024-02-01T10:00:00Z') };
  test('at the end of the period, or of the grace that review gave; not before, and not the day someone looked', () => {
    assert.equal(nextReviewAt(YEARLY, silver, at('2024-12-31T20:59:59Z'), TZ), null);
    assert.deepEqual(nextReviewAt(YEARLY, silver, at('2025-03-01T00:00:00Z'), TZ), NEW_YEAR_2025);
    const grace = at('2025-01-30T21:00:00Z');
    assert.equal(nextReviewAt(YEARLY, silver, at('2025-01-15T00:00:00Z'), TZ, grace), null);
    assert.deepEqual(nextReviewAt(YEARLY, silver, at('2025-03-01T00:00:00Z'), TZ, grace), grace);
    assert.equal(nextReviewAt(YEARLY, { tierId: null, since: null }, at('2030-01-01T00:00:00Z'), TZ), null);
  });

  test('a downgrade is dated at the end of grace, a kept tier at the period end', () => {
    const down = decide(silver, 0, 0, '2025-03-01T00:00:00Z');
    assert.deepEqual([down.change, down.effectiveAt], ['downgrade', at('2025-01-30T21:00:00Z')]);
    const kept = decide(silver, 0, 1_000_000, '2025-03-01T00:00:00Z');
    assert.deepEqual([kept.change, kept.effectiveAt], ['keep', NEW_YEAR_2025]);
  });

  test('tiers held since before the current period began (calendar), or a whole window ago (rolling), may be due', () => {
    assert.deepEqual(reviewDueSince(YEARLY, at('2025-06-01T00:00:00Z'), TZ), NEW_YEAR_2025);
    assert.deepEqual(reviewDueSince({ window: { kind: 'rolling', days: 30 }, graceDays: 0 }, at('2025-06-01T00:00:00Z'), TZ), at('2025-05-02T00:00:00.001Z'));
  });
});
