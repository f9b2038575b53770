import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allocate, cumulativeShare, divide } from '../../src/domain/arithmetic.js';

describe('divide: one rounding rule applied everywhere', () => {
  test('an exact division is the same in every rounding mode', () => {
    for (const mode of ['floor', 'ceil', 'half_up', 'half_even'] as const) {
      assert.equal(divide(1000, 100, mode), 10, mode);
      assert.equal(divide(0, 7, mode), 0, mode);
    }
  });

  test('floor always rounds down', () => {
    assert.equal(divide(1099, 100, 'floor'), 10);
    assert.equal(divide(1050, 100, 'floor'), 10);
    assert.equal(divide(1001, 100, 'floor'), 10);
  });

  test('ceil always rounds up', () => {
    assert.equal(divide(1001, 100, 'ceil'), 11);
    assert.equal(divide(1050, 100, 'ceil'), 11);
    assert.equal(divide(1099, 100, 'ceil'), 11);
  });

  test('half_up rounds halves up and everything else to the nearest', () => {
    assert.equal(divide(1049, 100, 'half_up'), 10);
    assert.equal(divide(1050, 100, 'half_up'), 11);
    assert.equal(divide(1150, 100, 'half_up'), 12);
    assert.equal(divide(1051, 100, 'half_up'), 11);
  });

  test('half_even rounds an exact half to the even neighbour (banker’s rounding)', () => {
    assert.equal(divide(1050, 100, 'half_even'), 10);
    assert.equal(divide(1150, 100, 'half_even'), 12);
    assert.equal(divide(25, 10, 'half_even'), 2);
    assert.equal(divide(35, 10, 'half_even'), 4);
  });

  test('half_even rounds anything other than an exact half to the nearest', () => {
    assert.equal(divide(1049, 100, 'half_even'), 10);
    assert.equal(divide(1051, 100, 'half_even'), 11);
    assert.equal(divide(1149, 100, 'half_even'), 11);
  });

  test('works exactly on amounts beyond 2^53 when given as bigint', () => {
    assert.equal(divide(10n ** 20n + 50n, 100n, 'half_even'), 10 ** 18);
  });

  test('a zero or negative denominator and a negative numerator are refused', () => {
    assert.throws(() => divide(1, 0, 'floor'), RangeError);
    assert.throws(() => divide(1, -1, 'floor'), RangeError);
    assert.throws(() => divide(-1, 1, 'floor'), RangeError);
  });
});

describe('allocate: splitting a total over lines', () => {
  test('equal weights: the leftover unit goes to the earliest line', () => {
    assert.deepEqual(allocate(10, [1, 1, 1]), [4, 3, 3]);
    assert.deepEqual(allocate(2, [1, 1, 1]), [1, 1, 0]);
  });

  test('parts are proportional to the weights', () => {
    assert.deepEqual(allocate(100, [1, 3]), [25, 75]);
    assert.deepEqual(allocate(1000, [500, 300, 200]), [500, 300, 200]);
  });

  test('the leftover goes to the largest remainder, not simply the first line', () => {
    // exact shares 3.3, 6.7 → the second line has the larger remainder
    assert.deepEqual(allocate(10, [33, 67]), [3, 7]);
  });

  test('the same input always gives the same split', () => {
    const first = allocate(7, [5, 5, 5, 5]);
    for (let i = 0; i < 5; i++) assert.deepEqual(allocate(7, [5, 5, 5, 5]), first);
    assert.deepEqual(first, [2, 2, 2, 1]);
  });

  test('lines with zero weight get nothing', () => {
    assert.deepEqual(allocate(10, [0, 1, 0, 1]), [0, 5, 0, 5]);
  });

  test('a total of zero gives every line zero', () => {
    assert.deepEqual(allocate(0, [3, 2, 1]), [0, 0, 0]);
  });

  test('a capped line never gets more than its cap and passes the rest to the others', () => {
    assert.deepEqual(allocate(10, [1, 1, 1], [2, 10, 10]), [2, 4, 4]);
    assert.deepEqual(allocate(90, [1, 1, 1], [10, 100, 20]), [10, 60, 20]);
  });

  test('a total that exactly fills all caps fills every line to its cap', () => {
    assert.deepEqual(allocate(6, [5, 1, 1], [1, 2, 3]), [1, 2, 3]);
  });

  test('caps too small for the total are refused rather than losing units', () => {
    assert.throws(() => allocate(7, [1, 1], [3, 3]), RangeError);
  });

  test('a negative or fractional total is refused', () => {
    assert.throws(() => allocate(-1, [1]), RangeError);
    assert.throws(() => allocate(1.5, [1]), RangeError);
  });

  const weightsArb = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 }).filter((ws) => ws.some((w) => w > 0));

  test('property: without caps the parts add up to the total and each is within one unit of its exact share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), weightsArb, (total, weights) => {
        const parts = allocate(total, weights);
        assert.equal(parts.reduce((s, p) => s + p, 0), total);
        const W = BigInt(weights.reduce((s, w) => s + w, 0));
        parts.forEach((p, i) => {
          // |p − total·w/W| < 1  ⇔  |p·W − total·w| < W
          const diff = BigInt(p) * W - BigInt(total) * BigInt(weights[i]!);
          assert.ok((diff < 0n ? -diff : diff) < W, `part ${i}: ${p}`);
          if (weights[i] === 0) assert.equal(p, 0);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('property: with caps that leave room the parts add up to the total and respect every cap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 5_000 })), { minLength: 1, maxLength: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rows, fraction) => {
          const weights = rows.map(([w]) => w);
          const caps = rows.map(([, c]) => c);
          const room = caps.reduce((s, c) => s + c, 0);
          const total = Math.floor(room * fraction);
          const parts = allocate(total, weights, caps);
          assert.equal(parts.reduce((s, p) => s + p, 0), total);
          parts.forEach((p, i) => assert.ok(p >= 0 && p <= caps[i]!, `part ${i}: ${p} (cap ${caps[i]})`));
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** allocate as it was written first, all in bigints: the reference the faster version must equal. */
function allocateReference(total: number, weights: readonly number[], caps?: readonly number[]): number[] {
  const parts = weights.map(() => 0);
  const limit = (i: number) => (caps ? (caps[i] ?? 0) : Number.POSITIVE_INFINITY);
  let left = total;
  for (let round = 0; left > 0 && round < weights.length + 1; round++) {
    const open = weights.map((_, i) => i).filter((i) => (weights[i] ?? 0) > 0 && parts[i]! < limit(i));
    if (open.length === 0) break;
    const weightSum = open.reduce((s, i) => s + BigInt(weights[i]!), 0n);
    const shares = open.map((i) => {
      const exact = BigInt(left) * BigInt(weights[i]!);
      return { i, floor: Number(exact / weightSum), rem: exact % weightSum };
    });
    let given = 0;
    for (const sh of shares) {
      const take = Math.min(sh.floor, limit(sh.i) - parts[sh.i]!);
      parts[sh.i]! += take;
      given += take;
    }
    let rest = left - given;
    for (const sh of [...shares].sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1))) {
      if (rest === 0) break;
      if (parts[sh.i]! < limit(sh.i)) {
        parts[sh.i]! += 1;
        rest -= 1;
      }
    }
    left = rest;
  }
  if (left > 0) throw new RangeError('caps are too small to allocate the total');
  return parts;
}

describe('allocate: exact whatever the size of the numbers', () => {
  test('property: the same parts as the all-bigint reference, for small and for huge totals and weights, with and without caps', () => {
    const size = fc.constantFrom(1_000, 1_000_000, 1e12, Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(
        size.chain((max) => fc.tuple(fc.integer({ min: 0, max }), fc.array(fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max })), { minLength: 1, maxLength: 40 }), fc.boolean())),
        ([total, rows, capped]) => {
          const weights = rows.map(([w]) => w);
          const caps = capped ? rows.map(([, c]) => c) : undefined;
          let expected: number[] | RangeError;
          try {
            expected = allocateReference(total, weights, caps);
          } catch (err) {
            expected = err as RangeError;
          }
          if (expected instanceof RangeError) assert.throws(() => allocate(total, weights, caps), RangeError);
          else assert.deepEqual(allocate(total, weights, caps), expected);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('cumulativeShare: returning a quantity in steps', () => {
  test('the share of the first k of n units is rounded down', () => {
    assert.equal(cumulativeShare(100, 3, 1), 33);
    assert.equal(cumulativeShare(100, 3, 2), 66);
    assert.equal(cumulativeShare(100, 3, 3), 100);
    assert.equal(cumulativeShare(100, 3, 0), 0);
  });

  test('a line with no units has no share', () => {
    assert.equal(cumulativeShare(100, 0, 0), 0);
  });

  test('property: any sequence of partial steps adds up to exactly the total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (total, steps) => {
          const n = steps.reduce((s, x) => s + x, 0);
          let k = 0;
          let returned = 0;
          for (const step of steps) {
            const part = cumulativeShare(total, n, k + step) - cumulativeShare(total, n, k);
            assert.ok(part >= 0);
            returned += part;
            k += step;
          }
          assert.equal(returned, total);
        },
      ),
      { numRuns: 300 },
    );
  });
});
