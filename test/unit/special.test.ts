import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { digamma, hyp2f1, lbeta, lgamma } from '../../src/domain/analytics/special.js';

const EULER_GAMMA = 0.5772156649015329;

/** |actual − expected| ≤ tolerance · max(1, |expected|). */
function near(actual: number, expected: number, tolerance = 1e-14): void {
  const error = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  assert.ok(error <= tolerance, `${actual} differs from ${expected} by ${error} (relative), more than ${tolerance}`);
}

describe('lgamma: ln|Γ(x)|', () => {
  test('is exactly 0 at 1 and 2, and ln((n−1)!) at whole numbers', () => {
    assert.equal(lgamma(1), 0);
    assert.equal(lgamma(2), 0);
    assert.equal(lgamma(5), Math.log(24));
    near(lgamma(100), 359.13420536957539878); // ln 99!
  });

  test('at half-integers: Γ(½) = √π, Γ(3/2) = √π/2, Γ(−½) = −2√π', () => {
    near(lgamma(0.5), 0.5 * Math.log(Math.PI));
    near(lgamma(1.5), Math.log(Math.sqrt(Math.PI) / 2));
    near(lgamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)));
  });

  test('near 0 it behaves like −ln x − γx', () => {
    near(lgamma(1e-8), -Math.log(1e-8) - EULER_GAMMA * 1e-8);
  });

  test('large arguments follow Stirling: lnΓ(1e6) = 12815504.569147612', () => {
    near(lgamma(1e6), 12815504.569147612);
  });

  test('poles are +Infinity, NaN stays NaN', () => {
    assert.equal(lgamma(0), Infinity);
    assert.equal(lgamma(-3), Infinity);
    assert.ok(Number.isNaN(lgamma(NaN)));
  });

  test('obeys Γ(x+1) = xΓ(x) over many orders of magnitude', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (x) => {
        const diff = lgamma(x + 1) - lgamma(x);
        assert.ok(Math.abs(diff - Math.log(x)) <= 1e-13 * Math.max(1, Math.abs(lgamma(x + 1))), `x = ${x}`);
      }),
    );
  });
});

describe('lbeta: ln B(a, b)', () => {
  test('B(2, 3) = 1/12 and B(½, ½) = π', () => {
    near(lbeta(2, 3), Math.log(1 / 12));
    near(lbeta(0.5, 0.5), Math.log(Math.PI));
  });

  test('is symmetric', () => {
    fc.assert(fc.property(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (a, b) => lbeta(a, b) === lbeta(b, a)));
  });
});

describe('digamma: ψ(x) = d/dx lnΓ(x)', () => {
  test('ψ(1) = −γ, ψ(½) = −γ − 2 ln 2, ψ(10) = H₉ − γ', () => {
    near(digamma(1), -EULER_GAMMA);
    near(digamma(0.5), -EULER_GAMMA - 2 * Math.log(2));
    const h9 = [1, 2, 3, 4, 5, 6, 7, 8, 9].reduce((s, k) => s + 1 / k, 0);
    near(digamma(10), h9 - EULER_GAMMA);
  });

  test('ψ(−½) = ψ(½) + 2 (reflection for negative arguments)', () => {
    near(digamma(-0.5), 2 - EULER_GAMMA - 2 * Math.log(2));
  });

  test('obeys ψ(x+1) = ψ(x) + 1/x and is the slope of lgamma', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e5, noNaN: true }), (x) => {
        near(digamma(x + 1) - 1 / x, digamma(x), 1e-13);
        const h = 1e-5 * x;
        near((lgamma(x + h) - lgamma(x - h)) / (2 * h), digamma(x), 1e-6);
      }),
    );
  });
});

describe('hyp2f1: Gauss hypergeometric 2F1(a, b; c; z)', () => {
  test('2F1(1, 1; 2; z) = −ln(1−z)/z, from far below 0 to close to 1', () => {
    for (const z of [-100, -3, -0.5, 0.1, 0.5, 0.9, 0.99]) near(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z, 1e-14);
    near(hyp2f1(1, 1, 2, 0.999), -Math.log1p(-0.999) / 0.999, 1e-12);
  });

  test('2F1(a, b; b; z) = (1−z)^(−a)', () => {
    near(hyp2f1(2.5, 0.7, 0.7, 0.3), Math.pow(0.7, -2.5));
    near(hyp2f1(-1.3, 4, 4, -2), Math.pow(3, 1.3));
  });

  test('arcsin and arctan: 2F1(½, ½; 3/2; z²) = asin(z)/z, 2F1(½, 1; 3/2; −z²) = atan(z)/z', () => {
    near(hyp2f1(0.5, 0.5, 1.5, 0.25), Math.asin(0.5) / 0.5);
    near(hyp2f1(0.5, 1, 1.5, -4), Math.atan(2) / 2);
  });

  test("Gauss's sum at z = 1: 2F1(1, 2; 5; 1) = 2", () => {
    near(hyp2f1(1, 2, 5, 1), 2);
  });

  test('a non-positive integer a gives a polynomial: 2F1(−3, 2; 3/2; 0.7) = −0.0752', () => {
    near(hyp2f1(-3, 2, 1.5, 0.7), -0.0752, 1e-15);
  });

  test("agrees with Euler's transformation when a + b > c (large parameters, z near 1)", () => {
    // 2F1(a,b;c;z) = (1−z)^(c−a−b) 2F1(c−a, c−b; c; z): both sides take different routes.
    const [a, b, c, z] = [52.2, 54.4, 54.0, 0.9];
    const direct = Math.log(hyp2f1(a, b, c, z));
    near(direct, (c - a - b) * Math.log1p(-z) + Math.log(hyp2f1(c - a, c - b, c, z)), 1e-13);
  });

  test('is 1 at z = 0 and refuses poles of c and z > 1', () => {
    assert.equal(hyp2f1(3, 4, 5, 0), 1);
    assert.throws(() => hyp2f1(1, 1, 0, 0.5), RangeError);
    assert.throws(() => hyp2f1(1, 1, -2, 0.5), RangeError);
    assert.throws(() => hyp2f1(1, 1, 2, 1.5), RangeError);
    assert.throws(() => hyp2f1(1, 1, 2, 1), RangeError); // c − a − b = 0: diverges at 1
  });

  test("Pfaff's transformation holds for negative z", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.double({ min: 0.5, max: 8, noNaN: true }),
        fc.double({ min: -20, max: -0.01, noNaN: true }),
        (a, b, c, z) => {
          const left = hyp2f1(a, b, c, z);
          const right = Math.pow(1 - z, -b) * hyp2f1(c - a, b, c, z / (z - 1));
          near(left, right, 1e-11);
        },
      ),
    );
  });
});
