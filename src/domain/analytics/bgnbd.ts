/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee, "Counting Your Customers the Easy Way",
 * Marketing Science 24(2), 2005). See docs/analytics-models.md for the assumptions and formulas.
 *
 * While alive, a member buys as a Poisson process with rate λ; right after each repeat purchase the
 * member drops out for good with probability p. Across members λ ~ Gamma(r, α) and p ~ Beta(a, b).
 * A member's history enters only through x (repeat purchases), tx (time of the last one since
 * the first purchase) and T (time since the first purchase), all in the same time unit.
 */
import { minimizePositive, type PositiveOptions } from './optimize.js';
import { hyp2f1, lgamma } from './special.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface PurchaseHistory {
  x: number;
  tx: number;
  T: number;
}

/**
 * Histories grouped by identical (x, tx, T), with the distinct values of x, tx and T listed once:
 * with purchase days as the grain most members share their tuple or at least their T, and the
 * likelihood's logarithms and log-gammas are then computed per distinct value, not per member.
 */
export interface GroupedHistories {
  members: number;
  groups: number;
  weight: Float64Array;
  xs: Float64Array;
  /** Per group: index into distinctX, distinctTx, distinctT. */
  xIndex: Int32Array;
  txIndex: Int32Array;
  TIndex: Int32Array;
  distinctX: Float64Array;
  distinctTx: Float64Array;
  distinctT: Float64Array;
}

/** Check one history and throw a RangeError naming what is wrong. */
export function checkHistory(h: PurchaseHistory): void {
  if (!(Number.isInteger(h.x) && h.x >= 0)) throw new RangeError(`BG/NBD: x = ${h.x} is not a whole number ≥ 0`);
  if (!(h.tx >= 0 && h.T >= h.tx && Number.isFinite(h.T))) throw new RangeError(`BG/NBD: need 0 ≤ tx ≤ T, got tx = ${h.tx}, T = ${h.T}`);
  if (h.x === 0 && h.tx !== 0) throw new RangeError('BG/NBD: tx must be 0 when x = 0');
}

export function groupHistories(histories: Iterable<PurchaseHistory>): GroupedHistories {
  const tuples = new Map<string, { x: number; tx: number; T: number; count: number }>();
  let members = 0;
  for (const h of histories) {
    checkHistory(h);
    members += 1;
    const key = `${h.x}|${h.tx}|${h.T}`;
    const found = tuples.get(key);
    if (found) found.count += 1;
    else tuples.set(key, { x: h.x, tx: h.tx, T: h.T, count: 1 });
  }
  const indexer = () => {
    const index = new Map<number, number>();
    const values: number[] = [];
    return {
      of(v: number): number {
        let i = index.get(v);
        if (i === undefined) {
          i = values.length;
          values.push(v);
          index.set(v, i);
        }
        return i;
      },
      values,
    };
  };
  const [xi, txi, Ti] = [indexer(), indexer(), indexer()];
  const n = tuples.size;
  const grouped = {
    members,
    groups: n,
    weight: new Float64Array(n),
    xs: new Float64Array(n),
    xIndex: new Int32Array(n),
    txIndex: new Int32Array(n),
    TIndex: new Int32Array(n),
  };
  let g = 0;
  for (const t of tuples.values()) {
    grouped.weight[g] = t.count;
    grouped.xs[g] = t.x;
    grouped.xIndex[g] = xi.of(t.x);
    grouped.txIndex[g] = txi.of(t.tx);
    grouped.TIndex[g] = Ti.of(t.T);
    g += 1;
  }
  return { ...grouped, distinctX: Float64Array.from(xi.values), distinctTx: Float64Array.from(txi.values), distinctT: Float64Array.from(Ti.values) };
}

/**
 * The log-likelihood summed over members (paper, eq. 6):
 * L = Γ(r+x)αʳ/Γ(r) · B(a, b+x)/B(a, b) · [(α+T)^−(r+x) + δ(x>0) · a/(b+x−1) · (α+tx)^−(r+x)].
 */
export function bgnbdLogLikelihood(params: BgNbdParams, data: GroupedHistories | Iterable<PurchaseHistory>): number {
  const g = isGrouped(data) ? data : groupHistories(data);
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return NaN;
  // Parts that depend on x only: log-gammas of A1·A2, and ln(a/(b+x−1)) of the dropout branch.
  const constant = lgamma(a + b) - lgamma(b) - lgamma(r) + r * Math.log(alpha);
  const byX = new Float64Array(g.distinctX.length);
  const dropX = new Float64Array(g.distinctX.length);
  for (let k = 0; k < g.distinctX.length; k++) {
    const x = g.distinctX[k] as number;
    byX[k] = constant + lgamma(r + x) + lgamma(b + x) - lgamma(a + b + x);
    dropX[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity;
  }
  const logAT = g.distinctT.map((T) => Math.log(alpha + T));
  const logAtx = g.distinctTx.map((tx) => Math.log(alpha + tx));
  let sum = 0;
  for (let i = 0; i < g.groups; i++) {
    const x = g.xs[i] as number;
    const k = g.xIndex[i] as number;
    const u = -(r + x) * (logAT[g.TIndex[i] as number] as number);
    let ll = (byX[k] as number) + u;
    if (x > 0) {
      // ln(e^u + e^v) without overflow: the larger one plus log1p of the ratio.
      const v = (dropX[k] as number) - (r + x) * (logAtx[g.txIndex[i] as number] as number);
      ll = (byX[k] as number) + Math.max(u, v) + Math.log1p(Math.exp(-Math.abs(u - v)));
    }
    sum += (g.weight[i] as number) * ll;
  }
  return sum;
}

function isGrouped(data: GroupedHistories | Iterable<PurchaseHistory>): data is GroupedHistories {
  return (data as GroupedHistories).distinctT instanceof Float64Array;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  members: number;
  groups: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Fit r, α, a, b by maximum likelihood. The search runs on the logarithms of the parameters
 * (all positive) from r = a = b = 1 and α = the mean of T, which puts α on the scale of the data's
 * time unit whatever that is.
 */
export function fitBgNbd(histories: GroupedHistories | Iterable<PurchaseHistory>, options: PositiveOptions = {}): BgNbdFit {
  const g = isGrouped(histories) ? histories : groupHistories(histories);
  if (g.members === 0) throw new RangeError('BG/NBD: no members to fit');
  let meanT = 0;
  for (let i = 0; i < g.groups; i++) meanT += ((g.weight[i] as number) * (g.distinctT[g.TIndex[i] as number] as number)) / g.members;
  // Per member, so that the optimiser's tolerances mean the same at 1,000 and 1,000,000 members.
  const objective = (p: readonly number[]) => -bgnbdLogLikelihood(toParams(p), g) / g.members;
  const result = minimizePositive(objective, [1, Math.max(meanT, 1e-3), 1, 1], options);
  const params = toParams(result.x);
  return { params, logLikelihood: bgnbdLogLikelihood(params, g), members: g.members, groups: g.groups, evaluations: result.evaluations, converged: result.converged };
}

function toParams(p: readonly number[]): BgNbdParams {
  return { r: p[0] as number, alpha: p[1] as number, a: p[2] as number, b: p[3] as number };
}

/**
 * P(alive | x, tx, T) = 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+tx))^(r+x)) (paper, eq. 11).
 * A member with no repeat purchase counts as alive: in this model a member can drop out only right
 * after a repeat purchase, never after the first one — the BG/NBD's known blind spot for one-time
 * buyers, who keep P(alive) = 1 however long they stay away.
 */
export function probabilityAlive(params: BgNbdParams, h: PurchaseHistory): number {
  checkHistory(h);
  if (h.x === 0) return 1;
  return 1 / (1 + dropoutOdds(params, h));
}

function dropoutOdds({ r, alpha, a, b }: BgNbdParams, h: PurchaseHistory): number {
  if (h.x === 0) return 0;
  return Math.exp(Math.log(a / (b + h.x - 1)) + (r + h.x) * (Math.log(alpha + h.T) - Math.log(alpha + h.tx)));
}

/**
 * E[Y(t) | x, tx, T]: expected purchases in the next t time units of a member with this history
 * (paper, eq. 10):
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)] / (1 + dropout odds),
 *   z = t/(α+T+t).
 * Example: CDNOW parameters, x = 2, tx = 30.43, T = 38.86, t = 39 → 1.226.
 */
export function conditionalExpectedPurchases(params: BgNbdParams, t: number, h: PurchaseHistory): number {
  checkHistory(h);
  if (!(t >= 0)) throw new RangeError(`BG/NBD: t = ${t} must be ≥ 0`);
  if (t === 0) return 0;
  const { a } = params;
  // The formula is 0/0 at a = 1; near it, interpolate between two points where it is well
  // conditioned (the function is smooth in a, so the error is of order STEP² ≈ 1e-10).
  const STEP = 1e-5;
  if (Math.abs(a - 1) < STEP) {
    const below = expectedIfAlive({ ...params, a: 1 - STEP }, t, h) / (1 + dropoutOdds({ ...params, a: 1 - STEP }, h));
    const above = expectedIfAlive({ ...params, a: 1 + STEP }, t, h) / (1 + dropoutOdds({ ...params, a: 1 + STEP }, h));
    return below + ((a - (1 - STEP)) / (2 * STEP)) * (above - below);
  }
  return expectedIfAlive(params, t, h) / (1 + dropoutOdds(params, h));
}

function expectedIfAlive({ r, alpha, a, b }: BgNbdParams, t: number, { x, T }: PurchaseHistory): number {
  const z = t / (alpha + T + t);
  // Euler's transformation (1−z)^(r+x) · 2F1(r+x, b+x; c; z) = (1−z)^(a−1) · 2F1(a+b−1−r, a−1; c; z),
  // c = a+b+x−1: the transformed series' parameters do not grow with x, so a frequent buyer's
  // terms neither overflow nor need thousands of terms.
  const c = a + b + x - 1;
  const f = Math.pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z);
  return ((a + b + x - 1) / (a - 1)) * (1 - f);
}

/** E[X(t)]: expected purchases in the first t time units of a new member (paper, eq. 9). */
export function expectedPurchases(params: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(params, t, { x: 0, tx: 0, T: 0 });
}
