/**
 * The campaigns, coupons and tiers around a purchase, as plain values: what a purchase is decided
 * with (the rules in force, the codes presented, the member's rule state) and what it books besides
 * the ledger (effects, campaign usage, budget charges, budget warnings, tier decisions). The store
 * loads the facts; everything here decides from them and reads nothing.
 */
import { couponRefusal, usesPerCodeOf, type CouponRefusal, type CouponSeries } from './coupon-series.js';
import type { PurchaseEvaluation } from './purchase.js';
import { limitPeriodStart } from './rules/budget.js';
import type { CompiledRules } from './rules/compile.js';
import type { BudgetUsed, CampaignFacts, MemberFacts, PresentedCoupon } from './rules/facts.js';
import type { Campaign, Tier } from './rules/types.js';
import { decideTier, type QualifyingTotals, type TierDecision } from './tiers.js';

/** A code the customer presented, resolved before the decision. */
export interface PresentedCode {
  /** As presented. */
  presented: string;
  code: string | null;
  seriesId: string | null;
  series: CouponSeries | null;
  /** The code's row as read (uses are settled under the code's row lock when written). */
  uses: number;
  boundTo: string | null;
  /** Why it cannot count whoever presents it (unknown code, archived series), else null. */
  refusal: CouponRefusal | null;
}

/** What a purchase evaluation needs besides the member: the same for every receipt of a batch at one rules version. */
export interface RulesContext {
  version: number | null;
  compiled: CompiledRules;
  /** Budget use of the purchase campaigns that have a budget. */
  budgets: Record<string, BudgetUsed>;
  codes: PresentedCode[];
}

/** The member's wallet columns the rules read (locked with the wallet when a purchase is written). */
export interface WalletFacts {
  purchaseCount: number;
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
  tierId: string | null;
  tierSince: Date | null;
}

/** The tier decision before a purchase, and what is needed to decide again after it. */
export interface TierStep {
  /** The tier stored on the wallet before this purchase. */
  walletTierId: string | null;
  /** Reviews due since the wallet's tier was last written down (the tier job had not run yet), each dated when it happened. */
  reviews: TierDecision[];
  before: TierDecision;
  totals: { current: QualifyingTotals; review: QualifyingTotals | null };
  /** The best tier a paid membership gives now, if any. */
  membershipTier: Tier | null;
  /** What the purchase is evaluated with: the better of the qualified and the paid tier. */
  effectiveTierId: string | null;
}

/** The member's rule facts, decided from what was read under the member's lock. */
export interface MemberRuleState {
  facts: CampaignFacts;
  /** Uses of the presented codes' series by this member (held or used). */
  seriesUses: Map<string, number>;
  tier: TierStep | null;
  /** Codes that count for this member, and why the others do not. */
  codes: { code: PresentedCode; refusal: CouponRefusal | null }[];
}

/** The member as the rules see it. */
export interface RuleMember {
  memberId: string;
  attributes: unknown;
  birthday: string | null;
  createdAt: Date;
}

/** What was read about a member for the rules: uses of limited campaigns (by campaign id, in the current period), series uses, segments, tier. */
export interface MemberRuleReads {
  usage: Record<string, number>;
  seriesUses: Map<string, number>;
  segmentIds: string[];
  tier: TierStep | null;
}

/** The period key a campaign's per-member limit counts in at `at` (null: no limit). */
export const usageKey = (c: Campaign, at: Date, timeZone: string): string | null => {
  const period = c.limits.perMember?.period;
  if (!period) return null;
  const start = limitPeriodStart(period, at, timeZone);
  return start ? start.toISOString() : 'campaign';
};

/** The campaigns with a per-member limit and the period key each counts in at `at`. */
export function limitedCampaigns(campaigns: CompiledRules['purchase'], at: Date, timeZone: string): { id: string; key: string }[] {
  return campaigns.map((c) => ({ id: c.id, key: usageKey(c.source, at, timeZone) })).filter((x): x is { id: string; key: string } => x.key !== null);
}

/** Whether some campaign's audience names segments (then the member's segments are read). */
export const needsSegments = (campaigns: CompiledRules['purchase']): boolean => campaigns.some((c) => c.source.audience.some((a) => a.kind === 'segments'));

/** The series of the presented codes (their per-member uses are read). */
export const presentedSeries = (rc: RulesContext): string[] => [...new Set(rc.codes.flatMap((c) => (c.seriesId ? [c.seriesId] : [])))];

/**
 * The member's rule state from what was read: the facts the engine is told, and which presented
 * codes count for this member. `member` null: a receipt without a member (or the main scheme alone).
 */
export function ruleStateOf(
  rc: RulesContext,
  member: RuleMember | null,
  wallet: WalletFacts | null,
  reads: MemberRuleReads | null,
  place: { storeId: string | null; channel: string | null },
  at: Date,
): MemberRuleState {
  const seriesUses = reads?.seriesUses ?? new Map<string, number>();
  const tier = reads?.tier ?? null;
  const codes = rc.codes.map((c) => ({
    code: c,
    refusal: c.refusal ?? couponRefusal(c.series!, { uses: c.uses, memberId: c.boundTo }, member?.memberId ?? null, seriesUses.get(c.seriesId!) ?? 0, at),
  }));
  const memberFacts: MemberFacts | null =
    member && wallet && reads
      ? {
          id: member.memberId,
          tierId: tier?.effectiveTierId ?? null,
          segmentIds: reads.segmentIds,
          attributes: member.attributes as MemberFacts['attributes'],
          birthday: member.birthday,
          purchaseCount: wallet.purchaseCount,
          lastPurchaseAt: wallet.lastPurchaseAt,
          enrolledAt: member.createdAt,
        }
      : null;
  const coupons: PresentedCoupon[] = codes.filter((c) => c.refusal === null).map((c) => ({ code: c.code.code!, seriesId: c.code.seriesId! }));
  return {
    facts: { member: memberFacts, storeId: place.storeId, channel: place.channel, coupons, usage: reads?.usage ?? {}, budgetUsed: rc.budgets },
    seriesUses,
    tier,
    codes,
  };
}

/** Rule facts that say nothing: for an evaluation by the main scheme alone. */
export function noRuleState(place: { storeId: string | null; channel: string | null }): MemberRuleState {
  return { facts: { member: null, storeId: place.storeId, channel: place.channel, coupons: [], usage: {}, budgetUsed: {} }, seriesUses: new Map(), tier: null, codes: [] };
}

/** The tier a member is evaluated with: the better of the qualified one and a paid membership's. */
export function tierStepOf(
  rules: CompiledRules,
  walletTierId: string | null,
  reviews: TierDecision[],
  before: TierDecision,
  totals: TierStep['totals'],
  membershipTierIds: readonly string[],
): TierStep {
  let membershipTier: Tier | null = null;
  for (const id of membershipTierIds) {
    const t = rules.tiers.get(id);
    if (t && (!membershipTier || t.rank > membershipTier.rank)) membershipTier = t;
  }
  const qualified = before.tierId ? (rules.tiers.get(before.tierId) ?? null) : null;
  const effective = membershipTier && (!qualified || membershipTier.rank > qualified.rank) ? membershipTier : qualified;
  return { walletTierId, reviews, before, totals, membershipTier, effectiveTierId: effective?.id ?? null };
}

/** The tier decisions a purchase leads to: the reviews and the decision due before it, then an upgrade it earns. */
export function tierAfter(rules: CompiledRules, step: TierStep, purchase: { paid: number; points: number }, at: Date): TierDecision[] {
  const policy = rules.tierPolicy!;
  const tz = rules.settings.timeZone;
  const current = { spend: step.totals.current.spend + purchase.paid, purchases: step.totals.current.purchases + 1, points: step.totals.current.points + purchase.points };
  const after = decideTier(rules.tierList, policy, { tierId: step.before.tierId, since: step.before.since }, { current, review: step.totals.review }, at, tz);
  return after.change === 'upgrade' ? [...step.reviews, step.before, after] : [...step.reviews, step.before];
}

/** A campaign effect a purchase received, as booked for attribution and cost. */
export interface EffectRow {
  memberId: string | null;
  purchaseId: string;
  seq: number;
  campaignId: string;
  couponCode: string | null;
  block: string;
  kind: string;
  points: number;
  discount: number;
  cost: number;
  occurredAt: Date;
}

/** The effects of an evaluation as rows for attribution (tier effects are booked to `tier:<id>`). */
export function effectRows(ev: Pick<PurchaseEvaluation, 'effects'>, p: { memberId: string | null; purchaseId: string; occurredAt: Date }): EffectRow[] {
  return ev.effects.map((e, seq) => ({
    memberId: p.memberId,
    purchaseId: p.purchaseId,
    seq,
    campaignId: e.campaignId ?? `tier:${e.tierId}`,
    couponCode: e.couponCode,
    block: e.block,
    kind: e.kind,
    points: e.points,
    discount: e.discount,
    cost: e.costMinor,
    occurredAt: p.occurredAt,
  }));
}

export interface BudgetCharge {
  campaignId: string;
  points: number;
  money: number;
  /** The caps; a charge is taken while what was spent before it is below its cap. */
  capPoints: number | null;
  capMoney: number | null;
}

/** What each applied campaign with a budget costs on this purchase. */
export function budgetCharges(rules: CompiledRules, ev: Pick<PurchaseEvaluation, 'effects'>, campaigns: CompiledRules['purchase'] = rules.purchase): BudgetCharge[] {
  const byCampaign = new Map<string, { points: number; money: number }>();
  for (const e of ev.effects) {
    if (!e.campaignId) continue;
    const c = byCampaign.get(e.campaignId) ?? { points: 0, money: 0 };
    c.points += e.points;
    c.money += e.costMinor;
    byCampaign.set(e.campaignId, c);
  }
  const out: BudgetCharge[] = [];
  for (const c of campaigns) {
    const spent = byCampaign.get(c.id);
    if (!c.source.budget || !spent) continue;
    out.push({ campaignId: c.id, ...spent, capPoints: c.source.budget.points ?? null, capMoney: c.source.budget.money ?? null });
  }
  return out;
}

export interface UsageRow {
  memberId: string;
  campaignId: string;
  period: string;
  uses: number;
}

/** Per-member usage rows to add: one use of each applied campaign that has a per-member limit. */
export function usageRows(rules: CompiledRules, ev: Pick<PurchaseEvaluation, 'applied'>, memberId: string, at: Date, campaigns: CompiledRules['purchase'] = rules.purchase): UsageRow[] {
  const out: UsageRow[] = [];
  for (const c of campaigns) {
    if (!ev.applied.includes(c.id)) continue;
    const key = usageKey(c.source, at, rules.settings.timeZone);
    if (key) out.push({ memberId, campaignId: c.id, period: key, uses: 1 });
  }
  return out;
}

export const codeLimit = (c: PresentedCode): number | null => (c.series ? usesPerCodeOf(c.series) : null);

/** Each charged budget's totals before and after the purchase's charge (as charged under the budget row's lock). */
export type BudgetMoves = Map<string, { before: { points: number; money: number }; after: { points: number; money: number } }>;

/** A campaign budget crossing its warning threshold with a purchase's charge. */
export interface BudgetWarning {
  campaignId: string;
  budget: 'points' | 'money';
  cap: number;
  warnAtPercent: number;
  before: number;
  after: number;
}

/** The budgets a purchase's charge carries over their warning threshold: exactly one purchase reports each crossing. */
export function budgetWarnings(rules: CompiledRules, moves: BudgetMoves | undefined): BudgetWarning[] {
  const out: BudgetWarning[] = [];
  for (const [campaignId, m] of moves ?? []) {
    const b = [...rules.purchase, ...[...rules.events.values()].flat()].find((c) => c.id === campaignId)?.source.budget;
    if (!b) continue;
    for (const [budget, cap, before, after] of [['points', b.points, m.before.points, m.after.points], ['money', b.money, m.before.money, m.after.money]] as const) {
      if (cap === undefined || !(before * 100 < cap * b.warnAtPercent && after * 100 >= cap * b.warnAtPercent)) continue;
      out.push({ campaignId, budget, cap, warnAtPercent: b.warnAtPercent, before, after });
    }
  }
  return out;
}

/** The rule state with lost codes dropped and spent budgets marked as spent (a shared row another purchase took first). */
export function withOverrides(rc: RulesContext, rules: MemberRuleState, lost: ReadonlySet<string>, exhausted: ReadonlySet<string>): MemberRuleState {
  if (lost.size === 0 && exhausted.size === 0) return rules;
  const budgetUsed = { ...rules.facts.budgetUsed };
  for (const id of exhausted) {
    const cap = (rc.compiled.purchase.find((c) => c.id === id) ?? [...rc.compiled.events.values()].flat().find((c) => c.id === id))?.source.budget;
    const used = budgetUsed[id] ?? { points: 0, costMinor: 0 };
    budgetUsed[id] = { points: Math.max(used.points, cap?.points ?? 0), costMinor: Math.max(used.costMinor, cap?.money ?? 0) };
  }
  return {
    ...rules,
    facts: { ...rules.facts, coupons: rules.facts.coupons.filter((c) => !lost.has(c.code)), budgetUsed },
    codes: rules.codes.map((c) => (c.code.code && lost.has(c.code.code) ? { ...c, refusal: 'used_up' as const } : c)),
  };
}

/** Whether a purchase takes a shared row: a code with a use limit or a campaign budget (settled under the row's lock). */
export const takesShared = (rc: RulesContext, evaluation: Pick<PurchaseEvaluation, 'effects' | 'couponsUsed'>): boolean =>
  evaluation.couponsUsed.some((c) => codeLimit(rc.codes.find((x) => x.code === c.code)!) !== null) || budgetCharges(rc.compiled, evaluation).length > 0;
