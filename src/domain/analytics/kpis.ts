/**
 * KPI arithmetic: from the day sums and visit counts the store reads to the figures a report
 * shows. Definitions in docs/analytics.md ("KPIs"). Money is in minor units; averages are
 * rounded half up to a whole minor unit, rates to four decimals.
 */

/** Additive figures of a set of days (the columns of analytics_days). */
export interface DaySums {
  /** Completed purchases of members, by the day they occurred. */
  purchases: number;
  /** Their receipt totals. */
  sales: number;
  /** What was paid in money (receipt totals less points spent). */
  paid: number;
  pointsSpent: number;
  pointsEarned: number;
  anonPurchases: number;
  anonSales: number;
  /** Returns of members' purchases by the day of the return, and their refunds (goods value). */
  returns: number;
  refunds: number;
  anonReturns: number;
  anonRefunds: number;
  newMembers: number;
  /** Ledger movements by the day of the entry (program accounts, as in `kopilka verify`). */
  issued: number;
  redeemed: number;
  expired: number;
  adjusted: number;
}

export const DAY_SUM_KEYS = [
  'purchases', 'sales', 'paid', 'pointsSpent', 'pointsEarned', 'anonPurchases', 'anonSales', 'returns', 'refunds',
  'anonReturns', 'anonRefunds', 'newMembers', 'issued', 'redeemed', 'expired', 'adjusted',
] as const satisfies readonly (keyof DaySums)[];

export const zeroSums = (): DaySums => Object.fromEntries(DAY_SUM_KEYS.map((k) => [k, 0])) as unknown as DaySums;

export function addSums(a: DaySums, b: DaySums): DaySums {
  return Object.fromEntries(DAY_SUM_KEYS.map((k) => [k, a[k] + b[k]])) as unknown as DaySums;
}

/**
 * A member's visit day (a day with at least one completed purchase) as the visit histogram keeps
 * it: `prevDay` is the member's previous visit day (in the same scope: the store, or any store),
 * equal to `day` for the member's first visit ever; `ordinal` is 1 for the first, 2 for the
 * second, 3 for any later visit.
 */
export interface VisitCell {
  day: string;
  prevDay: string;
  ordinal: 1 | 2 | 3;
  members: number;
}

/**
 * The three sums over the histogram that give exact distinct counts for any range from…to:
 * - `first`: first visits ever inside the range (new buyers);
 * - `before`: visits inside the range whose previous visit is before the range — each member
 *   who had bought before and came back in the range has exactly one;
 * - `secondWithin`: second visits ever whose first visit is also in the range — each new buyer
 *   who came back within the range has exactly one.
 */
export interface VisitSums {
  first: number;
  before: number;
  secondWithin: number;
}

/** The sums over histogram cells for the range from…to; the store's SQL computes the same. */
export function visitSums(cells: Iterable<VisitCell>, from: string, to: string): VisitSums {
  const s = { first: 0, before: 0, secondWithin: 0 };
  for (const c of cells) {
    if (c.day < from || c.day > to) continue;
    if (c.ordinal === 1) s.first += c.members;
    else if (c.prevDay < from) s.before += c.members;
    else if (c.ordinal === 2) s.secondWithin += c.members;
  }
  return s;
}

export interface VisitCounts {
  /** Members with at least one completed purchase in the range. */
  active: number;
  /** Members whose first purchase ever (in the scope) is in the range. */
  newBuyers: number;
  /** Active members who, by the end of the range, had bought on at least two days. */
  returning: number;
}

export const visitCounts = (s: VisitSums): VisitCounts => ({ active: s.first + s.before, newBuyers: s.first, returning: s.before + s.secondWithin });

/** Round half up (away from zero for negatives) to a whole number. */
export function roundHalfUp(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
}

/** A share or rate to four decimals; null when the denominator is zero. */
export function rate(numerator: number, denominator: number, digits = 4): number | null {
  if (denominator === 0) return null;
  const f = 10 ** digits;
  return roundHalfUp((numerator / denominator) * f) / f;
}

/** An average in whole minor units, half up; null when there is nothing to average. */
export const average = (total: number, count: number): number | null => (count === 0 ? null : roundHalfUp(total / count));

export interface Kpis {
  /** Members enrolled by the end of the period (program-wide; null for a store). */
  members: number | null;
  newMembers: number | null;
  activeMembers: number;
  /**
   * activeMembers ÷ members; null when there are more active members than members (a member is
   * counted from enrolment, which some history may not have reached yet): never above 1.
   */
  activeShare: number | null;
  newBuyers: number;
  returningMembers: number;
  /** returningMembers ÷ activeMembers. */
  repeatPurchaseRate: number | null;
  /** memberPurchases ÷ activeMembers. */
  purchaseFrequency: number | null;
  memberPurchases: number;
  memberSales: number;
  memberPaid: number;
  memberAverageReceipt: number | null;
  anonymousPurchases: number;
  anonymousSales: number;
  anonymousAverageReceipt: number | null;
  /** memberSales ÷ (memberSales + anonymousSales). */
  memberSalesShare: number | null;
  /** memberAverageReceipt ÷ anonymousAverageReceipt − 1, from the unrounded averages. */
  averageReceiptUplift: number | null;
  memberReturns: number;
  memberRefunds: number;
  anonymousReturns: number;
  anonymousRefunds: number;
  /** memberSales + anonymousSales − memberRefunds − anonymousRefunds. */
  netSales: number;
  pointsSpent: number;
  pointsEarned: number;
  /** Ledger movements (program-wide; null for a store). */
  pointsIssued: number | null;
  pointsRedeemed: number | null;
  pointsExpired: number | null;
  pointsAdjusted: number | null;
}

/**
 * The KPIs of a period from its sums and visit counts. `membersAtEnd` is the number of members
 * enrolled by the period's end, or null when the report is for one store (members, new members
 * and the ledger belong to the program, not to a store).
 */
export function kpisOf(s: DaySums, v: VisitCounts, membersAtEnd: number | null): Kpis {
  const programWide = membersAtEnd !== null;
  const memberAverage = s.purchases === 0 ? null : s.sales / s.purchases;
  const anonAverage = s.anonPurchases === 0 ? null : s.anonSales / s.anonPurchases;
  return {
    members: membersAtEnd,
    newMembers: programWide ? s.newMembers : null,
    activeMembers: v.active,
    activeShare: programWide && v.active <= membersAtEnd ? rate(v.active, membersAtEnd) : null,
    newBuyers: v.newBuyers,
    returningMembers: v.returning,
    repeatPurchaseRate: rate(v.returning, v.active),
    purchaseFrequency: rate(s.purchases, v.active),
    memberPurchases: s.purchases,
    memberSales: s.sales,
    memberPaid: s.paid,
    memberAverageReceipt: average(s.sales, s.purchases),
    anonymousPurchases: s.anonPurchases,
    anonymousSales: s.anonSales,
    anonymousAverageReceipt: average(s.anonSales, s.anonPurchases),
    memberSalesShare: rate(s.sales, s.sales + s.anonSales),
    averageReceiptUplift: memberAverage === null || anonAverage === null || anonAverage === 0 ? null : rate(memberAverage - anonAverage, anonAverage),
    memberReturns: s.returns,
    memberRefunds: s.refunds,
    anonymousReturns: s.anonReturns,
    anonymousRefunds: s.anonRefunds,
    netSales: s.sales + s.anonSales - s.refunds - s.anonRefunds,
    pointsSpent: s.pointsSpent,
    pointsEarned: s.pointsEarned,
    pointsIssued: programWide ? s.issued : null,
    pointsRedeemed: programWide ? s.redeemed : null,
    pointsExpired: programWide ? s.expired : null,
    pointsAdjusted: programWide ? s.adjusted : null,
  };
}

export interface PointsSummary {
  issued: number;
  redeemed: number;
  expired: number;
  adjusted: number;
  /** Points on the books at the end of the range: everything issued − redeemed − expired + adjusted up to then. */
  outstanding: number;
  /** outstanding × pointValue, minor units. */
  liability: number;
  /** redeemed ÷ issued within the range. */
  redemptionRate: number | null;
  /** expired ÷ issued within the range. */
  breakageRate: number | null;
  /** The same two over the program's whole life up to the end of the range. */
  lifetimeRedemptionRate: number | null;
  lifetimeBreakageRate: number | null;
}

/** Points figures of a range (`range`) and of everything up to its end (`toDate`). */
export function pointsSummary(range: Pick<DaySums, 'issued' | 'redeemed' | 'expired' | 'adjusted'>, toDate: Pick<DaySums, 'issued' | 'redeemed' | 'expired' | 'adjusted'>, pointValue: number): PointsSummary {
  const outstanding = toDate.issued - toDate.redeemed - toDate.expired + toDate.adjusted;
  return {
    issued: range.issued,
    redeemed: range.redeemed,
    expired: range.expired,
    adjusted: range.adjusted,
    outstanding,
    liability: outstanding * pointValue,
    redemptionRate: rate(range.redeemed, range.issued),
    breakageRate: rate(range.expired, range.issued),
    lifetimeRedemptionRate: rate(toDate.redeemed, toDate.issued),
    lifetimeBreakageRate: rate(toDate.expired, toDate.issued),
  };
}
