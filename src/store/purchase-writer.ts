/**
 * The purchase writer (the "commit" of load → decide → commit): writes a list of purchase plans
 * (domain/purchase-plan.ts) as one statement — lots, entries, lot remainders and wallets; holds;
 * purchase rows; effects; campaign usage; coupon uses; tier changes; budget warnings in the audit
 * log — together with the release of refused purchases' receipt claims. The single and the batched
 * write paths, and the import of history, go through it, so a purchase is written the same way
 * whichever path it took.
 */
import { sql, type OperationNodeSource } from 'kysely';
import type { AnonymousPurchasePlan, PlannedWarning, PurchasePlan, PurchaseRecord } from '../domain/purchase-plan.js';
import { insertAuditQuery } from './audit.js';
import { addUsageQuery, insertEffectsQuery } from './campaign-state.js';
import { insertCouponUsesQuery } from './coupons.js';
import type { Executor } from './executor.js';
import { json } from './executor.js';
import { ledgerWrites, runTogether } from './ledger.js';
import { insertTierChangeQuery } from './tier-state.js';

export interface PurchaseWrite {
  programId: string;
  at: Date;
  plans: readonly PurchasePlan[];
  anonymous?: readonly AnonymousPurchasePlan[];
  /** Receipt claims made for purchases that were then refused: released in the same statement. */
  released?: readonly { receiptId: string; purchaseId: string }[];
}

/** The statements of a write, to run as one (runTogether), or beside further writes of the same operation. */
export function purchaseWrites(db: Executor, w: PurchaseWrite): OperationNodeSource[] {
  const { programId, plans } = w;
  const anonymous = w.anonymous ?? [];
  const released = w.released ?? [];
  const writes = ledgerWrites(
    db,
    { programId, at: w.at },
    plans.map((p) => ({ memberId: p.memberId, newLots: p.newLots, entries: p.entries, wallet: p.wallet })),
  );
  const holds = plans.flatMap((p) => p.holds.map((h) => ({ member_id: p.memberId, purchase_id: h.purchaseId, lot_id: h.lotId, program_id: programId, amount: h.amount, expires_at: h.expiresAt })));
  if (holds.length > 0) writes.push(db.insertInto('holds').values(holds));
  if (plans.length > 0) writes.push(insertPurchasesQuery(db, plans.map((p) => p.purchase)));
  if (anonymous.length > 0) {
    writes.push(
      db.insertInto('anonymous_purchases').values(
        anonymous.map(({ purchase: p }) => ({
          program_id: p.programId,
          purchase_id: p.purchaseId,
          receipt_id: p.receiptId,
          store_id: p.storeId,
          channel: p.channel,
          occurred_at: p.occurredAt,
          total: p.total,
          result: json(p.response),
          rule_version: p.ruleVersion,
          created_at: p.at,
        })),
      ),
    );
  }
  writes.push(...insertEffectsQuery(programId, [...plans.flatMap((p) => p.effects), ...anonymous.flatMap((a) => a.effects)]));
  writes.push(...addUsageQuery(plans.flatMap((p) => p.usage)));
  for (const p of plans) if (p.couponUses.length > 0) writes.push(insertCouponUsesQuery(programId, p.memberId, p.couponUses));
  for (const p of plans) for (const t of p.tierChanges) writes.push(insertTierChangeQuery(programId, p.memberId, t));
  for (const w of [...plans.flatMap((p) => p.budgetWarnings), ...anonymous.flatMap((a) => a.budgetWarnings)]) writes.push(insertAuditQuery(db, auditOfWarning(programId, w)));
  if (released.length > 0) {
    writes.push(sql`delete from receipt_claims where program_id = ${programId}
      and receipt_id = any(${released.map((c) => c.receiptId)}::text[]) and purchase_id = any(${released.map((c) => c.purchaseId)}::uuid[])`);
    writes.push(sql`delete from purchase_refs where purchase_id = any(${released.map((r) => r.purchaseId)}::uuid[])`);
  }
  return writes;
}

/** Writes purchase plans in one statement (one round trip, one snapshot). */
export async function writePurchases(db: Executor, w: PurchaseWrite, also: OperationNodeSource[] = []): Promise<void> {
  await runTogether(db, [...purchaseWrites(db, w), ...also]);
}

function insertPurchasesQuery(db: Executor, rows: PurchaseRecord[]) {
  return db.insertInto('purchases').values(
    rows.map((p) => ({
      member_id: p.memberId,
      purchase_id: p.purchaseId,
      program_id: p.programId,
      receipt_id: p.receiptId,
      status: p.status,
      store_id: p.storeId,
      channel: p.channel,
      occurred_at: p.occurredAt,
      total: p.total,
      points_spent: p.pointsSpent,
      points_earned: p.pointsEarned,
      result: json(p.response),
      hold_expires_at: p.holdExpiresAt,
      rule_version: p.ruleVersion,
      paid_total: p.paidTotal,
      created_at: p.at,
      updated_at: p.at,
    })),
  );
}

/** Budget warnings as audit-log inserts (event campaigns book theirs beside the event's writes). */
export const insertBudgetWarningsQuery = (db: Executor, programId: string, warnings: readonly PlannedWarning[]): OperationNodeSource[] =>
  warnings.map((w) => insertAuditQuery(db, auditOfWarning(programId, w)));

const auditOfWarning = (programId: string, w: PlannedWarning) => ({
  programId,
  auditId: w.auditId,
  at: w.at,
  actor: 'system',
  action: 'budget_warning',
  entity: 'campaign',
  entityId: w.campaignId,
  before: { used: w.before },
  after: { used: w.after, cap: w.cap, budget: w.budget, warnAtPercent: w.warnAtPercent, purchaseId: w.purchaseId },
});
