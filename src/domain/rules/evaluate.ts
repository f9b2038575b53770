/**
 * Evaluating purchase campaigns on a receipt, in two stages so that the main scheme can run in
 * between (src/domain/purchase.ts):
 *
 * 1. `startEvaluation`: match every campaign, decide stacking, apply money discounts in
 *    priority order (each on what the lines still cost), then the tier's discount.
 * 2. the caller settles points paid and the main scheme's base points on the money paid;
 * 3. `finishEvaluation`: the tier's multiplier and the campaigns' points on the money paid.
 *
 * `evaluateCampaigns` runs both with no points paid (a quick simulation).
 */
import { allocate, divide } from '../arithmetic.js';
import { localTime } from '../calendar.js';
import type { ReceiptInput } from '../receipt.js';
import { budgetWarnings } from './budget.js';
import type { CompiledRules } from './compile.js';
import { baseEarning, discountEligible, earnEligible } from './earning.js';
import { basisPoints, type EarnState } from './effects.js';
import type { AppliedEffect, BudgetUsed, BudgetWarning, CampaignFacts, CampaignTrace, RulesResult } from './facts.js';
import { receiptView, type ReceiptView } from './lines.js';
import { match, refuse, type Candidate } from './match.js';
import { campaignDiscounts, campaignPoints, linesOf, type Applied } from './outcome.js';
import type { MatchContext } from './predicates.js';
import { applyInOrder } from './stacking.js';
import type { Tier } from './types.js';

export interface CampaignInput {
  /** A receipt that passed `validateReceipt` (evaluatePurchase checks it). */
  receipt: ReceiptInput;
  facts: CampaignFacts;
  occurredAt: Date;
  /** Fill the traces' `detail` and `matched` (slower; for simulation and support). */
  explain?: boolean;
}

/** The state between the two stages. Treat as opaque outside the rules engine. */
export interface DiscountStage {
  rules: CompiledRules;
  input: CampaignInput;
  view: ReceiptView;
  /** What each line costs after campaign and tier discounts. */
  remaining: number[];
  campaignDiscount: number[];
  tierDiscount: number[];
  tier: Tier | null;
  applied: Applied[];
  trace: CampaignTrace[];
  /** Discount effects, in the order they applied (the tier's last). */
  effects: AppliedEffect[];
  /** Lines that may earn points (not excluded by the program). */
  eligible: boolean[];
  /** Lines that campaign and tier discounts may touch (not excluded from redeeming). */
  discountable: boolean[];
}

const zeros = (n: number) => new Array<number>(n).fill(0);

export function matchContext(rules: CompiledRules, facts: CampaignFacts, at: Date, receipt: ReceiptView | null, event: MatchContext['event']): MatchContext {
  const timeZone = rules.settings.timeZone;
  return { receipt, memo: {}, member: facts.member, now: localTime(at, timeZone), timeZone, storeId: facts.storeId, channel: facts.channel, event };
}

/** Stage 1: matching, stacking, campaign discounts, the tier's discount. */
export function startEvaluation(rules: CompiledRules, input: CampaignInput): DiscountStage {
  const explain = input.explain ?? false;
  const view = receiptView(input.receipt);
  const ctx = matchContext(rules, input.facts, input.occurredAt, view, null);
  const trace: CampaignTrace[] = [];
  const candidates: Candidate[] = [];
  for (const c of rules.purchase) {
    const m = match(c, ctx, input.facts, explain);
    if ('c' in m) {
      candidates.push(m);
      trace.push(m.trace);
    } else trace.push(m);
  }
  const remaining = view.amount.slice();
  const eligible = earnEligible(rules, view);
  const discountable = discountEligible(rules, view);
  const pv = rules.settings.pointValue;
  const hasMember = input.facts.member !== null;
  const applied = applyInOrder<Applied>(
    candidates,
    {
      value(cand) {
        const d = campaignDiscounts(cand, view, remaining, pv, discountable);
        if (!hasMember || cand.c.points.length === 0) return d.spent.costMinor;
        const state: EarnState = { view, paid: d.after, base: baseEarning(rules, d.after, eligible), eligible };
        return d.spent.costMinor + campaignPoints(cand, state, d.budget, pv).spent.costMinor;
      },
      apply(cand) {
        const d = campaignDiscounts(cand, view, remaining, pv, discountable);
        const pointsToCome = hasMember && cand.c.points.length > 0;
        if (d.effects.length === 0 && !pointsToCome) return d.budgetStopped ? 'budget' : 'no_effect';
        if (d.after !== remaining) for (let i = 0; i < view.n; i++) remaining[i] = d.after[i]!;
        cand.budget = d.budget;
        return { cand, effects: d.effects, spent: d.spent };
      },
    },
    explain,
  );
  const campaignDiscount = view.amount.map((a, i) => a - remaining[i]!);
  const member = input.facts.member;
  const tier = member?.tierId ? (rules.tiers.get(member.tierId) ?? null) : null;
  const effects = applied.flatMap((a) => a.effects);
  let tierDiscount = zeros(view.n);
  if (tier && tier.benefits.discountPercent > 0) {
    const weights = remaining.map((r, i) => (discountable[i] ? r : 0));
    const total = divide(BigInt(weights.reduce((s, r) => s + r, 0)) * BigInt(basisPoints(tier.benefits.discountPercent)), 10_000, 'half_up');
    tierDiscount = total > 0 ? allocate(total, weights, weights) : tierDiscount;
    for (let i = 0; i < view.n; i++) remaining[i]! -= tierDiscount[i]!;
    if (total > 0) effects.push(tierEffect(tier, 'tier_discount', tierDiscount, 0, pv));
  }
  return { rules, input, view, remaining, campaignDiscount, tierDiscount, tier, applied, trace, effects, eligible, discountable };
}

function tierEffect(tier: Tier, kind: 'tier_discount' | 'tier_multiplier', perLine: number[], points: 0 | 1, pv: number): AppliedEffect {
  const total = perLine.reduce((s, x) => s + x, 0);
  const discount = points ? 0 : total;
  const earned = points ? total : 0;
  return {
    campaignId: null,
    tierId: tier.id,
    name: tier.name,
    effectIndex: null,
    couponCode: null,
    kind,
    block: 'main',
    lines: linesOf(perLine, points ? 'points' : 'discount'),
    discount,
    points: earned,
    costMinor: discount + earned * pv,
    cut: false,
  };
}

/**
 * Stage 3: the tier's multiplier on the base points, then the campaigns' points on the money
 * paid (after discounts and points spent). `base` is the main scheme's points per line.
 */
export function finishEvaluation(stage: DiscountStage, earn: { paid: readonly number[]; base: readonly number[] }): RulesResult {
  const { rules, view, input } = stage;
  const pv = rules.settings.pointValue;
  const eligible = stage.eligible;
  const effects = stage.effects.slice();
  let tierPoints = zeros(view.n);
  if (stage.tier && stage.tier.benefits.earnMultiplier > 1 && input.facts.member) {
    const extra = divide(BigInt(earn.base.reduce((s, b) => s + b, 0)) * BigInt(basisPoints(stage.tier.benefits.earnMultiplier) - 100), 100, rules.settings.rounding);
    if (extra > 0) {
      tierPoints = allocate(extra, earn.base);
      effects.push(tierEffect(stage.tier, 'tier_multiplier', tierPoints, 1, pv));
    }
  }
  const campaignPointsPerLine = zeros(view.n);
  const state: EarnState = { view, paid: earn.paid, base: earn.base, eligible };
  const applied: string[] = [];
  const warnings: BudgetWarning[] = [];
  for (const a of stage.applied) {
    const spent: BudgetUsed = { ...a.spent };
    if (input.facts.member) {
      const p = campaignPoints(a.cand, state, a.cand.budget, pv);
      for (const e of p.effects) for (const l of e.lines) campaignPointsPerLine[l.index]! += l.points;
      effects.push(...p.effects);
      spent.points += p.spent.points;
      spent.costMinor += p.spent.costMinor;
      if (a.effects.length === 0 && p.effects.length === 0) {
        const why = p.budgetStopped ? 'budget' : 'no_effect';
        refuse(a.cand.trace, why, why === 'budget' ? '/budget' : '/effects', () => (why === 'budget' ? 'the budget is spent' : 'its points come to nothing on this receipt'), input.explain ?? false);
        continue;
      }
    }
    applied.push(a.cand.c.id);
    if (input.explain) a.cand.trace.detail = `gives ${[...a.cand.c.discounts, ...a.cand.c.points].map((x) => x.text).join('; ')}`;
    warnings.push(...budgetWarnings(a.cand.c.source, input.facts.budgetUsed[a.cand.c.id], spent));
  }
  return {
    lines: view.amount.map((_, index) => ({
      index,
      campaignDiscount: stage.campaignDiscount[index]!,
      tierDiscount: stage.tierDiscount[index]!,
      campaignPoints: campaignPointsPerLine[index]!,
      tierPoints: tierPoints[index]!,
    })),
    effects: effects.sort((x, y) => phase(x) - phase(y)),
    applied,
    couponsUsed: stage.applied.flatMap((a) => (a.cand.coupon && a.cand.trace.status === 'applied' ? [{ ...a.cand.coupon, campaignId: a.cand.c.id }] : [])),
    tier: stage.tier ? { id: stage.tier.id, name: stage.tier.name, rank: stage.tier.rank, benefits: stage.tier.benefits } : null,
    trace: stage.trace,
    budgetWarnings: warnings,
  };
}

/** Effects list in the order they apply: campaign discounts, tier discount, tier multiplier, campaign points. */
const phase = (e: AppliedEffect) => (e.kind === 'tier_discount' ? 1 : e.kind === 'tier_multiplier' ? 2 : e.discount > 0 ? 0 : 3);

/** Both stages with no points paid: the campaigns' and the tier's effects on a receipt as it stands. */
export function evaluateCampaigns(rules: CompiledRules, input: CampaignInput): RulesResult {
  const stage = startEvaluation(rules, input);
  const base = input.facts.member ? baseEarning(rules, stage.remaining, stage.eligible) : zeros(stage.view.n);
  return finishEvaluation(stage, { paid: stage.remaining, base });
}
