/**
 * Customer-base models at scale: `npx tsx bench/models.ts [members] [seed]`.
 *
 * Simulates members from the BG/NBD and Gamma-Gamma generative processes with the CDNOW
 * parameters (Fader, Hardie & Lee 2005; Fader & Hardie 2013), fits both models, predicts per
 * member, and prints the timings and the recovered parameters. Two data sets: purchase times in
 * continuous time (every history distinct: the worst case for grouping) and the same purchases
 * rounded to calendar days with same-day purchases merged (how a program's data arrives).
 */
import { performance } from 'node:perf_hooks';
import { conditionalExpectedPurchases, fitBgNbd, groupHistories, probabilityAlive, type BgNbdParams, type PurchaseHistory } from '../src/domain/analytics/bgnbd.js';
import { customerLifetimeValue, expectedSpend, fitGammaGamma, type GammaGammaParams } from '../src/domain/analytics/gamma-gamma.js';

const MEMBERS = Number(process.argv[2] ?? 100_000);
const SEED = Number(process.argv[3] ?? 20050401);
const TRUE_BGNBD: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const TRUE_GG: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
/** As in CDNOW: first purchases spread over the first 12 weeks, calibration ends at week 39. */
const COHORT_WEEKS = 12;
const CALIBRATION_WEEKS = 39;

/** xoshiro128** seeded through splitmix32: small, fast, and the same stream on every machine. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const st = [splitmix(), splitmix(), splitmix(), splitmix()] as [number, number, number, number];
  return () => {
    const result = Math.imul(rotl(Math.imul(st[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (st[1] << 9) >>> 0;
    st[2] ^= st[0];
    st[3] ^= st[1];
    st[1] ^= st[2];
    st[0] ^= st[3];
    st[2] ^= t;
    st[3] = rotl(st[3], 11);
    return (result + 0.5) / 4294967296; // in (0, 1): never 0, so logs are safe
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, scale 1) by Marsaglia & Tsang, with the boost u^(1/shape) for shape < 1. */
function gammaVariate(u: () => number, shape: number): number {
  if (shape < 1) return gammaVariate(u, shape + 1) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normal(u);
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    if (Math.log(u()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

interface Simulated {
  continuous: PurchaseHistory & { meanSpend: number | null };
  daily: PurchaseHistory & { meanSpend: number | null };
}

/** One member: λ ~ Gamma(r, α), p ~ Beta(a, b), ν ~ Gamma(q, γ); purchases until dropout or T. */
function simulateMember(u: () => number): Simulated {
  const { r, alpha, a, b } = TRUE_BGNBD;
  const lambda = gammaVariate(u, r) / alpha;
  const ga = gammaVariate(u, a);
  const p = ga / (ga + gammaVariate(u, b));
  const nu = gammaVariate(u, TRUE_GG.q) / TRUE_GG.gamma;
  const start = u() * COHORT_WEEKS;
  const T = CALIBRATION_WEEKS - start;
  const times: number[] = [];
  const spends: number[] = [];
  let t = 0;
  for (;;) {
    t += -Math.log(u()) / lambda;
    if (t > T) break;
    times.push(t);
    spends.push(gammaVariate(u, TRUE_GG.p) / nu);
    if (u() < p) break; // drops out right after this repeat purchase
  }
  const total = spends.reduce((s, v) => s + v, 0);
  const continuous = { x: times.length, tx: times.at(-1) ?? 0, T, meanSpend: times.length > 0 ? total / times.length : null };
  // Calendar days: the first purchase day and each purchase's day, same days merged.
  const firstDay = Math.floor(start * 7);
  const endDay = CALIBRATION_WEEKS * 7;
  const byDay = new Map<number, number>();
  times.forEach((time, i) => {
    const day = Math.floor((start + time) * 7);
    if (day !== firstDay && day <= endDay) byDay.set(day, (byDay.get(day) ?? 0) + (spends[i] as number));
  });
  const days = [...byDay.keys()];
  const dailyTotal = [...byDay.values()].reduce((s, v) => s + v, 0);
  const daily = {
    x: days.length,
    tx: days.length > 0 ? (Math.max(...days) - firstDay) / 7 : 0,
    T: (endDay - firstDay) / 7,
    meanSpend: days.length > 0 ? dailyTotal / days.length : null,
  };
  return { continuous, daily };
}

function time<T>(label: string, fn: () => T): T {
  const t0 = performance.now();
  const result = fn();
  console.log(`  ${label.padEnd(46)} ${((performance.now() - t0) / 1000).toFixed(2).padStart(7)} s`);
  return result;
}

const pct = (fitted: number, truth: number) => `${fitted.toFixed(4)} (${(((fitted - truth) / truth) * 100).toFixed(1)} %)`;

console.log(`Customer-base models: ${MEMBERS.toLocaleString('en')} simulated members, seed ${SEED}, Node ${process.version}`);
const u = prng(SEED);
const simulated = time('simulate', () => Array.from({ length: MEMBERS }, () => simulateMember(u)));

for (const grain of ['continuous', 'daily'] as const) {
  const members = simulated.map((s) => s[grain]);
  console.log(`\n${grain === 'continuous' ? 'Continuous time' : 'Calendar days, same-day purchases merged'}:`);
  const grouped = time('group identical (x, tx, T)', () => groupHistories(members));
  console.log(`    ${grouped.groups.toLocaleString('en')} distinct histories, ${grouped.distinctT.length.toLocaleString('en')} distinct T, ${members.filter((m) => m.x > 0).length.toLocaleString('en')} members with repeat purchases`);
  const bg = time('fit BG/NBD', () => fitBgNbd(grouped));
  console.log(`    ${bg.evaluations} likelihood evaluations, converged: ${bg.converged}, log-likelihood ${bg.logLikelihood.toFixed(1)}`);
  const spend = members.map((m) => ({ x: m.x, meanSpend: m.meanSpend ?? 0 }));
  const gg = time('fit Gamma-Gamma', () => fitGammaGamma(spend));
  console.log(`    ${gg.members.toLocaleString('en')} members used, ${gg.evaluations} evaluations, converged: ${gg.converged}`);
  const alive = time('P(alive), every member', () => members.map((m) => probabilityAlive(bg.params, m)));
  const next = time('E[Y(39 weeks)], every member', () => members.map((m) => conditionalExpectedPurchases(bg.params, 39, m)));
  const spendEach = time('E[M], every member', () => spend.map((m) => expectedSpend(gg.params, m)));
  const clv = time('CLV, 12 months at 1 %/month, every member', () =>
    members.map((m) => customerLifetimeValue(bg.params, gg.params, m, { periods: 12, periodLength: 52 / 12, discountRate: 0.01 })),
  );
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  console.log(`    means: P(alive) ${mean(alive).toFixed(3)}, E[Y(39)] ${mean(next).toFixed(3)}, E[M] ${mean(spendEach).toFixed(2)}, CLV ${mean(clv).toFixed(2)}`);
  const t = TRUE_BGNBD;
  console.log(`    BG/NBD       r ${pct(bg.params.r, t.r)}, alpha ${pct(bg.params.alpha, t.alpha)}, a ${pct(bg.params.a, t.a)}, b ${pct(bg.params.b, t.b)}`);
  const g = TRUE_GG;
  console.log(`    Gamma-Gamma  p ${pct(gg.params.p, g.p)}, q ${pct(gg.params.q, g.q)}, gamma ${pct(gg.params.gamma, g.gamma)}`);
}
