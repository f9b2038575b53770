/**
 * Campaign budgets and limits. The engine decides with the usage the caller read; the caller
 * still enforces the budget atomically when it records the cost (two tills may spend the last
 * of a budget at once).
 */
import { startOfPeriod } from '../calendar.js';
import type { BudgetUsed, BudgetWarning } from './facts.js';
import type { Campaign, LimitPeriod } from './types.js';

/** What is left of a campaign's budget; Infinity where it has no cap. */
export interface BudgetLeft {
  points: number;
  money: number;
}

export function budgetLeft(c: Campaign, used: BudgetUsed | undefined): BudgetLeft {
  return {
    points: c.budget?.points === undefined ? Number.POSITIVE_INFINITY : c.budget.points - (used?.points ?? 0),
    money: c.budget?.money === undefined ? Number.POSITIVE_INFINITY : c.budget.money - (used?.costMinor ?? 0),
  };
}

/** The budgets of `c` at or over their warning threshold after spending `now` on top of `used`. */
export function budgetWarnings(c: Campaign, used: BudgetUsed | undefined, now: BudgetUsed): BudgetWarning[] {
  const b = c.budget;
  if (!b) return [];
  const out: BudgetWarning[] = [];
  const check = (budget: 'points' | 'money', cap: number | undefined, before: number, spent: number) => {
    if (cap === undefined || spent === 0) return;
    const after = before + spent;
    // used ≥ cap × warn% ⇔ used × 100 ≥ cap × warn (integers, no rounding)
    const reached = (x: number) => x * 100 >= cap * b.warnAtPercent;
    if (reached(after)) out.push({ campaignId: c.id, budget, cap, usedBefore: before, usedAfter: after, warnAtPercent: b.warnAtPercent, crossed: !reached(before) });
  };
  check('points', b.points, used?.points ?? 0, now.points);
  check('money', b.money, used?.costMinor ?? 0, now.costMinor);
  return out;
}

/**
 * Where the current period of a per-member limit began (the caller counts a member's uses of
 * the campaign since then), or null for 'campaign' (every use ever counts). Periods are
 * calendar days, ISO weeks (from Monday) and months in the program's time zone.
 */
export function limitPeriodStart(period: LimitPeriod, at: Date, timeZone: string): Date | null {
  if (period === 'campaign') return null;
  return startOfPeriod(at, period, timeZone);
}
