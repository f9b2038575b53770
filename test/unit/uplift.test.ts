import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addValue, emptyMoments, incompleteBeta, momentsOf, returnOnCost, sampleVariance, studentTCdf, studentTQuantile, welchUplift } from '../../src/domain/analytics/uplift.js';

const close = (actual: number | null | undefined, expected: number, tolerance: number, what: string) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected} ± ${tolerance}`);

describe("Student's t, for the campaigns' confidence intervals", () => {
  test('the incomplete beta and the t distribution agree with published tables', () => {
    close(incompleteBeta(0.3, 2.5, 0.5), 0.018927124, 1e-9, 'I_0.3(2.5, 0.5)');
    close(studentTCdf(-2, 5), 0.050969739, 1e-9, 'P(T₅ ≤ −2)');
    close(studentTCdf(1.5, 3.3), 0.888748402, 1e-9, 'P(T₃.₃ ≤ 1.5)');
  });

  test('the 97.5 % quantiles: 12.706 (1 df), 4.303 (2), 2.228 (10), 2.042 (30), 1.960 (a million)', () => {
    for (const [df, q] of [[1, 12.706204736], [2, 4.302652730], [10, 2.228138852], [30, 2.042272456], [1e6, 1.959966357]] as const) {
      close(studentTQuantile(0.975, df), q, 1e-8, `t(0.975, ${df})`);
    }
    close(studentTQuantile(0.025, 10), -2.228138852, 1e-8, 't(0.025, 10)');
  });
});

describe('moments by Welford', () => {
  test('mean and sample variance of 3, 5, 7 are 5 and 4; one value has no variance', () => {
    const m = momentsOf([3, 5, 7]);
    assert.deepEqual([m.n, m.mean, sampleVariance(m)], [3, 5, 4]);
    assert.equal(sampleVariance(momentsOf([3])), null);
  });

  test('large sums of money in kopecks keep their variance (no cancellation of huge squares)', () => {
    const m = emptyMoments();
    for (let i = 0; i < 100_000; i++) addValue(m, 10_000_000_000 + (i % 2));
    close(sampleVariance(m), (0.25 * 100_000) / 99_999, 1e-9, 'variance of 10¹⁰ and 10¹⁰ + 1 alternating');
  });
});

describe("Welch's interval of a campaign's uplift", () => {
  test('by hand: treatment 3, 5, 7 against control 1, 2', () => {
    // Means 5 and 1.5; variances 4 and 0.5; se² = 4/3 + 0.5/2 = 1.58333, se = 1.25831;
    // df = 1.58333² / ((4/3)²/2 + 0.25²/1) = 2.635036; t(0.975, 2.635) = 3.446938;
    // 3.5 ± 3.446938 × 1.25831 = −0.837302 … 7.837302.
    const u = welchUplift(momentsOf([3, 5, 7]), momentsOf([1, 2]));
    assert.deepEqual([u.treatmentMean, u.controlMean, u.absolute, u.reason], [5, 1.5, 3.5, null]);
    close(u.standardError, 1.258305739, 1e-9, 'se');
    close(u.degreesOfFreedom, 2.635036496, 1e-9, 'df');
    close(u.absoluteInterval?.low, -0.837302080, 1e-7, 'low');
    close(u.absoluteInterval?.high, 7.837302080, 1e-7, 'high');
    // Relative: 3.5 / 1.5 = 2.3333; delta-method se = √(1.3333/2.25 + 25 × 0.25/5.0625) = 1.35259.
    close(u.relative, 2.333333333, 1e-9, 'relative');
    close(u.relativeInterval?.low, -2.325979186, 1e-7, 'relative low');
    close(u.relativeInterval?.high, 6.992645853, 1e-7, 'relative high');
  });

  test('fewer than two members in a group: the means and the difference, but no interval', () => {
    const u = welchUplift(momentsOf([3, 5, 7]), momentsOf([1]));
    assert.deepEqual([u.absolute, u.absoluteInterval, u.relativeInterval, u.reason], [4, null, null, 'too_few_members']);
    assert.deepEqual([welchUplift(momentsOf([3, 5]), emptyMoments()).absolute, welchUplift(momentsOf([3, 5]), emptyMoments()).reason], [null, 'too_few_members']);
  });

  test('every member the same in both groups: no variance, no interval', () => {
    assert.equal(welchUplift(momentsOf([2, 2]), momentsOf([1, 1])).reason, 'no_variance');
  });

  test('a control group that spent nothing has no relative uplift', () => {
    const u = welchUplift(momentsOf([0, 100, 200]), momentsOf([0, 0, 0]));
    assert.deepEqual([u.absolute, u.relative, u.relativeInterval, u.reason], [100, null, null, 'no_control_spend']);
    assert.ok(u.absoluteInterval !== null);
  });

  test('the interval always holds the estimate and narrows as the groups grow', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 2, maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 2, maxLength: 40 }), (t, c) => {
        const u = welchUplift(momentsOf(t), momentsOf(c));
        if (u.reason === 'no_variance') return;
        assert.ok(u.absoluteInterval!.low <= u.absolute! && u.absolute! <= u.absoluteInterval!.high);
        const doubled = welchUplift(momentsOf([...t, ...t]), momentsOf([...c, ...c]));
        assert.ok(doubled.absoluteInterval!.high - doubled.absoluteInterval!.low < u.absoluteInterval!.high - u.absoluteInterval!.low);
      }),
    );
  });
});

describe('return on cost', () => {
  test('(margin − cost) ÷ cost; nothing spent gives none', () => {
    assert.equal(returnOnCost(15_000, 10_000), 0.5);
    assert.equal(returnOnCost(5_000, 10_000), -0.5);
    assert.equal(returnOnCost(5_000, 0), null);
  });
});
