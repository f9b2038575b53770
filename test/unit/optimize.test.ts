import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bfgs, minimizePositive, nelderMead, numericGradient, type Objective } from '../../src/domain/analytics/optimize.js';

/** Rosenbrock's banana valley in n dimensions: minimum 0 at (1, …, 1). */
const rosenbrock: Objective = (x) => {
  let sum = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const [xi, next] = [x[i] as number, x[i + 1] as number];
    sum += 100 * (next - xi * xi) ** 2 + (1 - xi) ** 2;
  }
  return sum;
};

function closeTo(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  actual.forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) <= tolerance, `coordinate ${i}: ${v} is not within ${tolerance} of ${expected[i]}`));
}

describe('Nelder–Mead', () => {
  test("finds Rosenbrock's minimum (1, 1) from the classic start (−1.2, 1)", () => {
    const result = nelderMead(rosenbrock, [-1.2, 1]);
    assert.equal(result.converged, true);
    closeTo(result.x, [1, 1], 1e-6);
    assert.ok(result.value < 1e-12);
  });

  test('finds the 4-dimensional Rosenbrock minimum', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1, -1.2, 1]);
    closeTo(result.x, [1, 1, 1, 1], 1e-6);
  });

  test('is deterministic: the same start gives the same answer, evaluation for evaluation', () => {
    assert.deepEqual(nelderMead(rosenbrock, [-1.2, 1]), nelderMead(rosenbrock, [-1.2, 1]));
  });

  test('treats NaN as a refusal and stays where the function is defined', () => {
    // Defined only for x > 0; the minimum (2) sits near the edge of that region.
    const f: Objective = ([x]) => ((x as number) > 0 ? ((x as number) - 2) ** 2 : NaN);
    const result = nelderMead(f, [0.5], { step: 3 });
    closeTo(result.x, [2], 1e-6);
  });

  test('reports that it did not converge when the evaluation budget runs out', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 20 });
    assert.equal(result.converged, false);
    assert.ok(result.evaluations <= 23);
  });

  test('minimises any convex quadratic to its centre', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 4 }), (centre) => {
        const f: Objective = (x) => x.reduce((s, xi, i) => s + (i + 1) * (xi - (centre[i] as number)) ** 2, 0);
        closeTo(nelderMead(f, centre.map(() => 0), { step: 10 }).x, centre, 1e-6);
      }),
      { numRuns: 30 },
    );
  });
});

describe('BFGS', () => {
  test("finds Rosenbrock's minimum with numeric gradients", () => {
    const result = bfgs(rosenbrock, [-1.2, 1]);
    assert.equal(result.converged, true);
    closeTo(result.x, [1, 1], 1e-6);
  });

  test('uses an analytic gradient when given one', () => {
    const gradient = ([x, y]: readonly number[]) => {
      const [a, b] = [x as number, y as number];
      return [-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)];
    };
    const result = bfgs(rosenbrock, [-1.2, 1], { gradient });
    closeTo(result.x, [1, 1], 1e-6);
    assert.ok(result.evaluations < bfgs(rosenbrock, [-1.2, 1]).evaluations);
  });

  test('numeric gradients match the exact gradient of a cubic', () => {
    const f: Objective = ([x, y]) => (x as number) ** 3 + 2 * (x as number) * (y as number);
    closeTo(numericGradient(f, [1.5, -2]), [3 * 1.5 ** 2 + 2 * -2, 2 * 1.5], 1e-8);
  });
});

describe('minimizePositive: search over logarithms', () => {
  test('finds a minimum at parameters of very different sizes', () => {
    // Minimum at (0.003, 2500): a fixed step in log space covers both.
    const f: Objective = ([a, b]) => (Math.log((a as number) / 0.003) ** 2) + (Math.log((b as number) / 2500) ** 2);
    const result = minimizePositive(f, [1, 1]);
    closeTo([result.x[0] as number / 0.003, result.x[1] as number / 2500], [1, 1], 1e-7);
  });

  test('refuses a start that is not positive', () => {
    assert.throws(() => minimizePositive(rosenbrock, [0, 1]), RangeError);
  });
});
