import { applyMovements, availableAt, type Hold, type Lot } from '../domain/ledger.js';
import type { NewEntry, NewLot } from '../store/ledger.js';
import type { Account, EntryKind } from '../store/schema.js';
import type { AppContext } from './context.js';

/**
 * Collects one operation's ledger change for one member (new lots and entries) while the use case
 * plans it, and answers what the balance will be once it is written.
 */
export class LedgerChange {
  readonly newLots: NewLot[] = [];
  readonly entries: NewEntry[] = [];

  constructor(private readonly ctx: AppContext) {}

  openLot(lot: Omit<NewLot, 'lotId'>): string {
    const lotId = this.ctx.newId();
    this.newLots.push({ lotId, ...lot });
    return lotId;
  }

  post(
    lotId: string,
    account: Account,
    kind: EntryKind,
    amount: number,
    cause: { purchaseId?: string | null; returnId?: string | null; reason?: string | null; actor?: string | null } = {},
  ): void {
    if (amount !== 0) this.entries.push({ entryId: this.ctx.newId(), lotId, account, kind, amount, ...cause });
  }

  /** Spendable points after this change, at `at`. */
  availableAfter(lots: readonly Lot[], holds: readonly Hold[], at: Date): number {
    const created = this.newLots.map((l) => ({ lotId: l.lotId, remaining: 0, availableAt: l.availableAt, expiresAt: l.expiresAt }));
    const next = applyMovements(lots, created, this.entries.map((e) => ({ lotId: e.lotId, amount: e.amount })));
    return availableAt(next, holds, at);
  }
}
