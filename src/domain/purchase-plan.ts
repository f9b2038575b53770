/**
 * A purchase decided as plain values (the "decide" of load → decide → commit): from the member's
 * loaded state and the receipt's settled evaluation, everything the purchase writes — ledger
 * entries and new lots, holds, campaign effects and usage, coupon uses, budget warnings, tier
 * changes, the wallet's move, the purchase record with its columns, the events it causes — and the
 * answer the till gets. Pure: no clock, no database; ids come from the caller. The store's purchase
 * writer commits a list of plans in one statement (store/purchase-writer.ts).
 */
import { DateTime } from 'luxon';
import type { CouponRefusal } from './coupon-series.js';
import type { EventData, EventType } from './events/catalogue.js';
import { earnInto, LedgerDraft, type NewEntry, type NewHold, type NewLot } from './ledger-draft.js';
import { availableAt, planRedeem, type Hold, type Lot } from './ledger.js';
import type { PurchaseEvaluation } from './purchase.js';
import {
  budgetWarnings,
  effectRows,
  tierAfter,
  usageRows,
  type BudgetMoves,
  type BudgetWarning,
  type EffectRow,
  type MemberRuleState,
  type RulesContext,
  type UsageRow,
} from './purchase-rules.js';
import type { CouponView, PurchaseInput, PurchaseResult, PurchaseStatusView } from './purchase-types.js';
import { receiptText } from './receipt-text.js';
import { lineTermsOf, type LineTerms } from './returns.js';
import type { ProgramSettings } from './settings.js';

/** A member's open lots and holds, as loaded under the wallet lock. */
export interface MemberLedger {
  lots: (Lot & { purchaseId: string | null })[];
  holds: (Hold & { purchaseId: string })[];
}

export type MemberStatus = 'active' | 'blocked' | 'anonymised';

/** The member a purchase is for, as the plan needs it. */
export interface PlanMember {
  memberId: string;
  status: MemberStatus;
}

/** The purchase's row: its state in explicit columns; `response` only answers a retry identically. */
export interface PurchaseRecord {
  memberId: string;
  purchaseId: string;
  programId: string;
  receiptId: string;
  status: 'held' | 'completed';
  storeId: string | null;
  channel: string | null;
  occurredAt: Date;
  total: number;
  paidTotal: number;
  pointsSpent: number;
  pointsEarned: number;
  holdExpiresAt: Date | null;
  /** The lot the purchase earns into (now, or on confirm): when it becomes spendable and expires; null when it earns nothing. */
  earnedAvailableAt: Date | null;
  earnedExpiresAt: Date | null;
  /** Each line's quantity, money paid and points spent and earned: what returns and confirm read. */
  lineTerms: LineTerms[];
  ruleVersion: number | null;
  response: PurchaseResult;
  at: Date;
}

/** A coupon use a purchase books (held until a two-phase purchase is confirmed). */
export interface CouponUse {
  couponUseId: string;
  code: string;
  seriesId: string;
  purchaseId: string;
  status: 'held' | 'used';
  at: Date;
}

export interface TierChange {
  changeId: string;
  at: Date;
  fromTier: string | null;
  toTier: string | null;
  reason: string;
}

/** The wallet's move besides its balance: purchase count, first and last purchase, tier. */
export interface WalletMove {
  /** Added to the purchase count (1 for a purchase). */
  purchases: number;
  /** Purchase time: the first and the latest are kept. */
  purchaseAt: Date | null;
  /** A new tier state, when it changed. */
  tier?: { tierId: string | null; since: Date | null } | undefined;
}

/**
 * What happened, as the outbox stores it (the catalogue: domain/events/catalogue.ts): the purchase
 * writer writes these in the purchase's statement, `purchaseId` joining the data.
 */
type PlanEvent<T extends EventType> = { eventId: string; type: T; memberId: string | null; purchaseId: string; data: Omit<EventData<T>, 'purchaseId'> };
export type PurchaseEvent =
  | PlanEvent<'purchase.completed'>
  | PlanEvent<'purchase.held'>
  | PlanEvent<'points.earned'>
  | PlanEvent<'tier.changed'>
  | PlanEvent<'coupon.redeemed'>
  | PlanEvent<'campaign.budget_warning'>;

/** A budget warning as the purchase writes it to the audit log (entity `campaign`, action `budget_warning`). */
export interface PlannedWarning extends BudgetWarning {
  auditId: string;
  purchaseId: string;
  at: Date;
}

const plannedWarnings = (pc: PlanContext, moves: BudgetMoves | undefined): PlannedWarning[] =>
  budgetWarnings(pc.rc.compiled, moves).map((w) => ({ ...w, auditId: pc.newId(), purchaseId: pc.purchaseId, at: pc.now }));

/** A budget's crossing is the program's news, not the member's: the event names no member. */
const warningEvents = (pc: PlanContext, warnings: readonly PlannedWarning[]): PurchaseEvent[] =>
  warnings.map((w) => ({
    eventId: pc.newId(),
    type: 'campaign.budget_warning',
    memberId: null,
    purchaseId: w.purchaseId,
    data: { campaignId: w.campaignId, budget: w.budget, cap: w.cap, warnAtPercent: w.warnAtPercent, used: w.after },
  }));

/** Everything one member's purchase writes. */
export interface PurchasePlan {
  memberId: string;
  purchaseId: string;
  newLots: NewLot[];
  entries: NewEntry[];
  holds: NewHold[];
  effects: EffectRow[];
  usage: UsageRow[];
  couponUses: CouponUse[];
  budgetWarnings: PlannedWarning[];
  tierChanges: TierChange[];
  wallet: WalletMove;
  purchase: PurchaseRecord;
  events: PurchaseEvent[];
  result: PurchaseResult;
}

/** Everything a receipt without a member writes (no ledger, no wallet). */
export interface AnonymousPurchasePlan {
  purchaseId: string;
  effects: EffectRow[];
  budgetWarnings: PlannedWarning[];
  purchase: Omit<PurchaseRecord, 'memberId' | 'status' | 'paidTotal' | 'pointsSpent' | 'pointsEarned' | 'holdExpiresAt' | 'earnedAvailableAt' | 'earnedExpiresAt'>;
  events: PurchaseEvent[];
  result: PurchaseResult;
}

export interface PlanContext {
  programId: string;
  settings: ProgramSettings;
  rc: RulesContext;
  purchaseId: string;
  occurredAt: Date;
  now: Date;
  newId: () => string;
}

/** A purchase's settled decision: its evaluation, the rule state it was made with, and the budget moves it caused. */
export interface Settled {
  evaluation: PurchaseEvaluation;
  rules: MemberRuleState;
  budgets?: BudgetMoves | undefined;
}

/**
 * Plans a member's purchase from its settled evaluation: spends (or, two-phase, holds) the points
 * first-expiring-first, earns into a new lot (paying off debt first), and books the effects,
 * usage, coupon uses, tier decisions and events. Throws INSUFFICIENT_POINTS when the lots cannot
 * pay what the evaluation spends.
 */
export function planPurchase(pc: PlanContext, input: PurchaseInput, member: PlanMember, ledger: MemberLedger, settled: Settled): PurchasePlan {
  const { purchaseId, occurredAt, now, settings, rc } = pc;
  const { lots, holds } = ledger;
  const { evaluation, rules } = settled;
  const available = availableAt(lots, holds, now);
  const draft = new LedgerDraft(pc.newId);
  const redeem = planRedeem(lots, holds, evaluation.pointsSpent, now);
  let holdExpiresAt: Date | null = null;
  let heldNow: NewHold[] = [];
  if (input.twoPhase) {
    holdExpiresAt = DateTime.fromJSDate(now).plus({ minutes: settings.holdTimeoutMinutes }).toJSDate();
    heldNow = redeem.map((m) => ({ purchaseId, lotId: m.lotId, amount: -m.amount, expiresAt: holdExpiresAt! }));
  } else {
    for (const m of redeem) draft.post(m.lotId, 'redeemed', 'redeem', m.amount, { purchaseId });
    earnInto(draft, lots, evaluation.pointsEarned, { purchaseId, availableAt: evaluation.earnedAvailableAt, expiresAt: evaluation.earnedExpiresAt });
  }
  const balanceAfter = draft.availableAfter(lots, [...holds, ...heldNow], now);
  const status = input.twoPhase ? 'held' : 'completed';
  const coupons = couponViews(rules.codes, evaluation);
  const result = purchaseResult(settings, rc, input, { purchaseId, status, member, occurredAt, evaluation, coupons, balanceBefore: available, balanceAfter, holdExpiresAt });

  const couponUses: CouponUse[] = coupons.some((c) => c.status === 'applied')
    ? evaluation.couponsUsed.map((c) => ({ couponUseId: pc.newId(), code: c.code, seriesId: c.seriesId, purchaseId, status: input.twoPhase ? 'held' : 'used', at: now }))
    : [];
  // Tier: the reviews due before this purchase, then an upgrade it earns (a held purchase counts
  // once confirmed, so it upgrades at the member's next purchase).
  const wallet: WalletMove = { purchases: 1, purchaseAt: occurredAt };
  const tierChanges: TierChange[] = [];
  if (rules.tier) {
    const decisions = input.twoPhase ? [...rules.tier.reviews, rules.tier.before] : tierAfter(rc.compiled, rules.tier, { paid: evaluation.paidTotal, points: evaluation.pointsEarned }, occurredAt);
    let from = rules.tier.walletTierId;
    for (const d of decisions) {
      if (d.change !== 'none') tierChanges.push({ changeId: pc.newId(), at: d.effectiveAt, fromTier: from, toTier: d.tierId, reason: d.reason });
      from = d.tierId;
    }
    const last = decisions[decisions.length - 1]!;
    wallet.tier = { tierId: last.tierId, since: last.since };
  }
  const memberId = member.memberId;
  const warnings = plannedWarnings(pc, settled.budgets);
  const events: PurchaseEvent[] = [
    {
      eventId: pc.newId(),
      type: input.twoPhase ? 'purchase.held' : 'purchase.completed',
      memberId,
      purchaseId,
      data: { receiptId: input.receiptId, total: input.total, paidTotal: evaluation.paidTotal, pointsSpent: evaluation.pointsSpent, pointsEarned: evaluation.pointsEarned },
    },
  ];
  if (!input.twoPhase && evaluation.pointsEarned > 0) {
    events.push({
      eventId: pc.newId(),
      type: 'points.earned',
      memberId,
      purchaseId,
      data: { points: evaluation.pointsEarned, availableAt: evaluation.earnedAvailableAt.toISOString(), expiresAt: evaluation.earnedExpiresAt?.toISOString() ?? null },
    });
  }
  for (const t of tierChanges) events.push({ eventId: pc.newId(), type: 'tier.changed', memberId, purchaseId, data: { from: t.fromTier, to: t.toTier, reason: t.reason, at: t.at.toISOString() } });
  for (const u of couponUses) events.push({ eventId: pc.newId(), type: 'coupon.redeemed', memberId, purchaseId, data: { code: u.code, seriesId: u.seriesId, status: u.status } });
  events.push(...warningEvents(pc, warnings));
  return {
    memberId,
    purchaseId,
    newLots: draft.newLots,
    entries: draft.entries,
    holds: heldNow,
    effects: effectRows(evaluation, { memberId, purchaseId, occurredAt }),
    usage: usageRows(rc.compiled, evaluation, memberId, occurredAt),
    couponUses,
    budgetWarnings: warnings,
    tierChanges,
    wallet,
    events,
    result,
    purchase: {
      memberId,
      purchaseId,
      programId: pc.programId,
      receiptId: input.receiptId,
      status,
      storeId: input.storeId ?? null,
      channel: input.channel ?? null,
      occurredAt,
      total: input.total,
      paidTotal: evaluation.paidTotal,
      pointsSpent: evaluation.pointsSpent,
      pointsEarned: input.twoPhase ? 0 : evaluation.pointsEarned,
      holdExpiresAt,
      earnedAvailableAt: evaluation.pointsEarned > 0 ? evaluation.earnedAvailableAt : null,
      earnedExpiresAt: evaluation.pointsEarned > 0 ? evaluation.earnedExpiresAt : null,
      lineTerms: lineTermsOf(evaluation.lines),
      ruleVersion: rc.version,
      response: result,
      at: now,
    },
  };
}

/** Plans a receipt without a member: the effects it received (discounts), nothing on any ledger. */
export function planAnonymousPurchase(pc: PlanContext, input: PurchaseInput, settled: Settled): AnonymousPurchasePlan {
  const { purchaseId, occurredAt, now, settings, rc } = pc;
  const { evaluation, rules } = settled;
  const result = purchaseResult(settings, rc, input, {
    purchaseId,
    status: 'completed',
    member: null,
    occurredAt,
    evaluation,
    coupons: couponViews(rules.codes, evaluation),
    balanceBefore: null,
    balanceAfter: null,
    holdExpiresAt: null,
  });
  const warnings = plannedWarnings(pc, settled.budgets);
  return {
    purchaseId,
    effects: effectRows(evaluation, { memberId: null, purchaseId, occurredAt }),
    budgetWarnings: warnings,
    events: [
      {
        eventId: pc.newId(),
        type: 'purchase.completed',
        memberId: null,
        purchaseId,
        data: { receiptId: input.receiptId, total: input.total, paidTotal: evaluation.paidTotal, pointsSpent: 0, pointsEarned: 0 },
      },
      ...warningEvents(pc, warnings),
    ],
    result,
    purchase: {
      purchaseId,
      programId: pc.programId,
      receiptId: input.receiptId,
      storeId: input.storeId ?? null,
      channel: input.channel ?? null,
      occurredAt,
      total: input.total,
      lineTerms: lineTermsOf(evaluation.lines),
      ruleVersion: rc.version,
      response: result,
      at: now,
    },
  };
}

/** What became of each presented code. */
export function couponViews(codes: MemberRuleState['codes'], ev: Pick<PurchaseEvaluation, 'couponsUsed'>): CouponView[] {
  const used = new Set(ev.couponsUsed.map((c) => c.code));
  return codes.map(({ code, refusal }: { code: { presented: string; code: string | null }; refusal: CouponRefusal | null }) => {
    if (refusal) return { code: code.presented, status: 'refused', reason: refusal };
    if (used.has(code.code!)) return { code: code.presented, status: 'applied', reason: null };
    return { code: code.presented, status: 'not_applied', reason: 'no_campaign' };
  });
}

/** The answer calculate and create give for an evaluated receipt. */
export function purchaseResult(
  settings: ProgramSettings,
  rc: RulesContext,
  input: PurchaseInput,
  e: {
    purchaseId: string | null;
    status: PurchaseStatusView;
    member: PlanMember | null;
    occurredAt: Date;
    evaluation: PurchaseEvaluation;
    coupons: CouponView[];
    balanceBefore: number | null;
    balanceAfter: number | null;
    holdExpiresAt: Date | null;
  },
): PurchaseResult {
  const ev = e.evaluation;
  const s = settings;
  const names = new Map(rc.compiled.purchase.map((c) => [c.id, c.source.name]));
  return {
    purchaseId: e.purchaseId,
    receiptId: input.receiptId,
    status: e.status,
    memberId: e.member?.memberId ?? null,
    memberStatus: e.member?.status ?? null,
    currency: s.currency,
    occurredAt: e.occurredAt.toISOString(),
    total: ev.total,
    paidTotal: ev.paidTotal,
    maxPointsToSpend: ev.maxPointsToSpend,
    pointsSpent: ev.pointsSpent,
    pointsEarned: ev.pointsEarned,
    earnedAvailableAt: ev.pointsEarned > 0 ? ev.earnedAvailableAt.toISOString() : null,
    earnedExpiresAt: ev.pointsEarned > 0 ? (ev.earnedExpiresAt?.toISOString() ?? null) : null,
    discountTotal: ev.discountTotal,
    basePoints: ev.basePoints,
    bonusPoints: ev.bonusPoints,
    lines: ev.lines,
    effects: ev.effects.map((x) => ({ ...x, campaignName: x.campaignId ? (names.get(x.campaignId) ?? null) : null })),
    coupons: e.coupons,
    tier: ev.tier ? { id: ev.tier.id, name: ev.tier.name, rank: ev.tier.rank } : null,
    ruleVersion: rc.version,
    usage: e.member ? usageRows(rc.compiled, ev, e.member.memberId, e.occurredAt).map((u) => ({ campaignId: u.campaignId, period: u.period })) : [],
    balanceBefore: e.balanceBefore,
    balanceAfter: e.balanceAfter,
    holdExpiresAt: e.holdExpiresAt?.toISOString() ?? null,
    cancelReason: null,
    receiptText: receiptText(ev, e.balanceAfter, e.occurredAt, s.locale, s.timeZone, promotionsOf(rc, ev), s.currency),
  };
}

/** What each campaign (and the tier) gave, by name, for the receipt's printed lines. */
function promotionsOf(rc: RulesContext, ev: PurchaseEvaluation): { name: string; discount: number; points: number }[] {
  const byName = new Map<string, { name: string; discount: number; points: number }>();
  for (const e of ev.effects) {
    const name = e.campaignId ? (rc.compiled.purchase.find((c) => c.id === e.campaignId)?.source.name ?? e.campaignId) : (ev.tier?.name ?? e.tierId ?? '');
    const p = byName.get(name) ?? { name, discount: 0, points: 0 };
    p.discount += e.discount;
    p.points += e.points;
    byName.set(name, p);
  }
  return [...byName.values()];
}
