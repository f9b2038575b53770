import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bgnbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  groupHistories,
  probabilityAlive,
  type BgNbdParams,
  type PurchaseHistory,
} from '../../src/domain/analytics/bgnbd.js';
import { hyp2f1 } from '../../src/domain/analytics/special.js';
import { cdnowCalibration } from '../support/cdnow.js';

/** Fader, Hardie & Lee (2005), fitted on the CDNOW sample, calibration 1997-01-01 – 1997-09-30, weeks. */
const PAPER: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
/** The paper's worked example: 2 repeat purchases, the last at week 30.43, observed for 38.86 weeks. */
const EXAMPLE: PurchaseHistory = { x: 2, tx: 30.43, T: 38.86 };

function within(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: ${actual} is not within ${relative * 100} % of ${expected}`);
}

const history = fc
  .record({ x: fc.integer({ min: 0, max: 60 }), T: fc.double({ min: 0.1, max: 100, noNaN: true }), share: fc.double({ min: 0.01, max: 1, noNaN: true }) })
  .map(({ x, T, share }): PurchaseHistory => ({ x, tx: x === 0 ? 0 : T * share, T }));

describe('BG/NBD on the CDNOW sample reproduces Fader, Hardie & Lee (2005)', () => {
  const members = cdnowCalibration();
  const fit = fitBgNbd(members);

  test('the calibration data: 2,357 customers, 946 of them with 2,457 repeat purchases in 39 weeks', () => {
    assert.equal(members.length, 2357);
    assert.equal(members.filter((m) => m.x > 0).length, 946);
    assert.equal(members.reduce((s, m) => s + m.x, 0), 2457);
    assert.equal(Math.max(...members.map((m) => m.T)), 272 / 7); // bought on 1 January: 38.86 weeks
  });

  test("the log-likelihood at the paper's parameters is −9582.4, as the paper reports", () => {
    assert.ok(Math.abs(bgnbdLogLikelihood(PAPER, members) - -9582.4) < 0.05);
  });

  test('the fit gives r = 0.243, α = 4.414, a = 0.793, b = 2.426, each within 1 %', () => {
    assert.equal(fit.converged, true);
    within(fit.params.r, PAPER.r, 0.01, 'r');
    within(fit.params.alpha, PAPER.alpha, 0.01, 'alpha');
    within(fit.params.a, PAPER.a, 0.01, 'a');
    within(fit.params.b, PAPER.b, 0.01, 'b');
    // A maximum: no worse than the paper's rounded figures, and only by rounding better.
    assert.ok(fit.logLikelihood >= bgnbdLogLikelihood(PAPER, members));
    assert.ok(fit.logLikelihood - bgnbdLogLikelihood(PAPER, members) < 0.01);
  });

  test('a customer with x = 2, tx = 30.43, T = 38.86 is expected to buy 1.226 times in the next 39 weeks', () => {
    assert.ok(Math.abs(conditionalExpectedPurchases(PAPER, 39, EXAMPLE) - 1.226) < 0.005);
    assert.ok(Math.abs(conditionalExpectedPurchases(fit.params, 39, EXAMPLE) - 1.226) < 0.005);
  });
});

describe('BG/NBD likelihood', () => {
  test('grouping identical histories does not change the log-likelihood', () => {
    fc.assert(
      fc.property(fc.array(history, { minLength: 1, maxLength: 30 }), (hs) => {
        const doubled = [...hs, ...hs];
        const one = hs.reduce((s, h) => s + bgnbdLogLikelihood(PAPER, [h]), 0);
        assert.ok(Math.abs(bgnbdLogLikelihood(PAPER, doubled) - 2 * one) <= 1e-9 * Math.abs(one));
        assert.equal(groupHistories(doubled).members, 2 * hs.length);
      }),
      { numRuns: 50 },
    );
  });

  test('a member with no repeat purchase: L = (α/(α+T))^r', () => {
    const ll = bgnbdLogLikelihood(PAPER, [{ x: 0, tx: 0, T: 20 }]);
    assert.ok(Math.abs(ll - PAPER.r * Math.log(PAPER.alpha / (PAPER.alpha + 20))) < 1e-14);
  });

  test('refuses histories that cannot happen', () => {
    assert.throws(() => groupHistories([{ x: 1.5, tx: 1, T: 2 }]), RangeError);
    assert.throws(() => groupHistories([{ x: 2, tx: 3, T: 2 }]), RangeError);
    assert.throws(() => groupHistories([{ x: 0, tx: 1, T: 2 }]), RangeError);
    assert.throws(() => fitBgNbd([]), RangeError);
  });
});

describe('P(alive)', () => {
  test('a customer with no repeat purchase counts as alive (the model drops out only after a purchase)', () => {
    assert.equal(probabilityAlive(PAPER, { x: 0, tx: 0, T: 30 }), 1);
  });

  test('right after the last purchase it is the chance of not dropping out then: (b+x−1)/(a+b+x−1)', () => {
    const x = 3;
    const expected = (PAPER.b + x - 1) / (PAPER.a + PAPER.b + x - 1);
    assert.ok(Math.abs(probabilityAlive(PAPER, { x, tx: 25, T: 25 }) - expected) < 1e-15);
  });

  test('falls the longer the customer has been silent, and lies in (0, 1]', () => {
    fc.assert(
      fc.property(history, fc.double({ min: 0.01, max: 50, noNaN: true }), (h, more) => {
        const now = probabilityAlive(PAPER, h);
        const later = probabilityAlive(PAPER, { ...h, T: h.T + more });
        assert.ok(now > 0 && now <= 1);
        assert.ok(h.x === 0 ? later === 1 : later < now);
      }),
    );
  });

  test('of two customers with equal purchases and time, the one who bought last more recently is likelier alive', () => {
    assert.ok(probabilityAlive(PAPER, { x: 4, tx: 35, T: 38 }) > probabilityAlive(PAPER, { x: 4, tx: 10, T: 38 }));
  });
});

describe('expected purchases', () => {
  test("the Euler-transformed computation equals the paper's formula evaluated literally", () => {
    const { r, alpha, a, b } = PAPER;
    const { x, tx, T } = EXAMPLE;
    const t = 39;
    const z = t / (alpha + T + t);
    const literal =
      (((a + b + x - 1) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))) /
      (1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x));
    assert.ok(Math.abs(conditionalExpectedPurchases(PAPER, t, EXAMPLE) - literal) < 1e-13);
  });

  test('a new customer starts buying at the mean rate r/α', () => {
    const t = 1e-4;
    within(expectedPurchases(PAPER, t) / t, PAPER.r / PAPER.alpha, 1e-3, 'E[X(t)]/t');
  });

  test('a new customer is the conditional case with no history: E[X(t)] = E[Y(t) | 0, 0, 0]', () => {
    assert.equal(expectedPurchases(PAPER, 52), conditionalExpectedPurchases(PAPER, 52, { x: 0, tx: 0, T: 0 }));
    assert.equal(expectedPurchases(PAPER, 0), 0);
  });

  test('when a > 1 a new customer makes (a+b−1)/(a−1) repeat purchases in all before dropping out', () => {
    // The number of repeat purchases is geometric from 1 (no dropout after the first purchase):
    // mean 1/p, and E[1/p] = (a+b−1)/(a−1) for p ~ Beta(a, b).
    const params = { r: 2, alpha: 1, a: 3, b: 4 };
    within(expectedPurchases(params, 1e4), 6 / 2, 1e-5, 'E[X(∞)]');
  });

  test('is positive and grows with the horizon', () => {
    fc.assert(
      fc.property(history, fc.double({ min: 0.5, max: 100, noNaN: true }), (h, t) => {
        const e = conditionalExpectedPurchases(PAPER, t, h);
        assert.ok(e > 0);
        assert.ok(conditionalExpectedPurchases(PAPER, t * 1.5, h) > e);
      }),
    );
  });

  test('is continuous through a = 1, where the formula is 0/0', () => {
    const at = (a: number) => conditionalExpectedPurchases({ ...PAPER, a }, 39, EXAMPLE);
    const [below, exact, above] = [at(1 - 1e-3), at(1), at(1 + 1e-3)];
    assert.ok(Math.abs(exact - (below + above) / 2) < 1e-5);
    assert.ok(Math.abs(at(1 + 1e-9) - exact) < 1e-8);
  });
});
