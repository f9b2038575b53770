import { roundHalfUp } from '../../domain/analytics/kpis.js';
import { addDays, checkRange, dayIn, daysBetween, startOfDayIn } from '../../domain/analytics/periods.js';
import { addValue, emptyMoments, returnOnCost, welchUplift, type Interval, type NoIntervalReason, type Uplift } from '../../domain/analytics/uplift.js';
import { DomainError } from '../../domain/errors.js';
import { inControlGroup } from '../../domain/rules/control-group.js';
import type { Block, Campaign } from '../../domain/rules/types.js';
import { effectSums, populationOutcomes, type EffectSums } from '../../store/analytics-campaigns.js';
import { findDefinition, listDefinitions, type CampaignStatus, type DefinitionRow } from '../../store/rules.js';
import type { AppContext } from '../context.js';
import { getAnalyticsSettings } from './settings.js';

/** The confidence level of every interval in the report. */
export const CONFIDENCE = 0.95;
/** The shortest lookback that defines a comparison's population, in days (docs/adr/0015). */
export const MIN_LOOKBACK_DAYS = 28;

export interface CampaignSummary {
  campaignId: string;
  name: string;
  block: Block;
  status: CampaignStatus;
  controlGroupPercent: number;
  schedule: { from: string | null; to: string | null };
  membersReached: number;
  memberReceipts: number;
  anonymousReceipts: number;
  receipts: number;
  /** Receipt totals of the receipts with an effect, minor units. */
  revenue: number;
  cost: {
    /** Points the campaign gave, and their value at the program's point value (minor units). */
    points: number;
    pointsValue: number;
    /** Money discounts, minor units. */
    discount: number;
    /** pointsValue + discount. */
    total: number;
  };
}

export interface CampaignsReport {
  from: string;
  to: string;
  currency: string;
  pointValue: number;
  campaigns: CampaignSummary[];
}

export interface GroupFigures {
  members: number;
  meanSpend: number | null;
  meanVisits: number | null;
}

export interface UpliftFigures {
  treatment: number | null;
  control: number | null;
  absolute: number | null;
  absoluteInterval: Interval | null;
  relative: number | null;
  relativeInterval: Interval | null;
  reason: NoIntervalReason | null;
}

export interface Comparison {
  /** The days compared: the report's range within the campaign's schedule, up to today. */
  windowFrom: string;
  windowTo: string;
  /**
   * The population: members who bought from lookbackFrom to the day before populationFrom, or
   * enrolled from populationFrom to windowTo. populationFrom is the campaign's first day (or the
   * window's, for a campaign without a start), so the population is drawn before the campaign.
   */
  populationFrom: string;
  lookbackFrom: string;
  treatment: GroupFigures;
  control: GroupFigures;
  /** Per member of the population over the window: spend in minor units, visits in days. */
  spend: UpliftFigures;
  visits: UpliftFigures;
  /** Spend uplift × treatment members, minor units, and its interval. */
  incrementalRevenue: number | null;
  incrementalRevenueInterval: Interval | null;
  /** incrementalRevenue × marginPercent ÷ 100. */
  incrementalMargin: number | null;
  incrementalMarginInterval: Interval | null;
  /** What the campaign's effects on members' receipts cost (the figure the return is measured against). */
  memberCost: number;
  /** (incrementalMargin − memberCost) ÷ memberCost, and its interval. */
  roi: number | null;
  roiInterval: Interval | null;
}

export type NoComparisonReason = 'no_control_group' | 'no_window';

export interface CampaignReport extends CampaignSummary {
  from: string;
  to: string;
  currency: string;
  pointValue: number;
  marginPercent: number;
  confidence: number;
  comparison: Comparison | null;
  /** Why there is no comparison, when there is none. */
  noComparison: NoComparisonReason | null;
}

interface Range {
  from: string;
  to: string;
}

function summaryOf(row: DefinitionRow<CampaignStatus>, sums: EffectSums | undefined, pointValue: number): CampaignSummary {
  const c = row.definition as Campaign;
  const s = sums ?? { membersReached: 0, memberReceipts: 0, anonymousReceipts: 0, points: 0, memberDiscount: 0, anonymousDiscount: 0, memberRevenue: 0, anonymousRevenue: 0 };
  const pointsValue = s.points * pointValue;
  const discount = s.memberDiscount + s.anonymousDiscount;
  return {
    campaignId: row.id,
    name: c.name,
    block: c.block,
    status: row.status,
    controlGroupPercent: c.controlGroupPercent,
    schedule: { from: c.schedule.from ?? null, to: c.schedule.to ?? null },
    membersReached: s.membersReached,
    memberReceipts: s.memberReceipts,
    anonymousReceipts: s.anonymousReceipts,
    receipts: s.memberReceipts + s.anonymousReceipts,
    revenue: s.memberRevenue + s.anonymousRevenue,
    cost: { points: s.points, pointsValue, discount, total: pointsValue + discount },
  };
}

/** Whether the campaign could apply on some day of the range: active or paused, and its schedule overlaps it. */
function liveIn(row: DefinitionRow<CampaignStatus>, r: Range): boolean {
  const c = row.definition as Campaign;
  return (row.status === 'active' || row.status === 'paused') && (c.schedule.from ?? r.from) <= r.to && (c.schedule.to ?? r.to) >= r.from;
}

async function scope(ctx: AppContext, programId: string, q: Range) {
  checkRange(q.from, q.to);
  const { settings } = await ctx.programs.get(programId);
  const start = startOfDayIn(q.from, settings.timeZone);
  const end = startOfDayIn(addDays(q.to, 1), settings.timeZone);
  return { settings, start, end, today: dayIn(ctx.clock(), settings.timeZone) };
}

/**
 * Every campaign that had effects in the range or could apply in it (active or paused, its
 * schedule overlapping the range): reach, receipts, revenue and cost (docs/analytics.md, "Campaigns").
 */
export async function listCampaignResults(ctx: AppContext, programId: string, q: Range): Promise<CampaignsReport> {
  const { settings, start, end } = await scope(ctx, programId, q);
  const [rows, sums] = await Promise.all([listDefinitions<CampaignStatus>(ctx.db, 'campaigns', programId), effectSums(ctx.db, programId, start, end)]);
  const campaigns = rows.filter((r) => sums.has(r.id) || liveIn(r, q)).map((r) => summaryOf(r, sums.get(r.id), settings.pointValue));
  return { from: q.from, to: q.to, currency: settings.currency, pointValue: settings.pointValue, campaigns };
}

const money = (x: number | null): number | null => (x === null ? null : roundHalfUp(x));
const decimals = (x: number | null): number | null => (x === null ? null : roundHalfUp(x * 10_000) / 10_000);
const scaled = (i: Interval | null, f: (x: number) => number | null): Interval | null => (i === null ? null : { low: f(i.low)!, high: f(i.high)! });

function upliftFigures(u: Uplift, round: (x: number | null) => number | null): UpliftFigures {
  return {
    treatment: round(u.treatmentMean),
    control: round(u.controlMean),
    absolute: round(u.absolute),
    absoluteInterval: scaled(u.absoluteInterval, round),
    relative: decimals(u.relative),
    relativeInterval: scaled(u.relativeInterval, decimals),
    reason: u.reason,
  };
}

/** The days a comparison looks at (docs/adr/0015), or why there is none. */
function comparisonDays(c: Campaign, q: Range, today: string): NoComparisonReason | { windowFrom: string; windowTo: string; populationFrom: string; lookbackFrom: string } {
  if (!(c.controlGroupPercent > 0)) return 'no_control_group';
  const windowFrom = [q.from, c.schedule.from ?? q.from].sort().at(-1)!;
  const windowTo = [q.to, c.schedule.to ?? q.to, today].sort()[0]!;
  if (windowFrom > windowTo) return 'no_window';
  const populationFrom = c.schedule.from !== undefined && c.schedule.from < windowFrom ? c.schedule.from : windowFrom;
  const lookbackFrom = addDays(populationFrom, -Math.max(daysBetween(windowFrom, windowTo) + 1, MIN_LOOKBACK_DAYS));
  return { windowFrom, windowTo, populationFrom, lookbackFrom };
}

/**
 * One campaign's figures and, when it has a control group, the comparison of its treatment and
 * control populations over the window (docs/analytics.md, "Campaigns"; the populations:
 * docs/adr/0015-campaign-uplift.md).
 */
export async function getCampaignResults(ctx: AppContext, programId: string, campaignId: string, q: Range & { marginPercent?: number | undefined }): Promise<CampaignReport> {
  const { settings, start, end, today } = await scope(ctx, programId, q);
  const row = await findDefinition<CampaignStatus>(ctx.db, 'campaigns', programId, campaignId);
  if (!row) throw new DomainError('CAMPAIGN_NOT_FOUND', `no campaign ${campaignId}`);
  const c = row.definition as Campaign;
  const days = comparisonDays(c, q, today);
  // The effects, the settings and the comparison's population are independent reads: in parallel.
  const [sums, analytics, outcomes] = await Promise.all([
    effectSums(ctx.db, programId, start, end, campaignId),
    getAnalyticsSettings(ctx, programId),
    typeof days === 'string'
      ? Promise.resolve([])
      : populationOutcomes(ctx.db, {
          programId,
          timeZone: settings.timeZone,
          lookbackStart: startOfDayIn(days.lookbackFrom, settings.timeZone),
          populationStart: startOfDayIn(days.populationFrom, settings.timeZone),
          windowStart: startOfDayIn(days.windowFrom, settings.timeZone),
          windowEnd: startOfDayIn(addDays(days.windowTo, 1), settings.timeZone),
        }),
  ]);
  const s = sums.get(campaignId);
  const summary = summaryOf(row, s, settings.pointValue);
  const marginPercent = q.marginPercent ?? analytics.marginPercent;
  const report = { ...summary, from: q.from, to: q.to, currency: settings.currency, pointValue: settings.pointValue, marginPercent, confidence: CONFIDENCE };
  if (typeof days === 'string') return { ...report, comparison: null, noComparison: days };
  const { windowFrom, windowTo, populationFrom, lookbackFrom } = days;
  const groups = { treatment: { spend: emptyMoments(), visits: emptyMoments() }, control: { spend: emptyMoments(), visits: emptyMoments() } };
  for (const o of outcomes) {
    const g = inControlGroup(campaignId, o.memberId, c.controlGroupPercent) ? groups.control : groups.treatment;
    addValue(g.spend, o.spend);
    addValue(g.visits, o.visits);
  }
  const spend = welchUplift(groups.treatment.spend, groups.control.spend, CONFIDENCE);
  const visits = welchUplift(groups.treatment.visits, groups.control.visits, CONFIDENCE);
  const treated = groups.treatment.spend.n;
  const revenueOf = (x: number) => x * treated;
  const marginOf = (x: number) => (revenueOf(x) * marginPercent) / 100;
  const memberCost = (s?.points ?? 0) * settings.pointValue + (s?.memberDiscount ?? 0);
  const roiOf = (x: number) => returnOnCost(marginOf(x), memberCost);
  const group = (g: typeof groups.treatment): GroupFigures => ({ members: g.spend.n, meanSpend: money(g.spend.n > 0 ? g.spend.mean : null), meanVisits: decimals(g.visits.n > 0 ? g.visits.mean : null) });
  const absolute = spend.absolute;
  const comparison: Comparison = {
    windowFrom,
    windowTo,
    populationFrom,
    lookbackFrom,
    treatment: group(groups.treatment),
    control: group(groups.control),
    spend: upliftFigures(spend, money),
    visits: upliftFigures(visits, decimals),
    incrementalRevenue: absolute === null ? null : money(revenueOf(absolute)),
    incrementalRevenueInterval: scaled(spend.absoluteInterval, (x) => money(revenueOf(x))),
    incrementalMargin: absolute === null ? null : money(marginOf(absolute)),
    incrementalMarginInterval: scaled(spend.absoluteInterval, (x) => money(marginOf(x))),
    memberCost,
    roi: absolute === null ? null : decimals(roiOf(absolute)),
    roiInterval: memberCost > 0 ? scaled(spend.absoluteInterval, (x) => decimals(roiOf(x))) : null,
  };
  return { ...report, comparison, noComparison: null };
}
