import { DomainError } from './errors.js';

/**
 * The ledger's arithmetic over a member's open lots. A lot is a batch of earned points with its
 * own activation and expiry; a debt lot (negative remainder) records points a member owes after a
 * return. Holds reserve points of particular lots for an unconfirmed purchase until they time out.
 * Nothing here reads a clock: every function takes the instant it answers for.
 */
export interface Lot {
  lotId: string;
  remaining: number;
  availableAt: Date;
  expiresAt: Date | null;
}

export interface Hold {
  lotId: string;
  amount: number;
  expiresAt: Date;
}

/** Points taken from (negative) or given to (positive) one lot. */
export interface LotMovement {
  lotId: string;
  amount: number;
}

const isExpired = (lot: Lot, at: Date) => lot.expiresAt !== null && lot.expiresAt.getTime() <= at.getTime();
const isPending = (lot: Lot, at: Date) => lot.availableAt.getTime() > at.getTime();

/** Points of each lot reserved by holds still in force at `at`. */
export function heldByLot(holds: readonly Hold[], at: Date): Map<string, number> {
  const held = new Map<string, number>();
  for (const h of holds) {
    if (h.expiresAt.getTime() > at.getTime()) held.set(h.lotId, (held.get(h.lotId) ?? 0) + h.amount);
  }
  return held;
}

/** Lots that may be spent at `at`, in the order they are consumed: first expiring first. */
export function spendableLots(lots: readonly Lot[], holds: readonly Hold[], at: Date): LotMovement[] {
  const held = heldByLot(holds, at);
  return lots
    .filter((l) => l.remaining > 0 && !isPending(l, at) && !isExpired(l, at))
    .sort(
      (a, b) =>
        (a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) - (b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) ||
        a.availableAt.getTime() - b.availableAt.getTime() ||
        (a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0),
    )
    .map((l) => ({ lotId: l.lotId, amount: l.remaining - (held.get(l.lotId) ?? 0) }))
    .filter((m) => m.amount > 0);
}

/** Points owed after returns (the sum of debt lots, as a positive number). */
export function debtOf(lots: readonly Lot[]): number {
  return lots.reduce((s, l) => s + (l.remaining < 0 ? -l.remaining : 0), 0);
}

export interface BalanceView {
  /** Spendable now: available lots less holds less debt (can be negative). */
  available: number;
  pending: { amount: number; availableAt: Date }[];
  held: number;
  expiringSoon: { amount: number; expiresAt: Date }[];
  /** The book balance: all that remains on lots, expired-but-not-yet-written included. */
  ledgerBalance: number;
}

/** The balance as of `at`; right whether or not the expiry job has written expired lots down. */
export function balanceAt(lots: readonly Lot[], holds: readonly Hold[], at: Date, soonUntil: Date): BalanceView {
  const spendable = spendableLots(lots, holds, at);
  const available = spendable.reduce((s, m) => s + m.amount, 0) - debtOf(lots);
  const held = [...heldByLot(holds, at).values()].reduce((s, v) => s + v, 0);
  const pending = groupByDate(
    lots.filter((l) => l.remaining > 0 && isPending(l, at)).map((l) => ({ amount: l.remaining, at: l.availableAt })),
  ).map((g) => ({ amount: g.amount, availableAt: g.at }));
  const byId = new Map(lots.map((l) => [l.lotId, l]));
  const expiringSoon = groupByDate(
    spendable
      .map((m) => ({ amount: m.amount, at: byId.get(m.lotId)!.expiresAt }))
      .filter((e): e is { amount: number; at: Date } => e.at !== null && e.at.getTime() <= soonUntil.getTime()),
  ).map((g) => ({ amount: g.amount, expiresAt: g.at }));
  return { available, pending, held, expiringSoon, ledgerBalance: lots.reduce((s, l) => s + l.remaining, 0) };
}

function groupByDate(items: { amount: number; at: Date }[]): { amount: number; at: Date }[] {
  const sums = new Map<number, number>();
  for (const i of items) sums.set(i.at.getTime(), (sums.get(i.at.getTime()) ?? 0) + i.amount);
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([t, amount]) => ({ amount, at: new Date(t) }));
}

export type LotState = 'pending' | 'available' | 'expired' | 'debt';

/** A lot as the member page shows it: its state at `at`, what holds reserve of it, and its place in the spending order. */
export interface LotView<L extends Lot = Lot> {
  lot: L;
  state: LotState;
  held: number;
  /** 1 for the lot the next spend takes first; null for a lot that cannot be spent now. */
  spendOrder: number | null;
}

/**
 * Open lots (non-zero remainder) at `at`, in the order they are used: spendable lots first-
 * expiring-first (as planRedeem takes them), then pending lots by activation, then debts, then
 * lots already expired that the expiry job has not yet written down (they count for nothing).
 */
export function lotViews<L extends Lot>(lots: readonly L[], holds: readonly Hold[], at: Date): LotView<L>[] {
  const held = heldByLot(holds, at);
  const order = new Map(spendableLots(lots, holds, at).map((m, i) => [m.lotId, i + 1]));
  const stateOf = (l: Lot): LotState => (l.remaining < 0 ? 'debt' : isExpired(l, at) ? 'expired' : isPending(l, at) ? 'pending' : 'available');
  const rank: Record<LotState, number> = { available: 0, pending: 1, debt: 2, expired: 3 };
  return lots
    .filter((l) => l.remaining !== 0)
    .map((lot) => ({ lot, state: stateOf(lot), held: held.get(lot.lotId) ?? 0, spendOrder: order.get(lot.lotId) ?? null }))
    .sort(
      (a, b) =>
        rank[a.state] - rank[b.state] ||
        (a.spendOrder ?? Number.MAX_SAFE_INTEGER) - (b.spendOrder ?? Number.MAX_SAFE_INTEGER) ||
        a.lot.availableAt.getTime() - b.lot.availableAt.getTime() ||
        (a.lot.lotId < b.lot.lotId ? -1 : a.lot.lotId > b.lot.lotId ? 1 : 0),
    );
}

/**
 * Points earned but not yet spendable at `at` (the return window), and when the first of them
 * become spendable; told to a member who asks to spend more than is available.
 */
export function pendingOf(lots: readonly Lot[], at: Date): { pending: number; nextAvailableAt: Date | null } {
  const waiting = lots.filter((l) => l.remaining > 0 && isPending(l, at) && !isExpired(l, l.availableAt));
  const next = waiting.reduce<Date | null>((m, l) => (m === null || l.availableAt.getTime() < m.getTime() ? l.availableAt : m), null);
  return { pending: waiting.reduce((s, l) => s + l.remaining, 0), nextAvailableAt: next };
}

/** The extra fields of INSUFFICIENT_POINTS: what is spendable, and what is pending and from when. */
export function shortOfPoints(available: number, pending: { pending: number; nextAvailableAt: Date | null }): Record<string, unknown> {
  return { available, pending: pending.pending, nextAvailableAt: pending.nextAvailableAt?.toISOString() ?? null };
}

/** The detail of INSUFFICIENT_POINTS, e.g. "asked for 100 points, 0 available (120 pending, spendable from 2026-03-16T09:00:00.000Z)". */
export function shortOfPointsDetail(asked: number, available: number, pending: { pending: number; nextAvailableAt: Date | null }): string {
  const waiting = pending.pending > 0 && pending.nextAvailableAt ? ` (${pending.pending} pending, the first spendable from ${pending.nextAvailableAt.toISOString()})` : '';
  return `asked to spend ${asked} points, ${available} available${waiting}`;
}

/** Spendable points at `at` (the `available` of balanceAt, without the rest). */
export function availableAt(lots: readonly Lot[], holds: readonly Hold[], at: Date): number {
  return spendableLots(lots, holds, at).reduce((s, m) => s + m.amount, 0) - debtOf(lots);
}

/**
 * Takes `amount` points first-expiring-first. Returns negative movements per lot; throws
 * INSUFFICIENT_POINTS (changing nothing) when the spendable balance is short.
 */
export function planRedeem(lots: readonly Lot[], holds: readonly Hold[], amount: number, at: Date): LotMovement[] {
  if (amount === 0) return []; // spending nothing is always possible, even with a negative balance
  const available = availableAt(lots, holds, at);
  if (amount > available) {
    const pending = pendingOf(lots, at);
    throw new DomainError('INSUFFICIENT_POINTS', shortOfPointsDetail(amount, available, pending), { extra: shortOfPoints(available, pending) });
  }
  return takeInOrder(spendableLots(lots, holds, at), amount).taken;
}

function takeInOrder(order: LotMovement[], amount: number): { taken: LotMovement[]; short: number } {
  const taken: LotMovement[] = [];
  let left = amount;
  for (const m of order) {
    if (left === 0) break;
    const take = Math.min(left, m.amount);
    taken.push({ lotId: m.lotId, amount: -take });
    left -= take;
  }
  return { taken, short: left };
}

/**
 * Splits an earn of `amount` points: debt is paid off first (positive movements on debt lots,
 * oldest first), and what is left becomes the new lot.
 */
export function planEarn(lots: readonly Lot[], amount: number): { toDebt: LotMovement[]; newLot: number } {
  const toDebt: LotMovement[] = [];
  let left = amount;
  for (const l of [...lots].filter((l) => l.remaining < 0).sort((a, b) => a.availableAt.getTime() - b.availableAt.getTime())) {
    if (left === 0) break;
    const pay = Math.min(left, -l.remaining);
    toDebt.push({ lotId: l.lotId, amount: pay });
    left -= pay;
  }
  return { toDebt, newLot: left };
}

/**
 * Takes back `amount` points earned by a purchase that is being returned: first from the lot the
 * purchase created (pending or not), then from other spendable lots first-expiring-first. What
 * cannot be taken is the shortfall, which the program's clawback policy settles.
 */
export function planClawback(
  lots: readonly Lot[],
  holds: readonly Hold[],
  sourceLotIds: readonly string[],
  amount: number,
  at: Date,
): { taken: LotMovement[]; shortfall: number } {
  const held = heldByLot(holds, at);
  const own = sourceLotIds
    .map((id) => lots.find((l) => l.lotId === id))
    .filter((l): l is Lot => l !== undefined && !isExpired(l, at))
    .map((l) => ({ lotId: l.lotId, amount: l.remaining - (held.get(l.lotId) ?? 0) }))
    .filter((m) => m.amount > 0);
  const others = spendableLots(lots, holds, at).filter((m) => !sourceLotIds.includes(m.lotId));
  const { taken, short } = takeInOrder([...own, ...others], amount);
  // Debt already owed stays owed; a clawback never pays it with points that are not there.
  return { taken, shortfall: short };
}

/** What the expiry write-down burns from each lot at `at`: all that is not reserved by a hold in force. */
export function planExpiry(lots: readonly Lot[], holds: readonly Hold[], at: Date): LotMovement[] {
  const held = heldByLot(holds, at);
  return lots
    .filter((l) => isExpired(l, at) && l.remaining > 0)
    .map((l) => ({ lotId: l.lotId, amount: -(l.remaining - (held.get(l.lotId) ?? 0)) }))
    .filter((m) => m.amount < 0);
}

/** The lots after movements are applied (and new lots added): for answering "balance after". */
export function applyMovements(lots: readonly Lot[], created: readonly Lot[], movements: readonly LotMovement[]): Lot[] {
  const next = new Map<string, Lot>([...lots, ...created.map((l) => ({ ...l, remaining: 0 }))].map((l) => [l.lotId, { ...l }]));
  for (const m of movements) {
    const lot = next.get(m.lotId);
    if (!lot) throw new Error(`movement on unknown lot ${m.lotId}`);
    lot.remaining += m.amount;
  }
  return [...next.values()].filter((l) => l.remaining !== 0);
}
