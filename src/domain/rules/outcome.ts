/**
 * One campaign's effects on a receipt, with its per-receipt caps and its budget.
 *
 * Caps (`limits.perReceipt`) cut an effect down to what is left under them: the cap is part of
 * the offer ("10 % off, at most 500 ₽"). The budget treats the two kinds differently:
 * - a **discount** that does not fit in the money left is skipped whole, never cut: a partial
 *   discount would not be the offer the customer was shown;
 * - **points** are cut to what the budget affords (points left, and money left ÷ pointValue);
 *   at zero the effect is skipped.
 */
import { allocate } from '../arithmetic.js';
import type { BudgetLeft } from './budget.js';
import type { EarnState } from './effects.js';
import type { AppliedEffect, BudgetUsed, EffectLine } from './facts.js';
import type { ReceiptView } from './lines.js';
import type { Candidate } from './match.js';

/** A campaign that applied in stage 1; its points come in stage 3. */
export interface Applied {
  cand: Candidate;
  effects: AppliedEffect[];
  spent: BudgetUsed;
}

export function effectOf(cand: Candidate, effectIndex: number, kind: AppliedEffect['kind'], lines: EffectLine[], discount: number, points: number, pv: number, cut: boolean): AppliedEffect {
  return {
    campaignId: cand.c.id,
    tierId: null,
    name: cand.c.source.name,
    effectIndex,
    couponCode: cand.coupon?.code ?? null,
    kind,
    block: cand.c.source.block,
    lines,
    discount,
    points,
    costMinor: discount + points * pv,
    cut,
  };
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** The lines that got something, as effect lines. */
export function linesOf(perLine: readonly number[], what: 'discount' | 'points'): EffectLine[] {
  const out: EffectLine[] = [];
  for (let index = 0; index < perLine.length; index++) {
    const x = perLine[index]!;
    if (x > 0) out.push(what === 'discount' ? { index, discount: x, points: 0 } : { index, discount: 0, points: x });
  }
  return out;
}

export interface DiscountOutcome {
  effects: AppliedEffect[];
  /** What each line costs after this campaign's discounts (`remaining` itself when it has none: do not change it). */
  after: number[];
  budget: BudgetLeft;
  spent: BudgetUsed;
  budgetStopped: boolean;
}

/**
 * The campaign's discounts on lines that still cost `remaining`; pure (nothing is changed). Lines
 * not `discountable` (the program's redeem exclusions) are hidden from the effects as if they cost
 * nothing: no percent, no share of a fixed amount, no free or n-th unit falls on them.
 */
export function campaignDiscounts(cand: Candidate, view: ReceiptView, remaining: readonly number[], pv: number, discountable: readonly boolean[]): DiscountOutcome {
  if (cand.c.discounts.length === 0) return { effects: [], after: remaining as number[], budget: cand.budget, spent: { points: 0, costMinor: 0 }, budgetStopped: false };
  const after = remaining.slice();
  const allDiscountable = discountable.every(Boolean);
  const budget = { ...cand.budget };
  const cap = cand.c.source.limits.perReceipt?.discount ?? Number.POSITIVE_INFINITY;
  const effects: AppliedEffect[] = [];
  let total = 0;
  let budgetStopped = false;
  for (const d of cand.c.discounts) {
    let perLine = d.apply(view, allDiscountable ? after : after.map((a, i) => (discountable[i] ? a : 0)));
    let amount = sum(perLine);
    if (amount === 0) continue;
    let cut = false;
    if (total + amount > cap) {
      const allowed = cap - total;
      if (allowed <= 0) continue;
      perLine = allocate(allowed, perLine, perLine);
      amount = allowed;
      cut = true;
    }
    if (amount > budget.money) {
      budgetStopped = true;
      continue;
    }
    budget.money -= amount;
    total += amount;
    for (let i = 0; i < view.n; i++) after[i]! -= perLine[i]!;
    effects.push(effectOf(cand, d.index, d.effect.kind, linesOf(perLine, 'discount'), amount, 0, pv, cut));
  }
  return { effects, after, budget, spent: { points: 0, costMinor: total }, budgetStopped };
}

export interface PointsOutcome {
  effects: AppliedEffect[];
  spent: BudgetUsed;
  budgetStopped: boolean;
}

/** The campaign's points on the money paid, within its per-receipt cap and `budget`. */
export function campaignPoints(cand: Candidate, state: EarnState, budget: BudgetLeft, pv: number): PointsOutcome {
  const cap = cand.c.source.limits.perReceipt?.points ?? Number.POSITIVE_INFINITY;
  const left = { ...budget };
  const effects: AppliedEffect[] = [];
  let total = 0;
  let budgetStopped = false;
  for (const p of cand.c.points) {
    const r = p.apply(state);
    let points = r.total;
    if (points === 0) continue;
    let cut = false;
    if (total + points > cap) {
      points = cap - total;
      cut = true;
    }
    const affordable = Math.min(left.points, Math.floor(left.money / pv));
    if (points > affordable) {
      points = Math.max(0, affordable);
      cut = true;
      if (points === 0) budgetStopped = true;
    }
    if (points <= 0) continue;
    const perLine = cut && r.perLine.length > 0 ? allocate(points, r.perLine) : r.perLine;
    left.points -= points;
    left.money -= points * pv;
    total += points;
    effects.push(effectOf(cand, p.index, p.effect.kind, linesOf(perLine, 'points'), 0, points, pv, cut));
  }
  return { effects, spent: { points: total, costMinor: total * pv }, budgetStopped };
}
