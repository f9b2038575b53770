import { Type, type TSchema } from 'typebox';
import { CsvDialect, DateTime, Obj } from '../schemas.js';

/** Schemas of the analytics reports (routes/analytics.ts). */
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Int = Type.Integer();
const Rate = Nullable(Type.Number({ description: 'a share or rate, four decimals' }));
export const Day = Type.String({ format: 'date', description: "YYYY-MM-DD in the program's time zone" });
export const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });

export const Freshness = Obj({
  aggregatedAt: Nullable(DateTime),
  todayLive: Type.Boolean({ description: "today's figures were computed live from the raw tables" }),
});

const kpiFields = {
  members: Nullable(Int),
  newMembers: Nullable(Int),
  activeMembers: Int,
  activeShare: Rate,
  newBuyers: Int,
  returningMembers: Int,
  repeatPurchaseRate: Rate,
  purchaseFrequency: Rate,
  memberPurchases: Int,
  memberSales: Int,
  memberPaid: Int,
  memberAverageReceipt: Nullable(Int),
  anonymousPurchases: Int,
  anonymousSales: Int,
  anonymousAverageReceipt: Nullable(Int),
  memberSalesShare: Rate,
  averageReceiptUplift: Rate,
  memberReturns: Int,
  memberRefunds: Int,
  anonymousReturns: Int,
  anonymousRefunds: Int,
  netSales: Int,
  pointsSpent: Int,
  pointsEarned: Int,
  pointsIssued: Nullable(Int),
  pointsRedeemed: Nullable(Int),
  pointsExpired: Nullable(Int),
  pointsAdjusted: Nullable(Int),
};
export const Interval = Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')]);

export const KpiQuery = Obj({
  from: Day,
  to: Day,
  storeId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  interval: Type.Optional(Interval),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'csv: the series as CSV (or send Accept: text/csv)' })),
  dialect: Type.Optional(CsvDialect),
});
export const KpiReport = Obj({
  from: Day,
  to: Day,
  storeId: Nullable(Type.String()),
  interval: Interval,
  timeZone: Type.String(),
  currency: Type.String(),
  freshness: Freshness,
  totals: Obj(kpiFields),
  series: Type.Array(Obj({ period: Day, from: Day, to: Day, ...kpiFields })),
});

export const RangeQuery = Obj({ from: Day, to: Day });
export const OptionalRangeQuery = Obj({ from: Type.Optional(Day), to: Type.Optional(Day) });

export const CohortReport = Obj({
  from: Day,
  to: Day,
  timeZone: Type.String(),
  freshness: Freshness,
  cohorts: Type.Array(Obj({ cohort: Month, size: Int, active: Type.Array(Int), retention: Type.Array(Rate) })),
});

export const PointsReport = Obj({
  from: Day,
  to: Day,
  pointValue: Int,
  currency: Type.String(),
  freshness: Freshness,
  issued: Int,
  redeemed: Int,
  expired: Int,
  adjusted: Int,
  outstanding: Int,
  liability: Type.Integer({ description: 'outstanding × pointValue, minor units' }),
  redemptionRate: Rate,
  breakageRate: Rate,
  lifetimeRedemptionRate: Rate,
  lifetimeBreakageRate: Rate,
});

const BlockFigures = Obj({ cost: Int, budget: Nullable(Int), costShare: Rate, budgetShare: Rate, budgetUsed: Rate });
const Blocks = Obj({ main: BlockFigures, mass: BlockFigures, targeted: BlockFigures });
export const BlocksReport = Obj({
  from: Day,
  to: Day,
  currency: Type.String(),
  months: Type.Array(Obj({ month: Month, blocks: Blocks, cost: Int, budget: Nullable(Int) })),
  totals: Obj({ blocks: Blocks, cost: Int, budget: Nullable(Int) }),
});
const Amount = Type.Optional(Nullable(Type.Integer({ minimum: 0, description: 'minor units; null removes the budget' })));
export const BudgetsBody = Obj({ budgets: Type.Array(Obj({ month: Month, main: Amount, mass: Amount, targeted: Amount }), { minItems: 1, maxItems: 120 }) });

export const PaybackQuery = Obj({ from: Type.Optional(Day), to: Type.Optional(Day), marginPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })) });
export const PaybackReport = Obj({
  from: Day,
  to: Day,
  currency: Type.String(),
  marginPercent: Type.Number(),
  launchCost: Int,
  monthlyCost: Int,
  months: Type.Array(
    Obj({ month: Month, baselineAverageReceipt: Nullable(Int), incrementalRevenue: Int, incrementalMargin: Int, cost: Int, cumulativeMargin: Int, cumulativeCost: Int, cumulativeNet: Int }),
  ),
  paybackMonths: Nullable(Int),
  paidBackIn: Nullable(Month),
  paidBack: Type.Boolean(),
  totalIncrementalMargin: Int,
  totalCost: Int,
  roi: Rate,
  noBaseline: Type.Boolean(),
});

const settingsFields = {
  rfmWindowDays: Type.Integer({ minimum: 1, maximum: 3660 }),
  atRiskThreshold: Type.Number({ minimum: 0, maximum: 1 }),
  atRiskDrop: Type.Number({ minimum: 0, maximum: 1 }),
  predictionWeeks: Type.Integer({ minimum: 1, maximum: 520 }),
  clvMonths: Type.Integer({ minimum: 1, maximum: 120 }),
  clvMonthlyDiscountPercent: Type.Number({ minimum: 0, maximum: 100 }),
  marginPercent: Type.Number({ minimum: 0, maximum: 100 }),
  launchCost: Type.Integer({ minimum: 0 }),
  monthlyCost: Type.Integer({ minimum: 0 }),
  fitEveryDays: Type.Integer({ minimum: 0, maximum: 365 }),
};
export const AnalyticsSettings = Obj(settingsFields);
export const AnalyticsSettingsPatch = Type.Partial(AnalyticsSettings);
