/**
 * Compiling a rule set version: each campaign becomes a few closures over precomputed data
 * (Sets of SKUs and categories, schedule bounds as day numbers and minutes, effect arithmetic),
 * sorted once in the order evaluation walks them. Compile once per (rules version, settings
 * version) and keep the result; evaluating against it allocates little and reads nothing.
 */
import { currencyMinorUnits, type ProgramSettings } from '../settings.js';
import { compileDiscount, compilePoints, describeEffect, isDiscount, type DiscountEffect, type DiscountFn, type PointsEffect, type PointsFn } from './effects.js';
import { compileFilter, FilterIndex, type LineTest } from './lines.js';
import { compileAudience, compileCondition, type Check, type Money } from './predicates.js';
import { compileSchedule, type CompiledSchedule } from './schedule.js';
import type { Campaign, RuleSet, Tier, TierPolicy } from './types.js';
import { validateRuleSet, type ValidateOptions } from './validate.js';

export interface CompiledDiscount {
  /** Index of the effect in the campaign's `effects`. */
  index: number;
  effect: DiscountEffect;
  apply: DiscountFn;
  text: string;
}

export interface CompiledPoints {
  index: number;
  effect: PointsEffect;
  apply: PointsFn;
  text: string;
}

export interface CompiledCampaign {
  id: string;
  source: Campaign;
  schedule: CompiledSchedule;
  audience: Check[];
  conditions: Check[];
  discounts: CompiledDiscount[];
  points: CompiledPoints[];
  /** Hundredths of a percent of members held back (0 = no control group). */
  controlBasisPoints: number;
  /**
   * Needs a member on the receipt: it has an audience or a per-member limit, or it only gives
   * points (nobody to give them to otherwise). Receipts without a member are outside control
   * groups: they get a campaign that needs no member.
   */
  needsMember: boolean;
}

export interface CompiledRules {
  settings: ProgramSettings;
  /** Purchase campaigns, highest priority first, then by id. */
  purchase: CompiledCampaign[];
  /** Event campaigns by event type, in the same order. */
  events: ReadonlyMap<string, CompiledCampaign[]>;
  tiers: ReadonlyMap<string, Tier>;
  /** Tiers by rank, lowest first. */
  tierList: readonly Tier[];
  tierPolicy: TierPolicy | null;
  /** Lines the program's main scheme excludes from earning; campaign points skip them too. */
  earnExcluded: LineTest;
  /**
   * Lines that may not be paid with points; the program pays none of their price, so campaign
   * and tier discounts skip them too (docs/adr/0022-legal-texts-and-exclusions.md).
   */
  redeemExcluded: LineTest;
  money: Money;
}

/** Orders campaigns as evaluation walks them: higher priority first, ties by id. */
export const byPriority = (a: Campaign, b: Campaign) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Validates (INVALID_RULES) and compiles a rule set for a program's settings.
 *
 *   const compiled = compileRules(ruleSet, settings);
 *   evaluatePurchase(compiled, { receipt, member, facts, pointsToSpend: 0, occurredAt });
 */
export function compileRules(ruleSet: unknown, settings: ProgramSettings, options: ValidateOptions = {}): CompiledRules {
  const rules: RuleSet = validateRuleSet(ruleSet, options);
  const digits = currencyMinorUnits(settings.currency);
  const money: Money = (minor) => `${(minor / 10 ** digits).toFixed(digits)} ${settings.currency}`;
  const sorted = [...rules.campaigns].sort(byPriority);
  const filters = new FilterIndex();
  const compiled = sorted.map((c) => compileCampaign(c, settings, money, filters));
  const events = new Map<string, CompiledCampaign[]>();
  for (const c of compiled) {
    if (c.source.kind !== 'event') continue;
    const type = c.source.eventType ?? '';
    events.set(type, [...(events.get(type) ?? []), c]);
  }
  return {
    settings,
    purchase: compiled.filter((c) => c.source.kind === 'purchase'),
    events,
    tiers: new Map(rules.tiers.map((t) => [t.id, t])),
    tierList: [...rules.tiers].sort((a, b) => a.rank - b.rank),
    tierPolicy: rules.tierPolicy ?? null,
    earnExcluded: compileFilter({ skus: settings.earnExclusions.skus, categories: settings.earnExclusions.categories }).test,
    redeemExcluded: compileFilter({ skus: settings.redeemExclusions.skus, categories: settings.redeemExclusions.categories }).test,
    money,
  };
}

function compileCampaign(c: Campaign, settings: ProgramSettings, money: Money, filters: FilterIndex): CompiledCampaign {
  const arithmetic = { pointValue: settings.pointValue, rounding: settings.rounding };
  const discounts: CompiledDiscount[] = [];
  const points: CompiledPoints[] = [];
  c.effects.forEach((effect, index) => {
    const text = describeEffect(effect, money);
    if (isDiscount(effect)) discounts.push({ index, effect, apply: compileDiscount(effect, filters), text });
    else points.push({ index, effect, apply: compilePoints(effect, arithmetic, filters), text });
  });
  return {
    id: c.id,
    source: c,
    schedule: compileSchedule(c.schedule),
    audience: c.audience.map((a, i) => compileAudience(a, `/audience/${i}`)),
    conditions: c.conditions.map((k, i) => compileCondition(k, `/conditions/${i}`, money, filters)),
    discounts,
    points,
    controlBasisPoints: Math.round(c.controlGroupPercent * 100),
    needsMember: c.audience.length > 0 || c.limits.perMember !== undefined || discounts.length === 0,
  };
}
