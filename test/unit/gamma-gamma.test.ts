import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { conditionalExpectedPurchases, type BgNbdParams } from '../../src/domain/analytics/bgnbd.js';
import {
  customerLifetimeValue,
  expectedSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  populationMeanSpend,
  usableSpend,
  type GammaGammaParams,
} from '../../src/domain/analytics/gamma-gamma.js';
import { summarize } from '../../src/domain/analytics/summary.js';
import { cdnowCalibration, readCdnowSample } from '../support/cdnow.js';

/** Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value", fitted on the CDNOW sample. */
const NOTE: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
const BGNBD: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

function within(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: ${actual} is not within ${relative * 100} % of ${expected}`);
}

describe('Gamma-Gamma on the CDNOW sample reproduces Fader & Hardie (2013)', () => {
  const purchases = readCdnowSample();
  const spendOf = (members: ReturnType<typeof cdnowCalibration>) => members.map((m) => ({ x: m.x, meanSpend: m.meanRepeatSpend ?? 0 }));
  const calibration = spendOf(cdnowCalibration(purchases));
  const fit = fitGammaGamma(calibration);

  test('the data: 946 customers with repeat purchases in the 39-week calibration period, mean of their means $35.08', () => {
    const used = usableSpend(calibration);
    assert.equal(used.length, 946);
    assert.equal((used.reduce((s, m) => s + m.meanSpend, 0) / used.length).toFixed(2), '35.08');
  });

  test('the fit gives p = 6.25, q = 3.74, γ = 15.44, each within 1 %', () => {
    assert.equal(fit.members, 946);
    assert.equal(fit.converged, true);
    within(fit.params.p, NOTE.p, 0.01, 'p');
    within(fit.params.q, NOTE.q, 0.01, 'q');
    within(fit.params.gamma, NOTE.gamma, 0.01, 'gamma');
    // −4055.9177 is also the value CLVTools' test suite records for this fit.
    assert.ok(Math.abs(fit.logLikelihood - -4055.9177) < 1e-3);
  });

  test("the note's figures come from the calibration period: the whole 78 weeks give quite different ones", () => {
    const whole = spendOf(
      summarize(
        purchases.map((p) => ({ memberId: p.customerId, at: p.day, amount: p.amountCents / 100 })),
        { calibrationEnd: '1998-06-30' },
      ),
    );
    const other = fitGammaGamma(whole);
    assert.equal(other.members, 1139);
    assert.ok(Math.abs(other.params.p - NOTE.p) / NOTE.p > 0.2);
  });
});

describe('Gamma-Gamma likelihood', () => {
  test('is a density in the mean spend: it integrates to 1 for any number of transactions', () => {
    for (const x of [1, 3, 10]) {
      // Trapezoids on a log grid from $0.001 to $100,000: ∫ f(z) dz = ∫ f(e^u) e^u du.
      let total = 0;
      const [from, to, steps] = [Math.log(1e-3), Math.log(1e5), 20_000];
      const h = (to - from) / steps;
      for (let i = 0; i <= steps; i++) {
        const z = Math.exp(from + i * h);
        const weight = i === 0 || i === steps ? 0.5 : 1;
        total += weight * h * z * Math.exp(gammaGammaLogLikelihood(NOTE, [{ x, meanSpend: z }]));
      }
      assert.ok(Math.abs(total - 1) < 1e-6, `x = ${x}: integral ${total}`);
    }
  });

  test('leaves out members without repeat purchases or with nothing spent', () => {
    const kept = usableSpend([{ x: 0, meanSpend: 10 }, { x: 2, meanSpend: 0 }, { x: 1, meanSpend: 12 }]);
    assert.deepEqual(kept, [{ x: 1, meanSpend: 12 }]);
    assert.throws(() => fitGammaGamma([{ x: 0, meanSpend: 0 }]), RangeError);
    assert.throws(() => usableSpend([{ x: -1, meanSpend: 3 }]), RangeError);
  });
});

describe('expected spend per transaction', () => {
  test('E[M] = (γ + x z̄) p / (px + q − 1): 2 purchases averaging $30 → $30.94', () => {
    assert.ok(Math.abs(expectedSpend(NOTE, { x: 2, meanSpend: 30 }) - ((15.44 + 60) * 6.25) / (12.5 + 2.74)) < 1e-12);
    assert.equal(expectedSpend(NOTE, { x: 2, meanSpend: 30 }).toFixed(2), '30.94');
  });

  test('a member with no repeat purchase gets the population mean γp/(q−1)', () => {
    assert.ok(Math.abs(expectedSpend(NOTE, { x: 0, meanSpend: 99 }) - (15.44 * 6.25) / 2.74) < 1e-12);
    assert.equal(populationMeanSpend(NOTE), expectedSpend(NOTE, { x: 0, meanSpend: 99 }));
  });

  test("lies between the population mean and the member's own mean, nearer the own mean the more purchases", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0.5, max: 500, noNaN: true }), (x, mean) => {
        const e = expectedSpend(NOTE, { x, meanSpend: mean });
        const pop = populationMeanSpend(NOTE);
        assert.ok(e >= Math.min(pop, mean) - 1e-9 && e <= Math.max(pop, mean) + 1e-9);
        const more = expectedSpend(NOTE, { x: x + 1, meanSpend: mean });
        assert.ok(Math.abs(more - mean) <= Math.abs(e - mean) + 1e-9);
      }),
    );
  });

  test('is refused when q ≤ 1 (the population mean would be infinite)', () => {
    assert.throws(() => expectedSpend({ p: 1, q: 1, gamma: 1 }, { x: 1, meanSpend: 5 }), RangeError);
  });
});

describe('customer lifetime value', () => {
  const member = { x: 2, tx: 30.43, T: 38.86, meanSpend: 30 };
  const month = 52 / 12;

  test('one undiscounted period is expected purchases times expected spend', () => {
    const clv = customerLifetimeValue(BGNBD, NOTE, member, { periods: 1, periodLength: month });
    const expected = conditionalExpectedPurchases(BGNBD, month, member) * expectedSpend(NOTE, { x: 2, meanSpend: 30 });
    assert.ok(Math.abs(clv - expected) < 1e-12);
  });

  test('undiscounted, the periods add up to the whole horizon', () => {
    const clv = customerLifetimeValue(BGNBD, NOTE, member, { periods: 12, periodLength: month });
    const whole = conditionalExpectedPurchases(BGNBD, 52, member) * expectedSpend(NOTE, { x: 2, meanSpend: 30 });
    assert.ok(Math.abs(clv - whole) < 1e-9);
  });

  test('discounting lowers it, margin scales it, and no periods means nothing', () => {
    const plain = customerLifetimeValue(BGNBD, NOTE, member, { periods: 12, periodLength: month });
    const discounted = customerLifetimeValue(BGNBD, NOTE, member, { periods: 12, periodLength: month, discountRate: 0.01 });
    assert.ok(discounted < plain);
    const margin = customerLifetimeValue(BGNBD, NOTE, member, { periods: 12, periodLength: month, discountRate: 0.01, margin: 0.3 });
    assert.ok(Math.abs(margin - 0.3 * discounted) < 1e-12);
    assert.equal(customerLifetimeValue(BGNBD, NOTE, member, { periods: 0, periodLength: month }), 0);
  });

  test('a member without repeat purchases is valued at the population mean spend', () => {
    const newcomer = { x: 0, tx: 0, T: 10, meanSpend: null };
    const clv = customerLifetimeValue(BGNBD, NOTE, newcomer, { periods: 1, periodLength: 52 });
    assert.ok(Math.abs(clv - conditionalExpectedPurchases(BGNBD, 52, newcomer) * populationMeanSpend(NOTE)) < 1e-12);
  });

  test('refuses a horizon that makes no sense', () => {
    assert.throws(() => customerLifetimeValue(BGNBD, NOTE, member, { periods: 1.5, periodLength: month }), RangeError);
    assert.throws(() => customerLifetimeValue(BGNBD, NOTE, member, { periods: 3, periodLength: 0 }), RangeError);
    assert.throws(() => customerLifetimeValue(BGNBD, NOTE, member, { periods: 3, periodLength: month, discountRate: -1 }), RangeError);
  });
});
