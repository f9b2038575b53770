import { roundHalfUp } from '../../domain/analytics/kpis.js';
import { addDays, checkRange, dayIn, daysBetween, startOfDayIn } from '../../domain/analytics/periods.js';
import { addValue, emptyMoments, returnOnCost, welchUplift, type Interval, type NoIntervalReason, type Uplift } from '../../domain/analytics/uplift.js';
import { DomainError } from '../../domain/errors.js';
import { inControlGroup } from '../../domain/rules/control-group.js';
import { scheduleSlots, slotsOnDay, type ScheduleSlots } from '../../domain/rules/schedule.js';
import type { Block, Campaign } from '../../domain/rules/types.js';
import { effectSums, populationOutcomes, type EffectSums } from '../../store/analytics-campaigns.js';
import { comparisonMoments, findComparison, type GroupMoments, type StoredComparison } from '../../store/campaign-comparisons.js';
import { campaignsFirstInForce, findDefinition, listDefinitions, type CampaignStatus, type DefinitionRow } from '../../store/rules.js';
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
  /**
   * Whether the difference is measurable: its 95 % interval leaves out zero. When false, no
   * figure of it may be stated as an effect of the campaign (the panel says "no measurable effect yet").
   */
  significant: boolean;
}

export interface Comparison {
  /**
   * The days compared: the report's range within the campaign's life — from the day it first
   * became active (published) or its schedule's start, whichever is later, to its end — up to
   * today. Only purchases in the schedule's weekdays and hours count.
   */
  windowFrom: string;
  windowTo: string;
  /**
   * The population: members who bought from lookbackFrom to the day before populationFrom, or
   * enrolled from populationFrom to windowTo. populationFrom is the campaign's first day (or the
   * window's, for a campaign without a start), so the population is drawn before the campaign.
   */
  populationFrom: string;
  lookbackFrom: string;
  /**
   * `aggregates`: the analytics job's stored rows, as of `asOf` (the start of its last run), used
   * when the range covers the campaign's window; `live`: read from the purchases on request
   * (a part of the window, or before the job has run), as of the request.
   */
  source: ComparisonSource;
  asOf: string;
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

/**
 * Why a report has no comparison: the campaign has no control group; it did not run on any day or
 * hour of the range (not yet published, outside its dates, weekdays or hours); or it has reached
 * no member in the range yet (no data to compare).
 */
export type NoComparisonReason = 'no_control_group' | 'no_window' | 'no_reach';

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
    significant: u.absoluteInterval !== null && (u.absoluteInterval.low > 0 || u.absoluteInterval.high < 0),
  };
}

/** The days of a comparison (docs/adr/0015): the window compared, and the population's bounds. */
export interface ComparisonDays {
  windowFrom: string;
  windowTo: string;
  populationFrom: string;
  lookbackFrom: string;
}

const lookbackFor = (populationFrom: string, windowFrom: string, windowTo: string): string => addDays(populationFrom, -Math.max(daysBetween(windowFrom, windowTo) + 1, MIN_LOOKBACK_DAYS));

/** The campaign's first day: the day it first became active (was published), or its schedule's start if later. */
const campaignStart = (c: Campaign, activeDay: string): string => (c.schedule.from !== undefined && c.schedule.from > activeDay ? c.schedule.from : activeDay);

/** Whether the schedule's weekdays leave any day of [from, to] (every day, without weekdays). */
function anyScheduledDay(slots: ScheduleSlots | null, from: string, to: string): boolean {
  for (let d = from, i = 0; d <= to && i < 7; d = addDays(d, 1), i++) if (slotsOnDay(slots, d)) return true;
  return false;
}

/**
 * The days a comparison over the report's range looks at (docs/adr/0015), or why there is none:
 * the range within the campaign's life, from the day it first became active (`activeDay`, null
 * when it never was) or its schedule's start, to its end and today; none when no day of it is one
 * of the schedule's weekdays.
 */
function comparisonDays(c: Campaign, activeDay: string | null, q: Range, today: string): NoComparisonReason | ComparisonDays {
  if (!(c.controlGroupPercent > 0)) return 'no_control_group';
  if (activeDay === null) return 'no_window';
  const start = campaignStart(c, activeDay);
  const windowFrom = [q.from, start].sort().at(-1)!;
  const windowTo = [q.to, c.schedule.to ?? q.to, today].sort()[0]!;
  if (windowFrom > windowTo || !anyScheduledDay(scheduleSlots(c.schedule), windowFrom, windowTo)) return 'no_window';
  const populationFrom = start < windowFrom ? start : windowFrom;
  return { windowFrom, windowTo, populationFrom, lookbackFrom: lookbackFor(populationFrom, windowFrom, windowTo) };
}

/**
 * The days of the campaign's own comparison, the one the analytics job stores (docs/adr/0017):
 * from its first day (the day it first became active, or its schedule's start if later) to its
 * last, up to `today`; null before it begins. Over the same window the live comparison draws the
 * same population.
 */
export function campaignComparisonDays(c: Campaign, activeDay: string, today: string): ComparisonDays | null {
  const windowFrom = campaignStart(c, activeDay);
  const windowTo = [c.schedule.to ?? today, today].sort()[0]!;
  if (windowFrom > windowTo) return null;
  return { windowFrom, windowTo, populationFrom: windowFrom, lookbackFrom: lookbackFor(windowFrom, windowFrom, windowTo) };
}

/** The schedule's weekly slots as the stored comparison records them ('' for every hour). */
export const slotsKey = (c: Campaign): string => {
  const slots = scheduleSlots(c.schedule);
  return slots === null ? '' : JSON.stringify(slots);
};

/** Where a comparison's figures come from: the job's stored rows, or the purchases read on request. */
export type ComparisonSource = 'aggregates' | 'live';

interface ComparedGroups {
  groups: { treatment: GroupMoments; control: GroupMoments };
  days: ComparisonDays;
  source: ComparisonSource;
  asOf: Date;
}

/**
 * Whether the stored comparison answers the report: it is for the campaign's current first day
 * and time zone, the range starts on or before that day, and the range's window reaches the last
 * day the job has stored (later days, up to today, are what the job has not seen yet: `asOf`).
 */
const covers = (stored: StoredComparison, c: Campaign, activeDay: string, timeZone: string, q: Range, days: ComparisonDays): boolean =>
  stored.timeZone === timeZone && campaignStart(c, activeDay) === stored.windowFrom && stored.slots === slotsKey(c) && q.from <= stored.windowFrom && days.windowTo >= stored.windowTo;

/**
 * The treatment and control groups' moments over the window: from the stored comparison when it
 * covers the same window (the report's range holds the campaign's whole window as far as the job
 * has brought it: docs/adr/0017), else from the purchases around the campaign, read now.
 */
async function comparisonGroups(ctx: AppContext, programId: string, c: Campaign, campaignId: string, activeDay: string, timeZone: string, q: Range, days: ComparisonDays): Promise<ComparedGroups> {
  const stored = await findComparison(ctx.db, programId, campaignId);
  if (stored && covers(stored, c, activeDay, timeZone, q, days)) {
    const groups = await comparisonMoments(ctx.db, programId, campaignId, Math.round(c.controlGroupPercent * 100));
    return { groups, days: stored, source: 'aggregates', asOf: stored.aggregatedAt };
  }
  const asOf = ctx.clock();
  const outcomes = await populationOutcomes(ctx.db, {
    programId,
    timeZone,
    lookbackStart: startOfDayIn(days.lookbackFrom, timeZone),
    populationStart: startOfDayIn(days.populationFrom, timeZone),
    windowStart: startOfDayIn(days.windowFrom, timeZone),
    windowEnd: startOfDayIn(addDays(days.windowTo, 1), timeZone),
    slots: scheduleSlots(c.schedule),
  });
  const groups = { treatment: { spend: emptyMoments(), visits: emptyMoments() }, control: { spend: emptyMoments(), visits: emptyMoments() } };
  for (const o of outcomes) {
    const g = inControlGroup(campaignId, o.memberId, c.controlGroupPercent) ? groups.control : groups.treatment;
    addValue(g.spend, o.spend);
    addValue(g.visits, o.visits);
  }
  return { groups, days, source: 'live', asOf };
}

/**
 * One campaign's figures and, when it has a control group, the comparison of its treatment and
 * control populations over the window (docs/analytics.md, "Campaigns"; the populations:
 * docs/adr/0015-campaign-uplift.md; stored by the job: docs/adr/0017).
 */
export async function getCampaignResults(ctx: AppContext, programId: string, campaignId: string, q: Range & { marginPercent?: number | undefined }): Promise<CampaignReport> {
  const { settings, start, end, today } = await scope(ctx, programId, q);
  const row = await findDefinition<CampaignStatus>(ctx.db, 'campaigns', programId, campaignId);
  if (!row) throw new DomainError('CAMPAIGN_NOT_FOUND', `no campaign ${campaignId}`);
  const c = row.definition as Campaign;
  const activeAt = (await campaignsFirstInForce(ctx.db, programId, campaignId)).get(campaignId);
  const activeDay = activeAt === undefined || activeAt > ctx.clock() ? null : dayIn(activeAt, settings.timeZone);
  const requested = comparisonDays(c, activeDay, q, today);
  // The effects and the settings are independent reads: in parallel. The comparison only when the
  // campaign has reached someone in the range: before that there is nothing to measure.
  const [sums, analytics] = await Promise.all([effectSums(ctx.db, programId, start, end, campaignId), getAnalyticsSettings(ctx, programId)]);
  const s = sums.get(campaignId);
  const reached = (s?.membersReached ?? 0) > 0;
  const compared = typeof requested === 'string' ? requested : !reached ? 'no_reach' : await comparisonGroups(ctx, programId, c, campaignId, activeDay!, settings.timeZone, q, requested);
  const summary = summaryOf(row, s, settings.pointValue);
  const marginPercent = q.marginPercent ?? analytics.marginPercent;
  const report = { ...summary, from: q.from, to: q.to, currency: settings.currency, pointValue: settings.pointValue, marginPercent, confidence: CONFIDENCE };
  if (typeof compared === 'string') return { ...report, comparison: null, noComparison: compared };
  const { groups, source, asOf } = compared;
  const { windowFrom, windowTo, populationFrom, lookbackFrom } = compared.days;
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
    source,
    asOf: asOf.toISOString(),
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
