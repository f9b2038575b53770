/**
 * Unconstrained minimisers for fitting the models by maximum likelihood. Both are deterministic:
 * the same function and start always give the same answer, so a fit can be reproduced and tested.
 */

export type Objective = (x: readonly number[]) => number;
export type Gradient = (x: readonly number[]) => number[];

export interface MinimizeResult {
  /** The best point found. */
  x: number[];
  /** f(x). */
  value: number;
  /** Calls of f (for BFGS with numeric gradients, including those spent on gradients). */
  evaluations: number;
  iterations: number;
  /** Nelder–Mead only: how many times the simplex was rebuilt around the best point. */
  restarts: number;
  /** Whether the convergence test passed (rather than a budget running out). */
  converged: boolean;
}

export interface NelderMeadOptions {
  /** Size of the first simplex along each axis; default 0.5 (a factor of e^0.5 in log space). */
  step?: number;
  /** Stop when the values at the simplex's corners differ by at most tolerance·max(1, |f|); default 1e-10. */
  tolerance?: number;
  /** …and its corners lie within xTolerance of the best one in every coordinate; default 1e-8. */
  xTolerance?: number;
  /** Give up after this many evaluations in all; default 20,000. */
  maxEvaluations?: number;
  /** Most rebuilds of the simplex after convergence; default 5. */
  maxRestarts?: number;
}

/**
 * Nelder–Mead simplex search (the standard coefficients: reflect 1, expand 2, contract ½,
 * shrink ½). A simplex can collapse onto a line and report convergence away from the minimum,
 * so after each convergence the simplex is rebuilt at full size around the best point; the search
 * ends when a rebuilt simplex finds nothing better. Non-finite values count as +Infinity, so an
 * objective can refuse a point by returning NaN.
 */
export function nelderMead(f: Objective, x0: readonly number[], options: NelderMeadOptions = {}): MinimizeResult {
  const step = options.step ?? 0.5;
  const tolerance = options.tolerance ?? 1e-10;
  const xTolerance = options.xTolerance ?? 1e-8;
  const maxEvaluations = options.maxEvaluations ?? 20_000;
  const maxRestarts = options.maxRestarts ?? 5;
  const n = x0.length;
  let evaluations = 0;
  const evaluate = (x: number[]): number => {
    evaluations += 1;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  let best = { x: [...x0], value: evaluate([...x0]) };
  let iterations = 0;
  let restarts = 0;
  let converged = false;
  for (;;) {
    const points: number[][] = [best.x];
    for (let i = 0; i < n; i++) {
      const p = [...best.x];
      p[i] = (p[i] as number) + step;
      points.push(p);
    }
    const values = points.map((p, i) => (i === 0 ? best.value : evaluate(p)));
    const run = simplexSearch(points, values, evaluate, () => evaluations < maxEvaluations, tolerance, xTolerance);
    iterations += run.iterations;
    const improvement = best.value - run.value;
    const previous = best;
    best = run.value <= best.value ? { x: run.x, value: run.value } : best;
    if (!run.converged) break;
    // The first search always counts; a restart that gains nothing means we are at a minimum.
    if (restarts > 0 && !(improvement > tolerance * Math.max(1, Math.abs(previous.value)))) {
      converged = true;
      break;
    }
    if (restarts >= maxRestarts) {
      converged = true;
      break;
    }
    restarts += 1;
  }
  return { x: best.x, value: best.value, evaluations, iterations, restarts, converged };
}

function simplexSearch(
  points: number[][],
  values: number[],
  evaluate: (x: number[]) => number,
  budgetLeft: () => boolean,
  tolerance: number,
  xTolerance: number,
): { x: number[]; value: number; iterations: number; converged: boolean } {
  const n = points.length - 1;
  let iterations = 0;
  const order = points.map((_, i) => i);
  const at = (k: number): number[] => points[order[k] as number] as number[];
  const val = (k: number): number => values[order[k] as number] as number;
  const replaceWorst = (x: number[], v: number): void => {
    points[order[n] as number] = x;
    values[order[n] as number] = v;
  };
  for (;;) {
    order.sort((i, j) => (values[i] as number) - (values[j] as number) || i - j);
    const bestValue = val(0);
    const spread = val(n) - bestValue;
    let size = 0;
    for (let k = 1; k <= n; k++) {
      const p = at(k);
      for (let i = 0; i < n; i++) size = Math.max(size, Math.abs((p[i] as number) - (at(0)[i] as number)));
    }
    if (spread <= tolerance * Math.max(1, Math.abs(bestValue)) && size <= xTolerance) {
      return { x: [...at(0)], value: bestValue, iterations, converged: true };
    }
    if (!budgetLeft()) return { x: [...at(0)], value: bestValue, iterations, converged: false };
    iterations += 1;

    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) {
      const p = at(k);
      for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (p[i] as number) / n;
    }
    const worst = at(n);
    // The point centroid + t·(centroid − worst): t = 1 reflects, 2 expands, ±½ contracts.
    const along = (t: number): number[] => centroid.map((c, i) => c + t * (c - (worst[i] as number)));
    const reflected = along(1);
    const fr = evaluate(reflected);
    if (fr < bestValue) {
      const expanded = along(2);
      const fe = evaluate(expanded);
      if (fe < fr) replaceWorst(expanded, fe);
      else replaceWorst(reflected, fr);
      continue;
    }
    if (fr < val(n - 1)) {
      replaceWorst(reflected, fr);
      continue;
    }
    const outside = fr < val(n);
    const contracted = along(outside ? 0.5 : -0.5);
    const fc = evaluate(contracted);
    if (outside ? fc <= fr : fc < val(n)) {
      replaceWorst(contracted, fc);
      continue;
    }
    // Shrink every corner halfway towards the best one.
    const bestPoint = at(0);
    for (let k = 1; k <= n; k++) {
      const idx = order[k] as number;
      const shrunk = bestPoint.map((b, i) => b + 0.5 * (((points[idx] as number[])[i] as number) - b));
      points[idx] = shrunk;
      values[idx] = evaluate(shrunk);
    }
  }
}

export interface BfgsOptions {
  /** Analytic gradient; without it central differences are used (2n evaluations each). */
  gradient?: Gradient;
  /** Stop when every gradient component is at most this times max(1, |f|); default 1e-8. */
  gradientTolerance?: number;
  /** …or when a step lowers f by at most tolerance·max(1, |f|) twice running; default 1e-13. */
  tolerance?: number;
  maxIterations?: number;
}

/**
 * BFGS quasi-Newton with a backtracking (Armijo) line search. Much faster than Nelder–Mead near a
 * smooth minimum; less forgiving far from one, which is why the fits start with Nelder–Mead.
 */
export function bfgs(f: Objective, x0: readonly number[], options: BfgsOptions = {}): MinimizeResult {
  const gradientTolerance = options.gradientTolerance ?? 1e-8;
  const tolerance = options.tolerance ?? 1e-13;
  const maxIterations = options.maxIterations ?? 500;
  const n = x0.length;
  let evaluations = 0;
  const evaluate = (x: readonly number[]): number => {
    evaluations += 1;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const gradient = options.gradient ?? ((x: readonly number[]) => numericGradient(evaluate, x));

  let x = [...x0];
  let fx = evaluate(x);
  let g = gradient(x);
  let h = identity(n);
  let iterations = 0;
  let converged = false;
  let smallSteps = 0;
  while (iterations < maxIterations) {
    if (Math.max(...g.map(Math.abs)) <= gradientTolerance * Math.max(1, Math.abs(fx))) {
      converged = true;
      break;
    }
    iterations += 1;
    let d = h.map((row) => -dot(row, g));
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // The approximate inverse Hessian lost positive definiteness: start again from steepest descent.
      h = identity(n);
      d = g.map((v) => -v);
      slope = dot(g, d);
    }
    let t = 1;
    let next = x.map((xi, i) => xi + t * (d[i] as number));
    let fNext = evaluate(next);
    while (!(fNext <= fx + 1e-4 * t * slope) && t > 1e-12) {
      t *= 0.5;
      next = x.map((xi, i) => xi + t * (d[i] as number));
      fNext = evaluate(next);
    }
    if (!(fNext <= fx)) break; // no descent along d at any step size: as far as we can get
    const gNext = gradient(next);
    const s = next.map((v, i) => v - (x[i] as number));
    const y = gNext.map((v, i) => v - (g[i] as number));
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) h = bfgsUpdate(h, s, y, sy);
    const decrease = fx - fNext;
    x = next;
    fx = fNext;
    g = gNext;
    smallSteps = decrease <= tolerance * Math.max(1, Math.abs(fx)) ? smallSteps + 1 : 0;
    if (smallSteps >= 2) {
      converged = true;
      break;
    }
  }
  return { x, value: fx, evaluations, iterations, restarts: 0, converged };
}

/** Central differences with a step of ε^(1/3)·max(1, |xᵢ|), which balances rounding and truncation. */
export function numericGradient(f: (x: readonly number[]) => number, x: readonly number[]): number[] {
  return x.map((xi, i) => {
    const hi = 6e-6 * Math.max(1, Math.abs(xi));
    const up = [...x];
    const down = [...x];
    up[i] = xi + hi;
    down[i] = xi - hi;
    return (f(up) - f(down)) / (2 * hi);
  });
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / (yᵀ s). */
function bfgsUpdate(h: number[][], s: number[], y: number[], sy: number): number[][] {
  const n = s.length;
  const rho = 1 / sy;
  const hy = h.map((row) => dot(row, y));
  const yhy = dot(y, hy);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      const si = s[i] as number;
      const sj = s[j] as number;
      row.push(
        ((h[i] as number[])[j] as number) - rho * ((hy[i] as number) * sj + si * (hy[j] as number)) + (rho * rho * yhy + rho) * si * sj,
      );
    }
    out.push(row);
  }
  return out;
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

export interface PositiveOptions extends NelderMeadOptions {
  /** After Nelder–Mead, polish the minimum with BFGS (numeric gradients); default true. */
  polish?: boolean;
}

/**
 * Minimise f over strictly positive parameters by searching over their logarithms: the models'
 * parameters are all positive and range over orders of magnitude, and in log space a fixed step
 * is a fixed ratio. Nelder–Mead finds the basin; BFGS then settles the last digits cheaply.
 */
export function minimizePositive(f: Objective, p0: readonly number[], options: PositiveOptions = {}): MinimizeResult {
  if (p0.some((p) => !(p > 0) || !Number.isFinite(p))) throw new RangeError('minimizePositive: start values must be positive and finite');
  const inLogs: Objective = (theta) => f(theta.map(Math.exp));
  const coarse = nelderMead(inLogs, p0.map(Math.log), options);
  let result = coarse;
  if (options.polish ?? true) {
    const fine = bfgs(inLogs, coarse.x);
    if (fine.value <= coarse.value) {
      result = { ...fine, evaluations: coarse.evaluations + fine.evaluations, iterations: coarse.iterations + fine.iterations, restarts: coarse.restarts, converged: coarse.converged || fine.converged };
    } else {
      result = { ...coarse, evaluations: coarse.evaluations + fine.evaluations };
    }
  }
  return { ...result, x: result.x.map(Math.exp) };
}
