/**
 * The arithmetic of effects. Discounts work on what each line still costs after the campaigns
 * applied before them; points on the money paid and the base points of each line. Every result
 * is per line, in integers, and adds up exactly (allocate's largest remainders).
 *
 * Roundings: percentage discounts round half up to the minor unit (the usual till rule); points
 * round by the program's rounding mode; "n-th item" and "cheapest free" value a unit of a line
 * as its share of what the line still costs, rounded down.
 */
import { allocate, cumulativeShare, divide, type RoundingMode } from '../arithmetic.js';
import { describeFilter, type CompiledFilter, type FilterIndex, type ReceiptView } from './lines.js';
import type { Effect } from './types.js';

export type DiscountEffect = Extract<Effect, { kind: 'discount_percent' | 'discount_fixed' | 'cheapest_free' | 'nth_item' }>;
export type PointsEffect = Exclude<Effect, DiscountEffect>;

export const isDiscount = (e: Effect): e is DiscountEffect =>
  e.kind === 'discount_percent' || e.kind === 'discount_fixed' || e.kind === 'cheapest_free' || e.kind === 'nth_item';

/** Per-line discounts given what each line still costs; never more than a line's remainder. */
export type DiscountFn = (view: ReceiptView, remaining: readonly number[]) => number[];

/** What points effects see: money paid and base points per line, and which lines may earn. */
export interface EarnState {
  view: ReceiptView | null;
  paid: readonly number[];
  base: readonly number[];
  eligible: readonly boolean[];
}
/** Points per line (for a receipt) and in all. */
export type PointsFn = (s: EarnState) => { total: number; perLine: number[] };

export interface Arithmetic {
  pointValue: number;
  rounding: RoundingMode;
}

/** Hundredths of a percent (12.5 → 1250), exact for two decimals. */
export const basisPoints = (percent: number) => Math.round(percent * 100);

function targets(view: ReceiptView, remaining: readonly number[], filter: CompiledFilter): number[] {
  const mask = filter.mask(view);
  const out: number[] = [];
  for (let i = 0; i < view.n; i++) if (remaining[i]! > 0 && mask[i]) out.push(i);
  return out;
}

/** Spreads `total` over lines `idx` by `weights` (capped by them when `capped`), into a receipt-long array. */
function spread(n: number, idx: readonly number[], total: number, weights: readonly number[], capped: boolean): number[] {
  const out = new Array<number>(n).fill(0);
  if (total === 0) return out;
  const parts = allocate(total, weights, capped ? weights : undefined);
  idx.forEach((i, k) => (out[i] = parts[k]!));
  return out;
}

/** Units of the target lines ordered by unit value (what the line still costs ÷ its quantity); ties by line order. */
function byUnitValue(idx: number[], view: ReceiptView, remaining: readonly number[], descending: boolean): number[] {
  return [...idx].sort((a, b) => {
    const cmp = remaining[a]! * view.quantity[b]! - remaining[b]! * view.quantity[a]!;
    return cmp === 0 ? a - b : descending ? -cmp : cmp;
  });
}

export function compileDiscount(e: DiscountEffect, filters: FilterIndex): DiscountFn {
  const test = filters.register(e.lines);
  switch (e.kind) {
    case 'discount_percent': {
      const bp = basisPoints(e.percent);
      return (view, remaining) => {
        const idx = targets(view, remaining, test);
        const w = idx.map((i) => remaining[i]!);
        return spread(view.n, idx, divide(BigInt(w.reduce((s, x) => s + x, 0)) * BigInt(bp), 10_000, 'half_up'), w, true);
      };
    }
    case 'discount_fixed':
      return (view, remaining) => {
        const idx = targets(view, remaining, test);
        const w = idx.map((i) => remaining[i]!);
        return spread(view.n, idx, Math.min(e.amount, w.reduce((s, x) => s + x, 0)), w, true);
      };
    case 'cheapest_free':
      return (view, remaining) => {
        const out = new Array<number>(view.n).fill(0);
        const idx = targets(view, remaining, test);
        if (idx.reduce((s, i) => s + view.quantity[i]!, 0) < e.minQuantity) return out;
        let left = e.count;
        for (const i of byUnitValue(idx, view, remaining, false)) {
          if (left === 0) break;
          const k = Math.min(left, view.quantity[i]!);
          out[i] = cumulativeShare(remaining[i]!, view.quantity[i]!, k);
          left -= k;
        }
        return out;
      };
    case 'nth_item': {
      const deal = 'price' in e ? (value: number, k: number) => Math.max(0, value - k * e.price) : (value: number) => divide(BigInt(value) * BigInt(basisPoints(e.percent)), 10_000, 'half_up');
      return (view, remaining) => {
        const out = new Array<number>(view.n).fill(0);
        // Counted from the most expensive unit: units at positions n, 2n, … get the deal.
        let position = 0;
        for (const i of byUnitValue(targets(view, remaining, test), view, remaining, true)) {
          const q = view.quantity[i]!;
          const k = Math.floor((position + q) / e.n) - Math.floor(position / e.n);
          position += q;
          if (k > 0) out[i] = deal(cumulativeShare(remaining[i]!, q, k), k);
        }
        return out;
      };
    }
  }
}

export function compilePoints(e: PointsEffect, a: Arithmetic, filters: FilterIndex): PointsFn {
  const filter = filters.register('lines' in e ? e.lines : undefined);
  const lines = (s: EarnState) => {
    const idx: number[] = [];
    if (!s.view) return idx;
    const mask = filter.mask(s.view);
    for (let i = 0; i < s.view.n; i++) if (s.eligible[i] && mask[i]) idx.push(i);
    return idx;
  };
  const byWeights = (s: EarnState, idx: number[], total: number, weights: number[]) => ({ total, perLine: spread(s.view?.n ?? 0, idx, total, weights, false) });
  const paidOf = (s: EarnState, idx: number[]) => idx.map((i) => s.paid[i]!);
  const sum = (xs: number[]) => xs.reduce((t, x) => t + x, 0);
  switch (e.kind) {
    case 'points_fixed':
      return (s) => {
        if (!s.view) return { total: e.points, perLine: [] };
        const idx = lines(s);
        if (idx.length === 0) return { total: 0, perLine: new Array<number>(s.view.n).fill(0) };
        const paid = paidOf(s, idx);
        // A receipt paid entirely with points still earns the bonus, spread by quantity.
        return byWeights(s, idx, e.points, sum(paid) > 0 ? paid : idx.map((i) => s.view!.quantity[i]!));
      };
    case 'points_per_item':
      return (s) => {
        const perLine = new Array<number>(s.view?.n ?? 0).fill(0);
        for (const i of lines(s)) perLine[i] = e.points * s.view!.quantity[i]!;
        return { total: sum(perLine), perLine };
      };
    case 'points_per_amount':
      return (s) => {
        const idx = lines(s);
        const paid = paidOf(s, idx);
        return byWeights(s, idx, Math.floor(sum(paid) / e.per) * e.points, paid);
      };
    case 'points_percent': {
      const bp = basisPoints(e.percent);
      return (s) => {
        const idx = lines(s);
        const paid = paidOf(s, idx);
        return byWeights(s, idx, divide(BigInt(sum(paid)) * BigInt(bp), 10_000 * a.pointValue, a.rounding), paid);
      };
    }
    case 'points_multiplier': {
      const extra = basisPoints(e.multiplier) - 100;
      return (s) => {
        const idx = lines(s);
        const base = idx.map((i) => s.base[i]!);
        return byWeights(s, idx, divide(BigInt(sum(base)) * BigInt(extra), 100, a.rounding), base);
      };
    }
  }
}

/** An effect in words, for explanations. */
export function describeEffect(e: Effect, money: (n: number) => string): string {
  const on = 'lines' in e && e.lines ? ` on ${describeFilter(e.lines)}` : '';
  switch (e.kind) {
    case 'points_fixed':
      return `${e.points} points`;
    case 'points_per_item':
      return `${e.points} points per item${on}`;
    case 'points_per_amount':
      return `${e.points} points per ${money(e.per)} paid${on}`;
    case 'points_percent':
      return `${e.percent} % of the money paid in points${on}`;
    case 'points_multiplier':
      return `base points × ${e.multiplier}${on}`;
    case 'discount_percent':
      return `${e.percent} % off${on}`;
    case 'discount_fixed':
      return `${money(e.amount)} off${on}`;
    case 'cheapest_free':
      return `${e.count} cheapest item(s) free from ${e.minQuantity} items${on}`;
    case 'nth_item':
      return `every ${e.n}th item ${'price' in e ? `for ${money(e.price)}` : `${e.percent} % off`}${on}`;
  }
}
