import { expiresAt as expiryOf } from '../domain/calendar.js';
import { DomainError } from '../domain/errors.js';
import { balanceAt, lotViews, planExpiry, planRedeem, type LotState } from '../domain/ledger.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../domain/list-paging.js';
import { draftEvent } from '../domain/events/catalogue.js';
import { insertEventsQuery } from '../store/domain-events.js';
import { afterRow } from '../store/keyset.js';
import { listEntries, loadMemberLotsMany, loadOpenLots, openLotsOfMember, lockWallet, membersWithExpiredLots, postEntries, type EntrySortKey } from '../store/ledger.js';
import type { Actor, AppContext } from './context.js';
import { LedgerDraft } from '../domain/ledger-draft.js';
import { isUuid, requireMember } from './members.js';
import { ReadBatcher } from './read-batcher.js';

export interface BalanceResult {
  memberId: string;
  available: number;
  pending: { points: number; availableAt: string }[];
  pendingTotal: number;
  held: number;
  expiringSoon: { points: number; expiresAt: string }[];
  /** Points on the books, pending and held included. */
  total: number;
  asOf: string;
}

/** Balance reads of one context, coalesced into one query per turn of the event loop. */
const readers = new WeakMap<AppContext, ReadBatcher<string, Awaited<ReturnType<typeof loadMemberLotsMany>> extends Map<string, infer V> ? V : never>>();
function balanceReader(ctx: AppContext) {
  let r = readers.get(ctx);
  if (!r) readers.set(ctx, (r = new ReadBatcher((ids) => loadMemberLotsMany(ctx.db, ids))));
  return r;
}

/** The balance as of now: right at any instant, whether or not the expiry job has run. */
export async function getBalance(ctx: AppContext, actor: Actor, memberId: string): Promise<BalanceResult> {
  const { settings } = await ctx.programs.get(actor.programId);
  const state = isUuid(memberId) ? await balanceReader(ctx).load(memberId) : undefined;
  if (!state || state.programId !== actor.programId) throw new DomainError('MEMBER_NOT_FOUND', `no member ${memberId} in this program`);
  const { lots, holds } = state;
  const now = ctx.clock();
  const b = balanceAt(lots, holds, now, new Date(now.getTime() + settings.expiringSoonDays * 86_400_000));
  const pendingTotal = b.pending.reduce((s, p) => s + p.amount, 0);
  return {
    memberId,
    available: b.available,
    pending: b.pending.map((p) => ({ points: p.amount, availableAt: p.availableAt.toISOString() })),
    pendingTotal,
    held: b.held,
    expiringSoon: b.expiringSoon.map((e) => ({ points: e.amount, expiresAt: e.expiresAt.toISOString() })),
    total: b.available + pendingTotal + b.held,
    asOf: now.toISOString(),
  };
}

export interface LotsResult {
  memberId: string;
  items: {
    id: string;
    state: LotState;
    /** Points the lot was made with (negative for a debt). */
    points: number;
    remaining: number;
    held: number;
    spendOrder: number | null;
    createdAt: string;
    availableAt: string;
    expiresAt: string | null;
    purchaseId: string | null;
  }[];
  asOf: string;
}

/**
 * The member's open lots (non-zero remainder) as of now, in the order they are used. Not paged:
 * a member's open lots are the earns of one expiry period, and the list is the whole picture
 * the balance is made of; spent and written-off lots are in the ledger.
 */
export async function getLots(ctx: AppContext, actor: Actor, memberId: string): Promise<LotsResult> {
  await requireMember(ctx.db, actor.programId, memberId);
  const { lots, holds } = await openLotsOfMember(ctx.db, memberId);
  const now = ctx.clock();
  return {
    memberId,
    items: lotViews(lots, holds, now).map(({ lot, state, held, spendOrder }) => ({
      id: lot.lotId,
      state,
      points: lot.amount,
      remaining: lot.remaining,
      held,
      spendOrder,
      createdAt: lot.createdAt.toISOString(),
      availableAt: lot.availableAt.toISOString(),
      expiresAt: lot.expiresAt?.toISOString() ?? null,
      purchaseId: lot.purchaseId,
    })),
    asOf: now.toISOString(),
  };
}

export interface LedgerEntryView {
  id: string;
  createdAt: string;
  kind: string;
  account: string;
  points: number;
  lotId: string;
  cause: { type: 'purchase' | 'return' | 'expiry' | 'adjustment'; purchaseId: string | null; returnId: string | null; reason: string | null; actor: string | null };
}

const causeType = (kind: string): LedgerEntryView['cause']['type'] =>
  kind === 'expire' ? 'expiry' : kind === 'adjust' ? 'adjustment' : kind.startsWith('return_') ? 'return' : 'purchase';

export const LEDGER_LIST: ListSpec<EntrySortKey> = { list: 'ledger', keys: { createdAt: 'instant', points: 'integer' }, id: 'uuid', defaultSort: '-createdAt' };

/** A page of a member's ledger, newest first unless asked otherwise. */
export async function getLedger(ctx: AppContext, actor: Actor, memberId: string, q: ListQuery): Promise<Page<LedgerEntryView>> {
  const sort = parseSort(LEDGER_LIST, q.sort);
  const after = decodeCursor(LEDGER_LIST, sort, q.cursor);
  await requireMember(ctx.db, actor.programId, memberId);
  const rows = await listEntries(ctx.db, memberId, { sort, after, limit: q.limit });
  return pageOf(LEDGER_LIST.list, sort, rows, q.limit, afterRow, (e) => ({
      id: e.entryId,
      createdAt: e.createdAt.toISOString(),
      kind: e.kind,
      account: e.account,
      points: e.amount,
      lotId: e.lotId,
    cause: { type: causeType(e.kind), purchaseId: e.purchaseId, returnId: e.returnId, reason: e.reason, actor: e.actor },
  }));
}

export interface AdjustmentInput {
  points: number;
  reason: string;
  /** For a credit: when the points expire (default: the program's expiry rule from now). */
  expiresAt?: string | undefined;
}

export interface AdjustmentResult {
  adjustmentId: string;
  memberId: string;
  points: number;
  reason: string;
  actor: string;
  balanceAfter: number;
  createdAt: string;
}

/** A manual credit or debit with a reason, recorded with who made it. A debit never goes below zero. */
export async function adjustPoints(ctx: AppContext, actor: Actor, memberId: string, input: AdjustmentInput): Promise<AdjustmentResult> {
  if (!Number.isSafeInteger(input.points) || input.points === 0) {
    throw new DomainError('VALIDATION_FAILED', 'points must be a non-zero integer', { errors: [{ pointer: '/points', detail: 'must be a non-zero integer' }] });
  }
  const { settings } = await ctx.programs.get(actor.programId);
  return ctx.db.transaction().execute(async (trx) => {
    await requireMember(trx, actor.programId, memberId);
    await lockWallet(trx, memberId);
    const now = ctx.clock();
    const { lots, holds } = await loadOpenLots(trx, memberId);
    const change = new LedgerDraft(ctx.newId);
    const adjustmentId = ctx.newId();
    const cause = { reason: input.reason, actor: actor.name };
    let expires: Date | null = null;
    if (input.points > 0) {
      expires = input.expiresAt ? new Date(input.expiresAt) : expiryOf(now, settings.expiry, settings.timeZone);
      if (expires && (Number.isNaN(expires.getTime()) || expires.getTime() <= now.getTime())) {
        throw new DomainError('VALIDATION_FAILED', 'expiresAt must be a future date-time', { errors: [{ pointer: '/expiresAt', detail: 'must be in the future' }] });
      }
      const lotId = change.openLot({ availableAt: now, expiresAt: expires, purchaseId: null });
      change.post(lotId, 'adjusted', 'adjust', input.points, cause);
    } else {
      for (const m of planRedeem(lots, holds, -input.points, now)) change.post(m.lotId, 'adjusted', 'adjust', m.amount, cause);
    }
    const balanceAfter = change.availableAfter(lots, holds, now);
    const event = draftEvent(ctx.newId(), 'points.adjusted', memberId, now, { adjustmentId, points: input.points, reason: input.reason, actor: actor.name, expiresAt: expires?.toISOString() ?? null });
    await postEntries(trx, { memberId, programId: actor.programId, at: now }, change.newLots, change.entries, [insertEventsQuery(actor.programId, now, [event])]);
    return { adjustmentId, memberId, points: input.points, reason: input.reason, actor: actor.name, balanceAfter, createdAt: now.toISOString() };
  });
}

/**
 * The expiry write-down: writes expiry entries for what time has already taken. Balances are
 * right without it; it keeps the books short. Works in batches of members, one transaction each.
 */
export async function expirePoints(ctx: AppContext, batchSize = 500): Promise<{ members: number; points: number }> {
  let members = 0;
  let points = 0;
  const seen = new Set<string>();
  for (;;) {
    const due = (await membersWithExpiredLots(ctx.db, ctx.clock(), batchSize)).filter((d) => !seen.has(d.memberId));
    if (due.length === 0) return { members, points };
    for (const d of due) {
      seen.add(d.memberId);
      const burned = await ctx.db.transaction().execute(async (trx) => {
        await lockWallet(trx, d.memberId);
        const now = ctx.clock();
        const { lots, holds } = await loadOpenLots(trx, d.memberId);
        const change = new LedgerDraft(ctx.newId);
        for (const m of planExpiry(lots, holds, now)) change.post(m.lotId, 'expired', 'expire', m.amount, { reason: 'expiry' });
        const burned = -change.entries.reduce((s, e) => s + e.amount, 0);
        const events = burned > 0 ? [draftEvent(ctx.newId(), 'points.expired', d.memberId, now, { points: burned, lots: new Set(change.entries.map((e) => e.lotId)).size, expiredAt: now.toISOString() })] : [];
        await postEntries(trx, { memberId: d.memberId, programId: d.programId, at: now }, change.newLots, change.entries, events.length > 0 ? [insertEventsQuery(d.programId, now, events)] : []);
        return burned;
      });
      if (burned > 0) {
        members++;
        points += burned;
      }
    }
  }
}
