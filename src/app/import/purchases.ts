import { applyMovements } from '../../domain/ledger.js';
import { planPurchase } from '../../domain/purchase-plan.js';
import { noRuleState } from '../../domain/purchase-rules.js';
import type { Mapping } from '../../domain/import/mapping.js';
import type { AmountUnit } from '../../domain/import/values.js';
import type { ImportedMember } from '../../store/import-members.js';
import { writeImportedMembers } from '../../store/import-members.js';
import { markHistory } from '../../store/analytics-aggregate.js';
import { countImportedPurchases, findReceiptClaims, insertPurchasesQuery, lockMembers, resolveMemberReferences, type ImportedPurchase } from '../../store/import-purchases.js';
import { claimReceipts } from '../../store/purchases.js';
import { loadOpenLotsMany, postEntriesMany, type MemberChange } from '../../store/ledger.js';
import { toMember } from '../../store/members.js';
import type { Tx } from '../../store/executor.js';
import type { AppContext, CachedProgram } from '../context.js';
import { evaluateWith } from '../purchases/evaluate.js';
import { mainSchemeOnly } from '../purchases/rules.js';
import { BatchConflict, type BatchOutcome, type Importer } from './batch.js';
import { PurchaseRows, type PurchaseItem } from './purchase-rows.js';
import type { SourceRecord } from './source.js';

type Claimed = PurchaseItem & { memberId: string };

/**
 * Purchases from a file, written as the members' purchases with their original dates. A batch is
 * one transaction: resolve the members named (creating unknown ones when asked), claim the receipt
 * ids (ON CONFLICT DO NOTHING: a receipt imported before is skipped, a different receipt with the
 * same id refused), then write every purchase — and, with `earn`, the points as the main scheme
 * would have given them on the purchase date, through the ledger — in one statement.
 */
export class PurchaseImporter implements Importer<PurchaseItem> {
  readonly #rows: PurchaseRows;

  constructor(
    private readonly ctx: AppContext,
    private readonly program: CachedProgram,
    mapping: Mapping,
    columns: readonly string[],
    private readonly options: { amounts: AmountUnit; createMembers: boolean; earn: boolean },
  ) {
    this.#rows = new PurchaseRows(ctx, program, mapping, columns, options.amounts);
  }

  add(record: SourceRecord) {
    return this.#rows.add(record);
  }

  end() {
    return this.#rows.end();
  }

  async write(items: PurchaseItem[]): Promise<BatchOutcome> {
    const programId = this.program.programId;
    return this.ctx.db.transaction().execute(async (trx) => {
      const now = this.ctx.clock();
      const outcome: BatchOutcome = { counts: { purchasesImported: 0, purchasesSkipped: 0, membersCreated: 0, pointsEarned: 0, pointsExpired: 0 }, rejects: [] };
      const counts = outcome.counts as Required<BatchOutcome['counts']>;

      // Members: found by their references, or planned for creation.
      const refs = new Map(items.map((i) => [`${i.ref.kind}:${i.ref.value}`, i.ref]));
      const found = await resolveMemberReferences(trx, programId, [...refs.values()]);
      const planned = new Map<string, ImportedMember & { kind: string; value: string }>();
      const withMember: Claimed[] = [];
      for (const item of items) {
        const key = `${item.ref.kind}:${item.ref.value}`;
        let memberId = found.get(key)?.memberId ?? planned.get(key)?.memberId;
        if (!memberId && this.options.createMembers && item.ref.kind !== 'member_id') {
          memberId = this.ctx.newId();
          planned.set(key, { ...newMember(memberId, item), kind: item.ref.kind, value: item.ref.value });
        }
        if (!memberId) {
          const hint = item.ref.kind === 'member_id' ? '' : ' (create such members on the fly with --create-members)';
          outcome.rejects.push({ item, code: 'MEMBER_NOT_FOUND', reason: `no member with ${item.ref.kind} ${item.ref.value}${hint}` });
        } else withMember.push({ ...item, memberId });
      }

      // Receipts: claimed now, imported before (skipped), or another receipt's id (refused).
      // The purchase path's own claim statement (it also locks the wallets of members that exist).
      const { claimed: claimedIds } = await claimReceipts(trx, programId, withMember.map((i) => ({ receiptId: i.receiptId, purchaseId: i.purchaseId, memberId: i.memberId, requestHash: i.requestHash })), now);
      const claimed = withMember.filter((i) => claimedIds.has(i.purchaseId));
      const prior = await findReceiptClaims(trx, programId, withMember.filter((i) => !claimedIds.has(i.purchaseId)).map((i) => i.receiptId));
      for (const item of withMember) {
        if (claimedIds.has(item.purchaseId)) continue;
        const p = prior.get(item.receiptId);
        if (p && p.requestHash === item.requestHash) counts.purchasesSkipped++;
        else outcome.rejects.push({ item, code: 'RECEIPT_ALREADY_EXISTS', reason: `receipt ${item.receiptId} was already recorded with different contents` });
      }
      if (claimed.length === 0) return outcome;

      // New members are created only for purchases that are written; each enrolled at its first purchase here.
      const needed = new Map<string, ImportedMember & { kind: string; value: string }>();
      for (const item of claimed) {
        const m = planned.get(`${item.ref.kind}:${item.ref.value}`);
        if (!m) continue;
        if (item.occurredAt < m.createdAt) m.createdAt = item.occurredAt;
        needed.set(m.memberId, m);
      }
      const created = [...needed.values()];
      // Receipts (and members enrolled at the first of them) dated in the past: the analytics job
      // recomputes every day from the earliest (docs/adr/0020).
      await markHistory(trx, programId, new Date(claimed.reduce((t, i) => Math.min(t, i.occurredAt.getTime()), Infinity)), now);
      const members = { created, claims: created.map((m) => ({ memberId: m.memberId, kind: m.kind, value: m.value })), fills: [] };
      counts.membersCreated = created.length;

      if (!this.options.earn) {
        const rows = claimed.map((i) => this.#purchaseRow(i, found.get(`${i.ref.kind}:${i.ref.value}`)?.status ?? 'active'));
        const made = await writeImportedMembers(trx, programId, now, members, [insertPurchasesQuery(programId, now, rows)]);
        if (made !== members.claims.length) throw new BatchConflict('a member of the batch was created by another writer meanwhile');
        await countImportedPurchases(trx, rows);
        counts.purchasesImported = rows.length;
        return outcome;
      }
      if (created.length > 0 && (await writeImportedMembers(trx, programId, now, members)) !== members.claims.length) {
        throw new BatchConflict('a member of the batch was created by another writer meanwhile');
      }
      const earned = await this.#earn(trx, claimed, now);
      await countImportedPurchases(trx, claimed.map((c) => ({ memberId: c.memberId, occurredAt: c.occurredAt })));
      counts.purchasesImported = claimed.length;
      counts.pointsEarned = earned.points;
      counts.pointsExpired = earned.expired;
      return outcome;
    });
  }

  /** A purchase recorded without points: the evaluation made when the row was read, nothing earned. */
  #purchaseRow(i: Claimed, memberStatus: ImportedPurchase['memberStatus']): ImportedPurchase {
    const { memberId, purchaseId, receiptId, occurredAt, input, lineTerms, resultJson } = i;
    return {
      memberId,
      memberStatus,
      purchaseId,
      receiptId,
      storeId: input.storeId ?? null,
      channel: input.channel ?? null,
      occurredAt,
      total: input.total,
      pointsEarned: 0,
      earnedAvailableAt: null,
      earnedExpiresAt: null,
      lineTerms,
      resultJson,
    };
  }

  /**
   * Earns as the purchases would have on their dates: each is planned by planPurchase (the
   * till's own plan) on the member's lots read under the wallet lock, in file order, each plan
   * seeing the ones before it. Lots whose expiry has already passed are written down at once.
   */
  async #earn(trx: Tx, claimed: Claimed[], now: Date): Promise<{ points: number; expired: number }> {
    const memberIds = [...new Set(claimed.map((i) => i.memberId))];
    const members = await lockMembers(trx, this.program.programId, memberIds);
    if (members.size < memberIds.length) throw new BatchConflict('a member of the batch is gone');
    const states = await loadOpenLotsMany(trx, memberIds);
    const changes = new Map<string, MemberChange>();
    const purchases: ImportedPurchase[] = [];
    let points = 0;
    let expired = 0;
    for (const i of claimed) {
      const state = states.get(i.memberId)!;
      const member = toMember(members.get(i.memberId)!);
      const rc = mainSchemeOnly(this.program);
      const rules = noRuleState({ storeId: i.input.storeId ?? null, channel: i.input.channel ?? null });
      const { evaluation } = evaluateWith(rc, rules, member, state, i.input, i.occurredAt, now);
      const pc = { programId: this.program.programId, settings: this.program.settings, rc, purchaseId: i.purchaseId, occurredAt: i.occurredAt, now, newId: this.ctx.newId };
      const plan = planPurchase(pc, i.input, member, state, { evaluation, rules });
      const entries = [...plan.entries];
      for (const lot of plan.newLots) {
        if (lot.expiresAt === null || lot.expiresAt.getTime() > now.getTime()) continue;
        const amount = plan.entries.filter((e) => e.lotId === lot.lotId).reduce((s, e) => s + e.amount, 0);
        if (amount <= 0) continue;
        entries.push({ entryId: this.ctx.newId(), lotId: lot.lotId, account: 'expired', kind: 'expire', amount: -amount, reason: 'expiry' });
        expired += amount;
      }
      const created = plan.newLots.map((l) => ({ lotId: l.lotId, remaining: 0, availableAt: l.availableAt, expiresAt: l.expiresAt, purchaseId: l.purchaseId }));
      const lots = applyMovements(state.lots, created, entries.map((e) => ({ lotId: e.lotId, amount: e.amount })));
      states.set(i.memberId, { lots: lots as typeof state.lots, holds: state.holds });
      const change = changes.get(i.memberId) ?? { memberId: i.memberId, newLots: [], entries: [] };
      change.newLots.push(...plan.newLots);
      change.entries.push(...entries);
      changes.set(i.memberId, change);
      const p = plan.purchase;
      purchases.push({
        memberId: p.memberId,
        memberStatus: plan.result.memberStatus ?? 'active',
        purchaseId: p.purchaseId,
        receiptId: p.receiptId,
        storeId: p.storeId,
        channel: p.channel,
        occurredAt: p.occurredAt,
        total: p.total,
        pointsEarned: p.pointsEarned,
        earnedAvailableAt: p.earnedAvailableAt,
        earnedExpiresAt: p.earnedExpiresAt,
        lineTerms: p.lineTerms,
        resultJson: JSON.stringify(plan.result),
      });
      points += plan.purchase.pointsEarned;
    }
    await postEntriesMany(trx, { programId: this.program.programId, at: now }, [...changes.values()], [insertPurchasesQuery(this.program.programId, now, purchases)]);
    return { points, expired };
  }
}

function newMember(memberId: string, item: PurchaseItem): ImportedMember {
  return { memberId, name: null, phone: item.ref.kind === 'phone' ? item.ref.value : null, email: item.ref.kind === 'email' ? item.ref.value : null, birthday: null, gender: null, city: null, attributes: {}, consents: {}, createdAt: item.occurredAt };
}
