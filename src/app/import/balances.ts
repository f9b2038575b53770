import { createHash } from 'node:crypto';
import { expiresAt as expiryOf } from '../../domain/calendar.js';
import { DomainError } from '../../domain/errors.js';
import { cell, type Mapping } from '../../domain/import/mapping.js';
import { parseExpiry, parseInstant, parsePoints, parseText } from '../../domain/import/values.js';
import type { MemberReference } from '../../store/import-purchases.js';
import { lockMembers, resolveMemberReferences } from '../../store/import-purchases.js';
import { postEntriesMany, type MemberChange } from '../../store/ledger.js';
import { claimOpeningBalances, findOpeningBalances, type OpeningBalanceClaim } from '../../store/opening-balances.js';
import type { AppContext, CachedProgram } from '../context.js';
import { BatchConflict, field, oneItem, type BatchOutcome, type Importer, type Item } from './batch.js';
import { memberReferenceOf } from './purchase-rows.js';
import type { SourceRecord } from './source.js';
import type { RejectedRow } from './types.js';

/** An opening balance as a row of the file gives it, checked. */
export interface BalanceItem extends Item {
  ref: MemberReference;
  /** The old system's name for this balance (a card's account, a lot); '' when the file has none: one balance per member. */
  reference: string;
  points: number;
  availableAt: Date;
  expiresAt: Date | null;
  /** Fingerprint of the file's own values (not of defaults filled in at import time). */
  requestHash: string;
}

/** The reason recorded on the ledger entry of an imported balance. */
export const OPENING_BALANCE_REASON = 'opening balance (import)';

/**
 * Points members had in the chain's previous loyalty system, carried over as opening balances.
 * Each balance becomes a lot of its own (its expiry and, optionally, the time it becomes
 * spendable) with one entry on the program's `adjusted` account, posted through the ledger's
 * writer like a manual credit, so `kopilka verify` balances. A balance is claimed in
 * `opening_balances` by (member, reference) in the same transaction: importing the same file
 * again adds nothing, and a different balance under a claimed (member, reference) is refused
 * (correct it with an adjustment, never by importing over it).
 */
export class BalanceImporter implements Importer<BalanceItem> {
  constructor(
    private readonly ctx: AppContext,
    private readonly program: CachedProgram,
    private readonly mapping: Mapping,
    private readonly columns: readonly string[],
    private readonly run: { importId: string; actor: string },
  ) {}

  add(record: SourceRecord): { items: BalanceItem[]; rejects: RejectedRow[] } {
    return oneItem(record, (r) => this.#prepare(r));
  }

  end() {
    return { items: [], rejects: [] };
  }

  #prepare(record: SourceRecord): BalanceItem {
    const m = this.mapping;
    const v = record.values;
    const zone = this.program.settings.timeZone;
    const col = (f: string) => this.columns[m.fields.get(f)!] ?? f;
    const get = <T>(f: string, parse: (t: string) => T) => field(col(f), cell(m, v, f), parse);
    const ref = memberReferenceOf(m, v, this.columns);
    const points = get('points', parsePoints);
    if (points === undefined) throw new DomainError('INVALID_ROW', `${col('points')}: the balance is missing`);
    const reference = get('reference', (t) => parseText(t, 200)) ?? '';
    const now = this.ctx.clock();
    const givenAvailable = get('availableAt', (t) => parseInstant(t, zone));
    const givenExpiry = get('expiresAt', (t) => parseExpiry(t, zone));
    const availableAt = givenAvailable && givenAvailable > now ? givenAvailable : now;
    const expiresAt = givenExpiry ?? expiryOf(now, this.program.settings.expiry, zone);
    if (expiresAt && expiresAt.getTime() <= now.getTime()) throw new DomainError('INVALID_ROW', `${col('expiresAt')}: the balance expired on ${expiresAt.toISOString()}; an expired balance is not carried over`);
    if (expiresAt && expiresAt.getTime() <= availableAt.getTime()) throw new DomainError('INVALID_ROW', `${col('availableAt')}: the balance would expire before it becomes spendable`);
    const requestHash = createHash('sha256')
      .update(JSON.stringify([points, givenAvailable?.toISOString() ?? null, givenExpiry?.toISOString() ?? null]))
      .digest('base64url');
    return { rows: [{ line: record.line, values: v }], ref, reference, points, availableAt, expiresAt, requestHash };
  }

  async write(items: BalanceItem[]): Promise<BatchOutcome> {
    const programId = this.program.programId;
    return this.ctx.db.transaction().execute(async (trx) => {
      const now = this.ctx.clock();
      const outcome: BatchOutcome = { counts: { balancesImported: 0, balancesSkipped: 0, pointsImported: 0 }, rejects: [] };
      const counts = outcome.counts as Required<Pick<BatchOutcome['counts'], 'balancesImported' | 'balancesSkipped' | 'pointsImported'>>;
      const refs = new Map(items.map((i) => [`${i.ref.kind}:${i.ref.value}`, i.ref]));
      const found = await resolveMemberReferences(trx, programId, [...refs.values()]);

      // One balance per (member, reference): a repeat within the file is skipped when it says the same, refused when not.
      const planned = new Map<string, BalanceItem & { memberId: string; lotId: string }>();
      for (const item of items) {
        const member = found.get(`${item.ref.kind}:${item.ref.value}`);
        if (!member || member.status === 'anonymised') {
          outcome.rejects.push({ item, code: 'MEMBER_NOT_FOUND', reason: `no member with ${item.ref.kind} ${item.ref.value} (import the members first)` });
          continue;
        }
        if (item.points === 0) {
          counts.balancesSkipped++;
          continue;
        }
        const key = `${member.memberId}|${item.reference}`;
        const earlier = planned.get(key);
        if (!earlier) planned.set(key, { ...item, memberId: member.memberId, lotId: this.ctx.newId() });
        else if (earlier.requestHash === item.requestHash) counts.balancesSkipped++;
        else outcome.rejects.push({ item, code: 'BALANCE_ALREADY_IMPORTED', reason: duplicateReason(item, 'earlier in the file') });
      }
      const wanted = [...planned.values()];
      if (wanted.length === 0) return outcome;

      const members = await lockMembers(trx, programId, wanted.map((w) => w.memberId));
      if (members.size < new Set(wanted.map((w) => w.memberId)).size) throw new BatchConflict('a member of the batch is gone');
      const claims: OpeningBalanceClaim[] = wanted.map((w) => ({ memberId: w.memberId, reference: w.reference, lotId: w.lotId, points: w.points, requestHash: w.requestHash }));
      const claimed = await claimOpeningBalances(trx, programId, this.run.importId, now, claims);
      const prior = await findOpeningBalances(trx, wanted.filter((w) => !claimed.has(`${w.memberId}|${w.reference}`)));
      const changes = new Map<string, MemberChange>();
      for (const w of wanted) {
        const key = `${w.memberId}|${w.reference}`;
        if (!claimed.has(key)) {
          if (prior.get(key) === w.requestHash) counts.balancesSkipped++;
          else outcome.rejects.push({ item: w, code: 'BALANCE_ALREADY_IMPORTED', reason: duplicateReason(w, 'by an earlier import') });
          continue;
        }
        const change = changes.get(w.memberId) ?? { memberId: w.memberId, newLots: [], entries: [] };
        change.newLots.push({ lotId: w.lotId, availableAt: w.availableAt, expiresAt: w.expiresAt, purchaseId: null });
        change.entries.push({ entryId: this.ctx.newId(), lotId: w.lotId, account: 'adjusted', kind: 'adjust', amount: w.points, reason: OPENING_BALANCE_REASON, actor: this.run.actor });
        changes.set(w.memberId, change);
        counts.balancesImported++;
        counts.pointsImported += w.points;
      }
      if (changes.size > 0) await postEntriesMany(trx, { programId, at: now }, [...changes.values()]);
      return outcome;
    });
  }
}

function duplicateReason(item: BalanceItem, where: string): string {
  const ref = item.reference === '' ? '' : ` under reference ${item.reference}`;
  return `a different opening balance of ${item.ref.kind} ${item.ref.value}${ref} was imported ${where}; correct it with an adjustment`;
}
