/**
 * Validation of a rule set on save: the schema first (shape, types, ranges), then what a schema
 * cannot say (dates that exist, ranges in order, lists that must not be empty, references to
 * tiers, segments and coupon series). Every error carries the JSON pointer of the bad part.
 */
import { DomainError, type FieldError } from '../errors.js';
import { dayNumber, minuteOfDay } from './schedule.js';
import { schemaErrors } from './schema-check.js';
import { RuleSet, type Campaign, type Condition, type Effect, type LineFilter, type Schedule, type Tier } from './types.js';

export interface ValidateOptions {
  /** When given, audiences may name only these segments. */
  segmentIds?: Iterable<string>;
  /** When given, campaigns may name only these coupon series. */
  couponSeriesIds?: Iterable<string>;
}

/** Checks a rule set and returns it typed; throws INVALID_RULES listing every bad part. */
export function validateRuleSet(value: unknown, options: ValidateOptions = {}): RuleSet {
  const errors = ruleSetErrors(value, options);
  if (errors.length > 0) {
    const shown = errors.slice(0, 10).map((e) => `${e.pointer}: ${e.detail}`).join('; ');
    throw new DomainError('INVALID_RULES', errors.length > 10 ? `${shown}; and ${errors.length - 10} more` : shown, { errors });
  }
  return value as RuleSet;
}

/** Every error in a rule set, schema errors first; empty when it is valid. */
export function ruleSetErrors(value: unknown, options: ValidateOptions = {}): FieldError[] {
  const shape = schemaErrors(RuleSet, value);
  if (shape.length > 0) return shape;
  const rules = value as RuleSet;
  const errors: FieldError[] = [];
  const bad = (pointer: string, detail: string) => errors.push({ pointer, detail });
  const known = {
    tiers: new Set(rules.tiers.map((t) => t.id)),
    segments: options.segmentIds ? new Set(options.segmentIds) : null,
    series: options.couponSeriesIds ? new Set(options.couponSeriesIds) : null,
  };
  firstDuplicates(rules.campaigns.map((c) => c.id)).forEach((first, i) => bad(`/campaigns/${i}/id`, `is the id of campaign ${first} too`));
  rules.campaigns.forEach((c, i) => checkCampaign(c, `/campaigns/${i}`, known, bad));
  firstDuplicates(rules.tiers.map((t) => t.id)).forEach((first, i) => bad(`/tiers/${i}/id`, `is the id of tier ${first} too`));
  firstDuplicates(rules.tiers.map((t) => String(t.rank))).forEach((first, i) => bad(`/tiers/${i}/rank`, `is the rank of tier ${first} too`));
  if (rules.tiers.length > 0 && !rules.tierPolicy) bad('/tierPolicy', 'is required when there are tiers');
  rules.tiers.forEach((t, i) => checkTier(t, `/tiers/${i}`, rules.tiers, bad));
  return errors;
}

type Bad = (pointer: string, detail: string) => void;
interface Known {
  tiers: Set<string>;
  segments: Set<string> | null;
  series: Set<string> | null;
}

/** Index → index of the first earlier element equal to it, for every repeated element. */
function firstDuplicates(values: string[]): Map<number, number> {
  const seen = new Map<string, number>();
  const dupes = new Map<number, number>();
  values.forEach((v, i) => {
    const first = seen.get(v);
    if (first === undefined) seen.set(v, i);
    else dupes.set(i, first);
  });
  return dupes;
}

/** At most two decimals: 12.5 and 0.01 are fine, 0.001 is not (compared with a tolerance: 1.1 × 100 ≠ 110 in floating point). */
export const hasTwoDecimals = (x: number) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6;

function checkCampaign(c: Campaign, at: string, known: Known, bad: Bad): void {
  if (c.kind === 'event') {
    if (c.eventType === undefined) bad(`${at}/eventType`, 'is required for an event campaign');
    if (c.couponSeriesId !== undefined) bad(`${at}/couponSeriesId`, 'event campaigns take no coupon');
    c.effects.forEach((e, j) => e.kind !== 'points_fixed' && bad(`${at}/effects/${j}/kind`, 'an event campaign gives points_fixed only'));
    c.conditions.forEach((k, j) => k.kind !== 'event_attribute' && bad(`${at}/conditions/${j}/kind`, 'an event campaign has event_attribute conditions only'));
  } else {
    if (c.eventType !== undefined) bad(`${at}/eventType`, 'only event campaigns have an event type');
    c.conditions.forEach((k, j) => k.kind === 'event_attribute' && bad(`${at}/conditions/${j}/kind`, 'event_attribute is for event campaigns'));
  }
  checkSchedule(c.schedule, `${at}/schedule`, bad);
  c.audience.forEach((a, j) => {
    const p = `${at}/audience/${j}`;
    switch (a.kind) {
      case 'tiers':
        nonEmpty(a.tierIds, `${p}/tierIds`, bad);
        a.tierIds.forEach((id, k) => !known.tiers.has(id) && bad(`${p}/tierIds/${k}`, `no tier ${id} in this rule set`));
        break;
      case 'segments':
        nonEmpty(a.segmentIds, `${p}/segmentIds`, bad);
        a.segmentIds.forEach((id, k) => known.segments && !known.segments.has(id) && bad(`${p}/segmentIds/${k}`, `no segment ${id}`));
        break;
      case 'attribute':
        if (a.op === 'in' || a.op === 'not_in') nonEmpty(a.values, `${p}/values`, bad);
        break;
      case 'member':
      case 'birthday':
      case 'first_purchase':
      case 'nth_purchase':
      case 'lapsed':
      case 'new_member':
        break;
    }
  });
  c.conditions.forEach((k, j) => checkCondition(k, `${at}/conditions/${j}`, bad));
  c.effects.forEach((e, j) => checkEffect(e, `${at}/effects/${j}`, bad));
  const perReceipt = c.limits.perReceipt;
  if (perReceipt && perReceipt.discount === undefined && perReceipt.points === undefined) bad(`${at}/limits/perReceipt`, 'must cap the discount, the points or both');
  if (c.budget && c.budget.points === undefined && c.budget.money === undefined) bad(`${at}/budget`, 'must set points, money or both');
  if (!hasTwoDecimals(c.controlGroupPercent) || c.controlGroupPercent >= 100) bad(`${at}/controlGroupPercent`, 'must be below 100 with at most two decimals');
  if (c.couponSeriesId !== undefined && known.series && !known.series.has(c.couponSeriesId)) bad(`${at}/couponSeriesId`, `no coupon series ${c.couponSeriesId}`);
}

function checkSchedule(s: Schedule, at: string, bad: Bad): void {
  const from = s.from === undefined ? undefined : dayNumber(s.from);
  const to = s.to === undefined ? undefined : dayNumber(s.to);
  if (from === null) bad(`${at}/from`, `${s.from} is not a date`);
  if (to === null) bad(`${at}/to`, `${s.to} is not a date`);
  if (typeof from === 'number' && typeof to === 'number' && to < from) bad(`${at}/to`, 'is before from');
  if (s.weekdays) {
    nonEmpty(s.weekdays, `${at}/weekdays`, bad);
    firstDuplicates(s.weekdays.map(String)).forEach((_, i) => bad(`${at}/weekdays/${i}`, 'is listed twice'));
  }
  if (s.hours) nonEmpty(s.hours, `${at}/hours`, bad);
  s.hours?.forEach((h, i) => {
    const f = minuteOfDay(h.from);
    const t = minuteOfDay(h.to);
    if (f === null) bad(`${at}/hours/${i}/from`, 'must be a time from 00:00 to 24:00');
    if (t === null) bad(`${at}/hours/${i}/to`, 'must be a time from 00:00 to 24:00');
    if (f !== null && t !== null && f % 1440 === t % 1440) bad(`${at}/hours/${i}/to`, 'must differ from from (a window of no time, or of a whole day: leave hours out)');
  });
}

function nonEmpty(list: readonly unknown[], at: string, bad: Bad): void {
  if (list.length === 0) bad(at, 'must not be empty');
}

function checkFilter(f: LineFilter | undefined, at: string, bad: Bad): void {
  if (!f) return;
  const lists = ['skus', 'categories', 'excludeSkus', 'excludeCategories'] as const;
  for (const key of lists) if (f[key]) nonEmpty(f[key], `${at}/${key}`, bad);
  if (lists.every((k) => f[k] === undefined)) bad(at, 'must name skus or categories (leave lines out to mean every line)');
  f.skus?.forEach((s, i) => f.excludeSkus?.includes(s) && bad(`${at}/skus/${i}`, `${s} is excluded too`));
  f.categories?.forEach((s, i) => f.excludeCategories?.includes(s) && bad(`${at}/categories/${i}`, `${s} is excluded too`));
}

function checkCondition(k: Condition, at: string, bad: Bad): void {
  switch (k.kind) {
    case 'total':
    case 'quantity':
      if (k.min === undefined && k.max === undefined) bad(at, 'must set min, max or both');
      if (k.min !== undefined && k.max !== undefined && k.max < k.min) bad(`${at}/max`, 'is below min');
      checkFilter(k.lines, `${at}/lines`, bad);
      break;
    case 'lines':
      checkFilter(k.lines, `${at}/lines`, bad);
      if (!k.lines.skus && !k.lines.categories) bad(`${at}/lines`, 'must name skus or categories');
      break;
    case 'store':
      nonEmpty(k.storeIds, `${at}/storeIds`, bad);
      break;
    case 'channel':
      nonEmpty(k.channels, `${at}/channels`, bad);
      break;
    case 'event_attribute':
      if (k.op === 'in' || k.op === 'not_in') nonEmpty(k.values, `${at}/values`, bad);
      break;
  }
}

function checkEffect(e: Effect, at: string, bad: Bad): void {
  if ('lines' in e) checkFilter(e.lines, `${at}/lines`, bad);
  const positivePercent = (p: number, key: string) => (p > 0 && hasTwoDecimals(p)) || bad(`${at}/${key}`, 'must be above 0 and at most 100, with at most two decimals');
  switch (e.kind) {
    case 'points_fixed':
    case 'points_per_item':
    case 'points_per_amount':
      if (e.points < 1) bad(`${at}/points`, 'must be at least 1');
      break;
    case 'points_percent':
    case 'discount_percent':
      positivePercent(e.percent, 'percent');
      break;
    case 'points_multiplier':
      if (!(e.multiplier > 1 && hasTwoDecimals(e.multiplier))) bad(`${at}/multiplier`, 'must be above 1 with at most two decimals');
      break;
    case 'discount_fixed':
      if (e.amount < 1) bad(`${at}/amount`, 'must be at least 1 minor unit');
      break;
    case 'cheapest_free':
      if (e.count > e.minQuantity) bad(`${at}/count`, 'must not be more than minQuantity');
      break;
    case 'nth_item':
      if ('percent' in e) positivePercent(e.percent, 'percent');
      break;
  }
}

function checkTier(t: Tier, at: string, tiers: readonly Tier[], bad: Bad): void {
  if (!hasTwoDecimals(t.benefits.earnMultiplier)) bad(`${at}/benefits/earnMultiplier`, 'must have at most two decimals');
  if (!hasTwoDecimals(t.benefits.discountPercent)) bad(`${at}/benefits/discountPercent`, 'must have at most two decimals');
  const below = tiers.filter((o) => o.rank < t.rank && o.qualification.metric === t.qualification.metric);
  const blocker = below.find((o) => o.qualification.min >= t.qualification.min);
  if (blocker) bad(`${at}/qualification/min`, `must be above ${blocker.qualification.min}, the ${t.qualification.metric} of the lower tier ${blocker.id}`);
}
