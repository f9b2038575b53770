import { DomainError } from '../../domain/errors.js';
import { availableAt } from '../../domain/ledger.js';
import { evaluateReceipt, type Evaluation } from '../../domain/receipt.js';
import { receiptText } from '../../domain/receipt-text.js';
import type { ProgramSettings } from '../../domain/settings.js';
import type { Executor } from '../../store/executor.js';
import { loadOpenLots } from '../../store/ledger.js';
import type { MemberRow } from '../../store/members.js';
import type { AppContext, CachedProgram } from '../context.js';
import { requireMember } from '../members.js';
import { findMemberByIdentifier } from '../../store/members.js';
import { normaliseIdentifier } from '../../domain/identifiers.js';
import type { PurchaseInput, PurchaseResult, PurchaseStatusView } from './types.js';

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
  evaluation: Evaluation;
  lots: Awaited<ReturnType<typeof loadOpenLots>>['lots'];
  holds: Awaited<ReturnType<typeof loadOpenLots>>['holds'];
  available: number | null;
}

/** Loads the member's open lots and evaluates the receipt against the program's scheme. */
export async function evaluateFor(
  db: Executor,
  settings: ProgramSettings,
  member: MemberRow | null,
  input: PurchaseInput,
  occurredAt: Date,
  now: Date,
): Promise<Evaluated> {
  const state = member ? await loadOpenLots(db, member.memberId) : { lots: [], holds: [] };
  const available = member ? availableAt(state.lots, state.holds, now) : null;
  const evaluation = evaluateReceipt(
    { total: input.total, currency: input.currency, lines: input.lines },
    settings,
    member ? { status: member.status, available: available ?? 0 } : null,
    input.pointsToSpend ?? 0,
    occurredAt,
  );
  return { evaluation, lots: state.lots, holds: state.holds, available };
}

export function toResult(
  program: CachedProgram,
  input: PurchaseInput,
  e: {
    purchaseId: string | null;
    status: PurchaseStatusView;
    member: MemberRow | null;
    occurredAt: Date;
    evaluation: Evaluation;
    balanceBefore: number | null;
    balanceAfter: number | null;
    holdExpiresAt: Date | null;
  },
): PurchaseResult {
  const ev = e.evaluation;
  const s = program.settings;
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
    lines: ev.lines,
    balanceBefore: e.balanceBefore,
    balanceAfter: e.balanceAfter,
    holdExpiresAt: e.holdExpiresAt?.toISOString() ?? null,
    receiptText: receiptText(ev, e.balanceAfter, e.occurredAt, s.locale, s.timeZone),
  };
}

/** calculate: the same evaluation as create, nothing written. */
export async function calculatePurchase(ctx: AppContext, programId: string, input: PurchaseInput): Promise<PurchaseResult> {
  const program = await ctx.programs.get(programId);
  const now = ctx.clock();
  const occurredAt = occurredAtOf(input, now);
  const member = await resolvePurchaseMember(ctx.db, programId, input);
  const { evaluation, available } = await evaluateFor(ctx.db, program.settings, member, input, occurredAt, now);
  // Points earned are pending for the return window, so the spendable balance after the
  // purchase is the balance before less what is spent (unless nothing is pending).
  const immediate = program.settings.pendingDays === 0 ? evaluation.pointsEarned : 0;
  const after = available === null ? null : available - evaluation.pointsSpent + (input.twoPhase ? 0 : immediate);
  return toResult(program, input, {
    purchaseId: null,
    status: 'calculated',
    member,
    occurredAt,
    evaluation,
    balanceBefore: available,
    balanceAfter: after,
    holdExpiresAt: null,
  });
}
