import { DomainError } from '../../domain/errors.js';
import { availableAt, pendingOf } from '../../domain/ledger.js';
import { evaluatePurchase, type PurchaseEvaluation } from '../../domain/purchase.js';
import type { Executor } from '../../store/executor.js';
import { loadOpenLots } from '../../store/ledger.js';
import type { MemberRow } from '../../store/members.js';
import type { AppContext } from '../context.js';
import { requireMember } from '../members.js';
import { findMemberByIdentifier } from '../../store/members.js';
import { normaliseIdentifier } from '../../domain/identifiers.js';
import { couponViews, purchaseResult } from '../../domain/purchase-plan.js';
import type { MemberRuleState, RulesContext, WalletFacts } from '../../domain/purchase-rules.js';
import type { PurchaseInput, PurchaseResult } from '../../domain/purchase-types.js';
import { readWalletFacts } from '../../store/purchase-loader.js';
import { loadMemberRuleState, loadRulesContext } from './rules.js';

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
  return purchaseResult(program.settings, rc, input, {
    purchaseId: null,
    status: 'calculated',
    member,
    occurredAt,
    evaluation,
    coupons: couponViews(rules.codes, evaluation),
    balanceBefore: available,
    balanceAfter: after,
    holdExpiresAt: null,
  });
}
