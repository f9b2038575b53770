import { DomainError } from '../../domain/errors.js';
import { availableAt, pendingOf } from '../../domain/ledger.js';
import { evaluatePurchase, type PurchaseEvaluation } from '../../domain/purchase.js';
import { receiptText } from '../../domain/receipt-text.js';
import type { Executor } from '../../store/executor.js';
import { loadOpenLots } from '../../store/ledger.js';
import type { MemberRow } from '../../store/members.js';
import type { AppContext, CachedProgram } from '../context.js';
import { requireMember } from '../members.js';
import { findMemberByIdentifier } from '../../store/members.js';
import { normaliseIdentifier } from '../../domain/identifiers.js';
import { loadMemberRuleState, loadRulesContext, readWalletFacts, usageRows, type MemberRuleState, type RulesContext, type WalletFacts } from './rules.js';
import type { CouponView, PurchaseInput, PurchaseResult, PurchaseStatusView } from './types.js';

/** The member a receipt names (by id or identifier), or null for a receipt without a member. */
export async function resolvePurchaseMember(db: Executor, programId: string, input: PurchaseInput): Promise<MemberRow | null> {
  if (input.memberId) return requireMember(db, programId, input.memberId);
  if (input.identifier) {
    const { kind, value } = input.identifier;
    const member = await findMemberByIdentifier(db, programId, kind, normaliseIdentifier(kind, value));
    if (!member) throw new DomainError('MEMBER_NOT_FOUND', `no member with ${kind} ${value}`);
    return member;
  }
  return null;
}

const MAX_CLOCK_AHEAD_MS = 86_400_000;

export function occurredAtOf(input: PurchaseInput, now: Date): Date {
  if (input.occurredAt === undefined) return now;
  const d = new Date(input.occurredAt);
  if (Number.isNaN(d.getTime())) {
    throw new DomainError('INVALID_RECEIPT', 'occurredAt is not a date-time', { errors: [{ pointer: '/occurredAt', detail: 'must be an ISO 8601 date-time' }] });
  }
  // Offline tills send old receipts, and that is fine; a sale far in the future is a wrong clock.
  if (d.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS) {
    throw new DomainError('INVALID_RECEIPT', 'occurredAt is more than a day in the future; check the till clock', {
      errors: [{ pointer: '/occurredAt', detail: 'must not be more than 24 hours ahead of the server' }],
    });
  }
  return d;
}

export interface Evaluated {
  evaluation: PurchaseEvaluation;
  rules: MemberRuleState;
  lots: Awaited<ReturnType<typeof loadOpenLots>>['lots'];
  holds: Awaited<ReturnType<typeof loadOpenLots>>['holds'];
  available: number | null;
}

/**
 * Evaluates a receipt with the program's campaigns, tiers and main scheme on the member's state
 * as read through `db` (under the wallet lock in create). `coupons` overrides the codes that
 * count (create drops a code another purchase took first); `budgets` the budget use.
 */
export async function evaluateFor(
  db: Executor,
  rc: RulesContext,
  member: MemberRow | null,
  wallet: WalletFacts | null,
  state: Awaited<ReturnType<typeof loadOpenLots>>,
  input: PurchaseInput,
  occurredAt: Date,
  now: Date,
): Promise<Evaluated> {
  const rules = await loadMemberRuleState(db, rc, member, wallet, { storeId: input.storeId ?? null, channel: input.channel ?? null }, occurredAt);
  return { ...evaluateWith(rc, rules, member, state, input, occurredAt, now), rules };
}

/** The pure part of evaluateFor, run again when create has to drop a code or a spent budget. */
export function evaluateWith(
  rc: RulesContext,
  rules: MemberRuleState,
  member: MemberRow | null,
  state: Awaited<ReturnType<typeof loadOpenLots>>,
  input: PurchaseInput,
  occurredAt: Date,
  now: Date,
  explain = false,
): Omit<Evaluated, 'rules'> {
  const available = member ? availableAt(state.lots, state.holds, now) : null;
  const evaluation = evaluatePurchase(rc.compiled, {
    receipt: { total: input.total, currency: input.currency, lines: input.lines },
    member: member ? { status: member.status, available: available ?? 0, pending: () => pendingOf(state.lots, now) } : null,
    facts: rules.facts,
    pointsToSpend: input.pointsToSpend ?? 0,
    occurredAt,
    explain,
  });
  return { evaluation, lots: state.lots, holds: state.holds, available };
}

/** What became of each presented code. */
export function couponViews(rules: MemberRuleState, ev: PurchaseEvaluation): CouponView[] {
  const used = new Set(ev.couponsUsed.map((c) => c.code));
  return rules.codes.map(({ code, refusal }) => {
    if (refusal) return { code: code.presented, status: 'refused', reason: refusal };
    if (used.has(code.code!)) return { code: code.presented, status: 'applied', reason: null };
    return { code: code.presented, status: 'not_applied', reason: 'no_campaign' };
  });
}

export function toResult(
  program: CachedProgram,
  rc: RulesContext,
  input: PurchaseInput,
  e: {
    purchaseId: string | null;
    status: PurchaseStatusView;
    member: MemberRow | null;
    occurredAt: Date;
    evaluation: PurchaseEvaluation;
    coupons: CouponView[];
    balanceBefore: number | null;
    balanceAfter: number | null;
    holdExpiresAt: Date | null;
  },
): PurchaseResult {
  const ev = e.evaluation;
  const s = program.settings;
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

/** calculate: the same evaluation as create, nothing written. */
export async function calculatePurchase(ctx: AppContext, programId: string, input: PurchaseInput): Promise<PurchaseResult> {
  const program = await ctx.programs.get(programId);
  const now = ctx.clock();
  const occurredAt = occurredAtOf(input, now);
  const member = await resolvePurchaseMember(ctx.db, programId, input);
  const rc = await loadRulesContext(ctx, program, occurredAt, input.coupons);
  const wallet = member ? await readWalletFacts(ctx.db, member.memberId) : null;
  const state = member ? await loadOpenLots(ctx.db, member.memberId) : { lots: [], holds: [] };
  const { evaluation, available, rules } = await evaluateFor(ctx.db, rc, member, wallet, state, input, occurredAt, now);
  // Points earned are pending for the return window, so the spendable balance after the
  // purchase is the balance before less what is spent (unless nothing is pending).
  const immediate = program.settings.pendingDays === 0 ? evaluation.pointsEarned : 0;
  const after = available === null ? null : available - evaluation.pointsSpent + (input.twoPhase ? 0 : immediate);
  return toResult(program, rc, input, {
    purchaseId: null,
    status: 'calculated',
    member,
    occurredAt,
    evaluation,
    coupons: couponViews(rules, evaluation),
    balanceBefore: available,
    balanceAfter: after,
    holdExpiresAt: null,
  });
}
