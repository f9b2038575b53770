/**
 * A purchase evaluated with the program's campaigns and tiers as well as its main scheme.
 * `evaluateReceipt` (receipt.ts) stays the main scheme alone; with an empty rule set this gives
 * the same numbers (a property test holds the two together).
 *
 * Order, each step on the result of the one before:
 * 1. campaign money discounts, in priority order (rules/evaluate.ts `startEvaluation`);
 * 2. the tier's discount percent on what the lines still cost;
 * 3. the most points payable: the program's share, raised by the tier's, of the redeemable
 *    money after discounts; the points spent split over the lines (receipt.ts `splitSpend`);
 * 4. base points on the money paid (after discounts and points), by the main scheme's rate;
 * 5. the tier's multiplier as extra points on the base, rounded once by the program's mode;
 * 6. campaign points on the money paid and the base points (`finishEvaluation`).
 * Every split uses `allocate` (largest remainders), so line values add up to the totals exactly.
 */
import { availableAt, expiresAt } from './calendar.js';
import {
  assertSpendAllowed,
  maxPointsForAmount,
  redeemable,
  splitSpend,
  validateReceipt,
  type EvaluatedLine,
  type Evaluation,
  type MemberState,
  type ReceiptInput,
} from './receipt.js';
import type { CompiledRules } from './rules/compile.js';
import { baseEarning } from './rules/earning.js';
import { finishEvaluation, startEvaluation } from './rules/evaluate.js';
import type { CampaignFacts, RulesResult } from './rules/facts.js';

export interface PurchaseInput {
  receipt: ReceiptInput;
  /** The member's status and spendable balance, as for `evaluateReceipt`; null without a member. */
  member: MemberState | null;
  /**
   * Facts for the campaigns. Only an active member takes part as a member: for a receipt
   * without one, or a blocked or anonymised member, campaigns see `facts.member` as null.
   */
  facts: CampaignFacts;
  pointsToSpend: number;
  occurredAt: Date;
  /** Fill the trace's details (for simulation). */
  explain?: boolean;
}

/**
 * A line of a purchase with campaigns. The fields of `EvaluatedLine` keep their meaning:
 * `amount` is price × quantity − the till's discount; `paid` is what the customer pays,
 * amount − campaignDiscount − tierDiscount − pointsDiscount; `pointsEarned` is everything
 * the line earns, basePoints + bonusPoints (what a return takes back).
 */
export interface PurchaseLine extends EvaluatedLine {
  /** Money off by campaigns. */
  campaignDiscount: number;
  /** Money off by the member's tier. */
  tierDiscount: number;
  /** Points by the main scheme's rate. */
  basePoints: number;
  /** Points from the tier's multiplier and from campaigns. */
  bonusPoints: number;
}

export interface PurchaseEvaluation extends Omit<Evaluation, 'lines'> {
  lines: PurchaseLine[];
  /** Campaign and tier discounts in all (money, minor units). */
  discountTotal: number;
  basePoints: number;
  bonusPoints: number;
  effects: RulesResult['effects'];
  /** Campaign ids that applied: each is one use towards its per-member limit. */
  applied: RulesResult['applied'];
  couponsUsed: RulesResult['couponsUsed'];
  tier: RulesResult['tier'];
  trace: RulesResult['trace'];
  budgetWarnings: RulesResult['budgetWarnings'];
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/**
 * Evaluates a purchase: campaigns, tier and main scheme. Pure; `calculate` and `create` get the
 * same answer from the same inputs. Throws what `evaluateReceipt` throws.
 */
export function evaluatePurchase(rules: CompiledRules, input: PurchaseInput): PurchaseEvaluation {
  const { receipt, member, pointsToSpend, occurredAt } = input;
  const settings = rules.settings;
  validateReceipt(receipt, settings);
  const earns = member?.status === 'active';
  const facts = earns ? input.facts : { ...input.facts, member: null };
  const stage = startEvaluation(rules, { receipt, facts, occurredAt, explain: input.explain ?? false });
  const afterDiscounts = stage.remaining;

  const share = Math.max(settings.maxRedeemPercent, stage.tier?.benefits.maxRedeemPercent ?? 0);
  const weights = redeemable(receipt, afterDiscounts, settings);
  const max = maxPointsForAmount(sum(weights), share, settings, member);
  assertSpendAllowed(member, pointsToSpend, max, settings);
  const spend = splitSpend(pointsToSpend, weights, settings);
  const paid = afterDiscounts.map((a, i) => a - spend.discount[i]!);

  const base = earns ? baseEarning(rules, paid, stage.eligible) : paid.map(() => 0);
  const result = finishEvaluation(stage, { paid, base });

  const lines: PurchaseLine[] = receipt.lines.map((l, i) => {
    const r = result.lines[i]!;
    const bonus = r.tierPoints + r.campaignPoints;
    return {
      index: i,
      sku: l.sku,
      name: l.name ?? null,
      category: l.category ?? null,
      quantity: l.quantity,
      price: l.price,
      amount: stage.view.amount[i]!,
      pointsSpent: spend.spent[i]!,
      pointsDiscount: spend.discount[i]!,
      paid: paid[i]!,
      pointsEarned: base[i]! + bonus,
      campaignDiscount: r.campaignDiscount,
      tierDiscount: r.tierDiscount,
      basePoints: base[i]!,
      bonusPoints: bonus,
    };
  });
  const available = availableAt(occurredAt, settings.pendingDays, settings.timeZone);
  return {
    lines,
    total: receipt.total,
    maxPointsToSpend: max,
    pointsSpent: pointsToSpend,
    pointsEarned: sum(lines.map((l) => l.pointsEarned)),
    paidTotal: sum(paid),
    earnedAvailableAt: available,
    earnedExpiresAt: expiresAt(available, settings.expiry, settings.timeZone),
    discountTotal: sum(lines.map((l) => l.campaignDiscount + l.tierDiscount)),
    basePoints: sum(base),
    bonusPoints: sum(lines.map((l) => l.bonusPoints)),
    effects: result.effects,
    applied: result.applied,
    couponsUsed: result.couponsUsed,
    tier: result.tier,
    trace: result.trace,
    budgetWarnings: result.budgetWarnings,
  };
}
