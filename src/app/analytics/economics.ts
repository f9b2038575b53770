import { pointsSummary, rate, type PointsSummary } from '../../domain/analytics/kpis.js';
import { payback, type Payback } from '../../domain/analytics/payback.js';
import { addDays, addMonths, dayIn, monthStart, monthsBetween, periodsOf } from '../../domain/analytics/periods.js';
import { DomainError } from '../../domain/errors.js';
import { firstActivityDay } from '../../store/analytics-aggregate.js';
import { BLOCKS, budgetsOf, monthlyCosts, saveBudgets } from '../../store/analytics-blocks.js';
import { periodSums, pointTotals } from '../../store/analytics-read.js';
import type { Block } from '../../store/schema-analytics.js';
import { audit } from '../audit.js';
import type { Actor, AppContext } from '../context.js';
import { freshnessOf, readScope, type Freshness } from './kpis.js';
import { getAnalyticsSettings } from './settings.js';

/** The range a program-life report covers when none is given: from its first activity to today. */
async function lifeRange(ctx: AppContext, programId: string, q: { from?: string | undefined; to?: string | undefined }): Promise<{ from: string; to: string }> {
  const { settings } = await ctx.programs.get(programId);
  const today = dayIn(ctx.clock(), settings.timeZone);
  const from = q.from ?? (await firstActivityDay(ctx.db, programId, settings.timeZone)) ?? today;
  return { from: from > (q.to ?? today) ? (q.to ?? today) : from, to: q.to ?? today };
}

export interface PointsReport extends PointsSummary {
  from: string;
  to: string;
  pointValue: number;
  currency: string;
  freshness: Freshness;
}

/** Points issued, redeemed, expired in a range; the outstanding liability at its end (docs/analytics.md, "Points"). */
export async function getPointsReport(ctx: AppContext, programId: string, q: { from?: string | undefined; to?: string | undefined }): Promise<PointsReport> {
  const s = await readScope(ctx, programId, await lifeRange(ctx, programId, q));
  const [totals, freshness] = await Promise.all([pointTotals(ctx.db, s), freshnessOf(ctx, s)]);
  return { from: s.from, to: s.to, pointValue: s.pointValue, currency: s.currency, freshness, ...pointsSummary(totals.range, totals.toDate, s.pointValue) };
}

type BlockFigures = { cost: number; budget: number | null; costShare: number | null; budgetShare: number | null; budgetUsed: number | null };
export interface BlocksReport {
  from: string;
  to: string;
  currency: string;
  months: { month: string; blocks: Record<Block, BlockFigures>; cost: number; budget: number | null }[];
  totals: { blocks: Record<Block, BlockFigures>; cost: number; budget: number | null };
}

function figures(costs: Record<Block, number>, budgets: Record<Block, number | null>): { blocks: Record<Block, BlockFigures>; cost: number; budget: number | null } {
  const cost = BLOCKS.reduce((s, b) => s + costs[b], 0);
  const budgeted = BLOCKS.some((b) => budgets[b] !== null);
  const budget = budgeted ? BLOCKS.reduce((s, b) => s + (budgets[b] ?? 0), 0) : null;
  const blocks = Object.fromEntries(
    BLOCKS.map((b) => [b, { cost: costs[b], budget: budgets[b], costShare: rate(costs[b], cost), budgetShare: budget === null || budgets[b] === null ? null : rate(budgets[b], budget), budgetUsed: budgets[b] === null ? null : rate(costs[b], budgets[b]) }]),
  ) as Record<Block, BlockFigures>;
  return { blocks, cost, budget };
}

/** The program's cost per block and month against the owner's budgets (docs/analytics.md, "Blocks and budgets"). */
export async function getBlocks(ctx: AppContext, programId: string, q: { from?: string | undefined; to?: string | undefined }): Promise<BlocksReport> {
  const range = await lifeRange(ctx, programId, q);
  const s = await readScope(ctx, programId, { ...range, from: monthStart(range.from) });
  const months = periodsOf(s.from, s.to, 'month').map((p) => p.period);
  const [costs, budgets] = await Promise.all([monthlyCosts(ctx.db, s, s.pointValue), budgetsOf(ctx.db, programId, s.from, monthStart(s.to))]);
  const totalCost: Record<Block, number> = { main: 0, mass: 0, targeted: 0 };
  const totalBudget: Record<Block, number | null> = { main: null, mass: null, targeted: null };
  const rows = months.map((month) => {
    const c = costs.get(month) ?? { main: 0, mass: 0, targeted: 0 };
    const b = budgets.get(month) ?? { main: null, mass: null, targeted: null };
    for (const k of BLOCKS) {
      totalCost[k] += c[k];
      if (b[k] !== null) totalBudget[k] = (totalBudget[k] ?? 0) + b[k];
    }
    return { month: month.slice(0, 7), ...figures(c, b) };
  });
  return { from: s.from, to: s.to, currency: s.currency, months: rows, totals: figures(totalCost, totalBudget) };
}

export interface BudgetInput {
  /** 'YYYY-MM'. */
  month: string;
  main?: number | null | undefined;
  mass?: number | null | undefined;
  targeted?: number | null | undefined;
}

/** Sets the owner's budget per block for months; a block left out keeps its budget, null removes it. */
export async function setBudgets(ctx: AppContext, actor: Actor, input: BudgetInput[]): Promise<BlocksReport> {
  const items = input.flatMap((i) => {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(i.month)) throw new DomainError('VALIDATION_FAILED', `month must be YYYY-MM, got ${i.month}`, { errors: [{ pointer: '/budgets', detail: 'month must be YYYY-MM' }] });
    return BLOCKS.filter((b) => i[b] !== undefined).map((b) => ({ month: `${i.month}-01`, block: b, amount: i[b] ?? null }));
  });
  const at = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    await saveBudgets(tx, actor.programId, items, at);
    await audit(ctx, tx, actor, { action: 'update', entity: 'budgets', entityId: actor.programId, before: null, after: input, at });
  });
  const months = input.map((i) => `${i.month}-01`).sort();
  return getBlocks(ctx, actor.programId, { from: months[0]!, to: addDays(addMonths(months[months.length - 1]!, 1), -1) });
}

export interface PaybackReport extends Payback {
  from: string;
  to: string;
  currency: string;
  marginPercent: number;
  launchCost: number;
  monthlyCost: number;
}

/** Payback of the program as a whole, by month (docs/analytics.md, "Payback"). */
export async function getPayback(ctx: AppContext, programId: string, q: { from?: string | undefined; to?: string | undefined; marginPercent?: number | undefined }): Promise<PaybackReport> {
  const range = await lifeRange(ctx, programId, q);
  const s = await readScope(ctx, programId, { ...range, from: monthStart(range.from) });
  const settings = await getAnalyticsSettings(ctx, programId);
  const options = { marginPercent: q.marginPercent ?? settings.marginPercent, launchCost: settings.launchCost, monthlyCost: settings.monthlyCost };
  const [sums, costs] = await Promise.all([periodSums(ctx.db, s, 'month'), monthlyCosts(ctx.db, s, s.pointValue)]);
  const months = Array.from({ length: monthsBetween(s.from, s.to) + 1 }, (_, i) => addMonths(s.from, i)).map((month) => {
    const m = sums.get(month);
    const c = costs.get(month) ?? { main: 0, mass: 0, targeted: 0 };
    return { month, memberPurchases: m?.purchases ?? 0, memberSales: m?.sales ?? 0, anonPurchases: m?.anonPurchases ?? 0, anonSales: m?.anonSales ?? 0, cost: c.main + c.mass + c.targeted };
  });
  return { from: s.from, to: s.to, currency: s.currency, ...options, ...payback(months, options) };
}
