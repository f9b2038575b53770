/**
 * Special functions for the customer-base models: log-gamma, log-beta, digamma and the Gauss
 * hypergeometric function 2F1. Written here rather than taken from a package because they are
 * short, and the models need to know exactly how accurate and how fast each one is.
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/*
 * Both lnΓ and ψ use the same plan: shift the argument up to SHIFT or more with the recurrences
 * Γ(x+1) = xΓ(x) and ψ(x+1) = ψ(x) + 1/x, then use the asymptotic (Stirling) series, whose
 * coefficients come from the Bernoulli numbers. At x ≥ 10 the first omitted term is below 1e-17
 * relative, so the result is as good as double precision allows.
 */
const SHIFT = 10;

/** B(2k) / (2k(2k−1)) for k = 1…7: the Stirling series of lnΓ in powers of 1/x. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];

/** B(2k) / 2k for k = 1…7: the asymptotic series of ψ in powers of 1/x². */
const DIGAMMA_SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

/**
 * ln|Γ(x)|. Exact to about 1e-15 relative (absolute near the zeros at 1 and 2).
 * Poles (0, −1, −2, …) give +Infinity. Example: lgamma(5) = ln 24.
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (Number.isInteger(x)) {
    if (x <= 0) return Infinity;
    // Small factorials are exact in double precision, so lgamma(1) and lgamma(2) are exactly 0.
    if (x <= EXACT_FACTORIALS) return Math.log(factorial(x - 1));
  }
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx); sinpi keeps the argument exact near integers.
    return Math.log(Math.PI / Math.abs(sinpi(x))) - lgamma(1 - x);
  }
  let shift = 0;
  let product = 1;
  while (x < SHIFT) {
    product *= x;
    x += 1;
    shift += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inv2 + (STIRLING[k] as number);
  const stirling = (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series * inv;
  return shift === 0 ? stirling : stirling - Math.log(product);
}

/** Whole x up to this use ln((x−1)!) directly: 22! is the largest factorial a double holds exactly. */
const EXACT_FACTORIALS = 23;

function factorial(n: number): number {
  let product = 1;
  for (let k = 2; k <= n; k++) product *= k;
  return product;
}

/** sin(πx) with the argument reduced first, so that sinpi(n) is exactly 0 and sinpi(n + ½) is ±1. */
function sinpi(x: number): number {
  const r = x - 2 * Math.floor(x / 2); // r in [0, 2)
  if (r === 0 || r === 1) return 0;
  if (r < 0.5) return Math.sin(Math.PI * r);
  if (r < 1.5) return Math.cos(Math.PI * (r - 0.5));
  return -Math.sin(Math.PI * (2 - r));
}

/** ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a+b), for a, b > 0. */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** ψ(x) = d/dx lnΓ(x), for x > 0 (reflection for negative non-integers). Example: digamma(1) = −γ. */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0 && Number.isInteger(x)) return NaN;
  if (x < 0.5) {
    // ψ(1−x) − ψ(x) = π cot(πx)
    return digamma(1 - x) - Math.PI * cospi(x) / sinpi(x);
  }
  let shifted = 0;
  while (x < SHIFT) {
    shifted -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  let series = 0;
  for (let k = DIGAMMA_SERIES.length - 1; k >= 0; k--) series = series * inv2 + (DIGAMMA_SERIES[k] as number);
  return shifted + Math.log(x) - 0.5 / x - series * inv2;
}

function cospi(x: number): number {
  return sinpi(x + 0.5);
}

export interface Hyp2f1Options {
  /** Relative accuracy to reach; default 1e-15. */
  tolerance?: number;
  /** Most series terms to add before giving up; default 1,000,000. */
  maxTerms?: number;
}

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for real z ≤ 1.
 *
 * Example: hyp2f1(1, 1, 2, z) = −ln(1−z)/z.
 *
 * The power series Σ (a)ₙ(b)ₙ/((c)ₙ n!) zⁿ converges for |z| < 1, with terms that behave like
 * n^(a+b−c−1) zⁿ. Two classical identities keep it fast and free of overflow:
 * - z < 0: Pfaff, 2F1(a,b;c;z) = (1−z)^(−a) 2F1(a, c−b; c; z/(z−1)), which maps z into [0, 1);
 * - a + b > c: Euler, 2F1(a,b;c;z) = (1−z)^(c−a−b) 2F1(c−a, c−b; c; z), whose terms decay like
 *   n^(c−a−b−1) instead of growing like n^(a+b−c−1) first.
 * z = 1 uses Gauss's sum Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)), defined when c > a + b.
 * Close to z = 1 the series needs about ln(tolerance)/ln(z) terms (35,000 at z = 0.999).
 * Throws a RangeError when c is a pole (0, −1, −2, …), z > 1, or the series does not converge.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1: c = ${c} is a pole`);
  if (!(z <= 1)) throw new RangeError(`hyp2f1: z = ${z} is outside (−∞, 1]`);
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z === 1) return gaussSum(a, b, c);
  if (z < 0) {
    // Pfaff on a; when the result has a > b the Euler step below turns it into Pfaff on b,
    // so the series summed is always the one whose terms shrink sooner.
    return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1), options);
  }
  if (a + b > c && !isNonPositiveInteger(a) && !isNonPositiveInteger(b)) {
    return Math.pow(1 - z, c - a - b) * series(c - a, c - b, c, z, options);
  }
  return series(a, b, c, z, options);
}

function isNonPositiveInteger(v: number): boolean {
  return v <= 0 && Number.isInteger(v);
}

function gaussSum(a: number, b: number, c: number): number {
  if (!(c - a - b > 0) || !(c > 0) || !(c - a > 0) || !(c - b > 0)) {
    throw new RangeError(`hyp2f1: at z = 1 the series diverges or Gauss's sum needs c > a + b, c − a > 0, c − b > 0`);
  }
  return Math.exp(lgamma(c) + lgamma(c - a - b) - lgamma(c - a) - lgamma(c - b));
}

/** The plain power series for 0 ≤ z < 1. */
function series(a: number, b: number, c: number, z: number, options: Hyp2f1Options): number {
  const tolerance = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 1_000_000;
  // Past this many terms the ratio of successive terms is monotone in n (it is a rational
  // function of n), so the tail bound below holds.
  const settled = Math.abs(a) + Math.abs(b) + Math.abs(c) + 2;
  let term = 1;
  let sum = 1;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    term *= ratio;
    if (term === 0) return sum; // a or b is a non-positive integer: a polynomial
    sum += term;
    if (n >= settled) {
      // Every later ratio is at most q = max(|ratio|, z) < 1, so the tail is at most |term|·q/(1−q).
      const q = Math.max(Math.abs(ratio), z);
      if (q < 1 && (Math.abs(term) * q) / (1 - q) <= tolerance * Math.abs(sum)) return sum;
    }
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}): no convergence in ${maxTerms} terms`);
}
