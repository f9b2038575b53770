/**
 * What the rules engine is told (facts the caller has read) and what it answers. Plain data:
 * the caller loads the facts, the engine never reads anything itself and never looks at a clock.
 */
import type { Block, EffectKind, Tier } from './types.js';

export type AttributeValue = string | number | boolean | null;

/** What the engine needs to know about the member on the receipt. */
export interface MemberFacts {
  id: string;
  /** The member's current tier (from tier qualification), or null. */
  tierId: string | null;
  segmentIds: readonly string[];
  attributes: Readonly<Record<string, AttributeValue>>;
  /** YYYY-MM-DD or MM-DD; a 29 February birthday is the 28th in other years. */
  birthday: string | null;
  /** Purchases completed before this one. */
  purchaseCount: number;
  lastPurchaseAt: Date | null;
  enrolledAt: Date;
}

/** A coupon the customer presented, already found valid and unused by the caller. */
export interface PresentedCoupon {
  code: string;
  seriesId: string;
}

/** What a campaign has cost so far, over its whole life. */
export interface BudgetUsed {
  points: number;
  /** Discounts plus points × pointValue, in minor units. */
  costMinor: number;
}

/** The facts around one evaluation, besides the receipt and the moment. */
export interface CampaignFacts {
  /** null for a receipt without a member (or a member who may not earn: see evaluatePurchase). */
  member: MemberFacts | null;
  storeId: string | null;
  channel: string | null;
  coupons: readonly PresentedCoupon[];
  /**
   * Per campaign id: how many times this member has had the campaign in the campaign's current
   * limit period (`limitPeriodStart` tells the caller where the period starts). Missing = 0.
   */
  usage: Readonly<Record<string, number>>;
  /** Per campaign id: its cost so far (missing = nothing yet). */
  budgetUsed: Readonly<Record<string, BudgetUsed>>;
  /**
   * Simulation only: the campaigns whose control group the member is in, instead of the hash of
   * the member id (a hypothetical member has no id to hash; control-group.ts). Missing = the hash.
   */
  controlGroups?: readonly string[];
}

/** One line's share of an effect. */
export interface EffectLine {
  index: number;
  discount: number;
  points: number;
}

/**
 * One effect as applied: what it gave, to which lines, and what it cost the program. The till
 * prints it; analytics attribute it; the purchase records it against the campaign's budget.
 */
export interface AppliedEffect {
  /** null for the tier's own benefits (the main scheme). */
  campaignId: string | null;
  tierId: string | null;
  /** The campaign's (or the tier's) name, for the receipt. */
  name: string;
  /** Which of the campaign's `effects` this is (null for the tier's). */
  effectIndex: number | null;
  couponCode: string | null;
  kind: EffectKind | 'tier_discount' | 'tier_multiplier';
  block: Block;
  /** Lines that got something, in line order; empty for event points. */
  lines: EffectLine[];
  /** Money off, in minor units. */
  discount: number;
  points: number;
  /** discount + points × pointValue, in minor units. */
  costMinor: number;
  /** True when a per-receipt cap or the budget made it smaller than the rule says. */
  cut: boolean;
}

export type TraceStatus = 'applied' | 'not_applied';
export type TraceReason =
  | 'schedule'
  | 'coupon'
  | 'member'
  | 'audience'
  | 'condition'
  | 'limit'
  | 'budget'
  | 'control_group'
  | 'stacking'
  | 'no_effect';

/** Why a campaign did or did not apply. */
export interface CampaignTrace {
  campaignId: string;
  name: string;
  status: TraceStatus;
  /** The first reason it did not apply (null when applied). */
  reason: TraceReason | null;
  /** JSON pointer into the campaign of the part that decided, e.g. `/conditions/1`; null if none. */
  pointer: string | null;
  /** Filled when the evaluation was asked to explain. */
  detail: string | null;
  /** When explaining: each check that held, in words. */
  matched: string[];
}

/** A campaign whose budget use reached its warning threshold on this evaluation. */
export interface BudgetWarning {
  campaignId: string;
  budget: 'points' | 'money';
  cap: number;
  usedBefore: number;
  usedAfter: number;
  warnAtPercent: number;
  /** True when this evaluation crossed the threshold (the one to notify about). */
  crossed: boolean;
}

export interface AppliedTier {
  id: string;
  name: string;
  rank: number;
  benefits: Tier['benefits'];
}

export interface RulesLine {
  index: number;
  campaignDiscount: number;
  tierDiscount: number;
  campaignPoints: number;
  tierPoints: number;
}

/** What the rules gave on one receipt or event. */
export interface RulesResult {
  /**
   * Per receipt line: money off by campaigns and by the tier's discount; points from campaigns
   * and from the tier's multiplier (on top of the main scheme's base points). Empty for events.
   */
  lines: RulesLine[];
  /** Campaign and tier effects in the order they applied. */
  effects: AppliedEffect[];
  /** Campaign ids that applied (each counts one use towards its per-member limit). */
  applied: string[];
  couponsUsed: { code: string; seriesId: string; campaignId: string }[];
  tier: AppliedTier | null;
  /** Every campaign of the rule set that could concern this receipt or event, in priority order. */
  trace: CampaignTrace[];
  budgetWarnings: BudgetWarning[];
}
