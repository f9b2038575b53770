/**
 * Payback of the program as a whole (docs/analytics.md, "Payback"): does the extra gross margin
 * that members bring cover what the program costs, and from which month on?
 *
 * Each month, members' receipts are compared with receipts without a member: the incremental
 * revenue is memberPurchases × (members' average receipt − the average receipt without a member),
 * the incremental margin is that times the margin percent. Against it stand the program's cost
 * that month (points issued at face value and campaign costs by block, plus a fixed monthly cost)
 * and the launch cost in the first month. The payback period is the number of months, counted
 * from the first month of the series, until the cumulative incremental margin first reaches the
 * cumulative cost.
 */
import { rate, roundHalfUp } from './kpis.js';

export interface PaybackMonthInput {
  /** First day of the month. */
  month: string;
  memberPurchases: number;
  memberSales: number;
  anonPurchases: number;
  anonSales: number;
  /** The program's cost that month (all blocks), minor units. */
  cost: number;
}

export interface PaybackOptions {
  /** Gross margin of the merchant's sales, percent (e.g. 25). */
  marginPercent: number;
  /** One-off cost counted in the first month, minor units. */
  launchCost: number;
  /** Fixed cost of running the program each month (platform, staff), minor units. */
  monthlyCost: number;
}

export interface PaybackMonth {
  month: string;
  /** Average receipt without a member used as the baseline: that month's, else the whole series'. */
  baselineAverageReceipt: number | null;
  incrementalRevenue: number;
  incrementalMargin: number;
  cost: number;
  cumulativeMargin: number;
  cumulativeCost: number;
  /** cumulativeMargin − cumulativeCost. */
  cumulativeNet: number;
}

export interface Payback {
  months: PaybackMonth[];
  /** Months from the start of the series until it paid back (1 = within the first month); null if it has not yet. */
  paybackMonths: number | null;
  /** 'YYYY-MM' of the month it first paid back, or null. */
  paidBackIn: string | null;
  /** Whether the cumulative margin covers the cumulative cost at the end of the series. */
  paidBack: boolean;
  totalIncrementalMargin: number;
  totalCost: number;
  /** (totalIncrementalMargin − totalCost) ÷ totalCost; null without cost. */
  roi: number | null;
  /** Set when no month has receipts without a member: there is nothing to compare with. */
  noBaseline: boolean;
}

/**
 * Example: one month, 100 member receipts averaging 1 200 ₽, 50 without a member averaging
 * 1 000 ₽, margin 25 %, cost 3 000 ₽ → incremental revenue 20 000 ₽, margin 5 000 ₽: paid back in
 * month 1.
 */
export function payback(months: readonly PaybackMonthInput[], options: PaybackOptions): Payback {
  const anonPurchases = months.reduce((s, m) => s + m.anonPurchases, 0);
  const anonSales = months.reduce((s, m) => s + m.anonSales, 0);
  const overall = anonPurchases === 0 ? null : anonSales / anonPurchases;
  let cumulativeMargin = 0;
  let cumulativeCost = 0;
  let paybackMonths: number | null = null;
  let paidBackIn: string | null = null;
  const out: PaybackMonth[] = months.map((m, i) => {
    const baseline = m.anonPurchases > 0 ? m.anonSales / m.anonPurchases : overall;
    // purchases × (member average − baseline) = sales − purchases × baseline: no rounding until here.
    const incrementalRevenue = baseline === null ? 0 : roundHalfUp(m.memberSales - m.memberPurchases * baseline);
    const incrementalMargin = roundHalfUp((incrementalRevenue * options.marginPercent) / 100);
    const cost = m.cost + options.monthlyCost + (i === 0 ? options.launchCost : 0);
    cumulativeMargin += incrementalMargin;
    cumulativeCost += cost;
    if (paybackMonths === null && cumulativeMargin >= cumulativeCost && (cumulativeCost > 0 || cumulativeMargin > 0)) {
      paybackMonths = i + 1;
      paidBackIn = m.month.slice(0, 7);
    }
    return {
      month: m.month.slice(0, 7),
      baselineAverageReceipt: baseline === null ? null : roundHalfUp(baseline),
      incrementalRevenue,
      incrementalMargin,
      cost,
      cumulativeMargin,
      cumulativeCost,
      cumulativeNet: cumulativeMargin - cumulativeCost,
    };
  });
  return {
    months: out,
    paybackMonths,
    paidBackIn,
    paidBack: out.length > 0 && cumulativeMargin >= cumulativeCost && (cumulativeCost > 0 || cumulativeMargin > 0),
    totalIncrementalMargin: cumulativeMargin,
    totalCost: cumulativeCost,
    roi: rate(cumulativeMargin - cumulativeCost, cumulativeCost),
    noBaseline: overall === null,
  };
}
