import { applyMovements, availableAt, planEarn, type Hold, type Lot } from './ledger.js';

/**
 * One operation's change to one member's ledger, as plain values: the lots it opens and the entries
 * it posts. Use cases draft it in memory (purchase, confirm, return, adjustment, expiry, event
 * points) and the store writes it in one statement. Ids come from the caller's id source, so a
 * draft made twice from the same ids is the same draft.
 */
export type Account = 'issued' | 'redeemed' | 'expired' | 'adjusted';
export type EntryKind = 'earn' | 'redeem' | 'expire' | 'adjust' | 'return_clawback' | 'return_restore';

export interface NewLot {
  lotId: string;
  availableAt: Date;
  expiresAt: Date | null;
  purchaseId: string | null;
}

export interface NewEntry {
  entryId: string;
  lotId: string;
  account: Account;
  kind: EntryKind;
  amount: number;
  purchaseId?: string | null;
  returnId?: string | null;
  reason?: string | null;
  actor?: string | null;
}

export interface NewHold {
  purchaseId: string;
  lotId: string;
  amount: number;
  expiresAt: Date;
}

export interface EntryCause {
  purchaseId?: string | null;
  returnId?: string | null;
  reason?: string | null;
  actor?: string | null;
}

export class LedgerDraft {
  readonly newLots: NewLot[] = [];
  readonly entries: NewEntry[] = [];

  constructor(private readonly newId: () => string) {}

  openLot(lot: Omit<NewLot, 'lotId'>): string {
    const lotId = this.newId();
    this.newLots.push({ lotId, ...lot });
    return lotId;
  }

  post(lotId: string, account: Account, kind: EntryKind, amount: number, cause: EntryCause = {}): void {
    if (amount !== 0) this.entries.push({ entryId: this.newId(), lotId, account, kind, amount, ...cause });
  }

  /** The lots once this draft is applied (new lots included, emptied ones left out). */
  lotsAfter(lots: readonly Lot[]): Lot[] {
    const created = this.newLots.map((l) => ({ lotId: l.lotId, remaining: 0, availableAt: l.availableAt, expiresAt: l.expiresAt }));
    return applyMovements(lots, created, this.entries.map((e) => ({ lotId: e.lotId, amount: e.amount })));
  }

  /** Spendable points after this change, at `at`. */
  availableAfter(lots: readonly Lot[], holds: readonly Hold[], at: Date): number {
    return availableAt(this.lotsAfter(lots), holds, at);
  }

  /** The sum of the entries: what the member's book balance moves by. */
  get total(): number {
    return this.entries.reduce((s, e) => s + e.amount, 0);
  }
}

/** Earns points into a new lot, paying off any debt first. */
export function earnInto(
  draft: LedgerDraft,
  lots: readonly Lot[],
  points: number,
  lot: { purchaseId: string | null; availableAt: Date; expiresAt: Date | null; reason?: string; actor?: string },
): void {
  if (points <= 0) return;
  const { toDebt, newLot } = planEarn(lots, points);
  const cause = { purchaseId: lot.purchaseId, reason: lot.reason ?? null, actor: lot.actor ?? null };
  for (const d of toDebt) draft.post(d.lotId, 'issued', 'earn', d.amount, cause);
  if (newLot > 0) {
    const lotId = draft.openLot({ availableAt: lot.availableAt, expiresAt: lot.expiresAt, purchaseId: lot.purchaseId });
    draft.post(lotId, 'issued', 'earn', newLot, cause);
  }
}
