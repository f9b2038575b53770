import { sql, type Selectable } from 'kysely';
import type { Executor } from './executor.js';
import type { LineTerms } from '../domain/returns.js';
import type { CancelReason, LineTermsColumn, MembersTable, PurchaseStatus } from './schema.js';

/** The member's row and, from the wallet locked with it, what the rules ask about the member's purchases and tier. */
export type LockedMember = Selectable<MembersTable> & {
  w_purchase_count: number;
  w_first_purchase_at: Date | null;
  w_last_purchase_at: Date | null;
  w_tier_id: string | null;
  w_tier_since: Date | null;
};

const WALLET_COLUMNS = sql`w.purchase_count as w_purchase_count, w.first_purchase_at as w_first_purchase_at,
  w.last_purchase_at as w_last_purchase_at, w.tier_id as w_tier_id, w.tier_since as w_tier_since`;

export interface ReceiptClaim {
  purchaseId: string;
  memberId: string | null;
  requestHash: string;
}

/** The claim of a receipt id that was taken before. */
export async function findReceiptClaim(db: Executor, programId: string, receiptId: string): Promise<ReceiptClaim> {
  const existing = await db
    .selectFrom('receipt_claims')
    .select(['purchase_id', 'member_id', 'request_hash'])
    .where('program_id', '=', programId)
    .where('receipt_id', '=', receiptId)
    .executeTakeFirstOrThrow();
  return { purchaseId: existing.purchase_id, memberId: existing.member_id, requestHash: existing.request_hash };
}

export async function findPurchaseRef(db: Executor, programId: string, purchaseId: string): Promise<{ memberId: string | null } | undefined> {
  const r = await db.selectFrom('purchase_refs').select(['member_id']).where('purchase_id', '=', purchaseId).where('program_id', '=', programId).executeTakeFirst();
  return r && { memberId: r.member_id };
}

export interface PurchaseRow {
  purchaseId: string;
  memberId: string;
  programId: string;
  receiptId: string;
  status: PurchaseStatus;
  occurredAt: Date;
  holdExpiresAt: Date | null;
  cancelReason: CancelReason | null;
  /** Points spent (held, for a held purchase); 0 once cancelled. */
  pointsSpent: number;
  /** When the lot the purchase earns into becomes spendable and expires (null: it earns nothing). */
  earnedAvailableAt: Date | null;
  earnedExpiresAt: Date | null;
  /** Each line's terms, in line order: what confirm and returns read (never `result`). */
  lineTerms: LineTerms[];
  /** What create answered, or the confirm or cancel that changed the purchase after it: replayed, never read as state. */
  result: unknown;
}

/** `line_terms` as the domain reads it. */
export const lineTermsFrom = (column: LineTermsColumn): LineTerms[] =>
  column.map(([quantity, paid, pointsSpent, pointsEarned]) => ({ quantity, paid, pointsSpent, pointsEarned }));

/** Line terms as `line_terms` stores them (JSON text, for a writer's array parameter). */
export const lineTermsColumn = (lines: readonly LineTerms[]): string => JSON.stringify(lines.map((l) => [l.quantity, l.paid, l.pointsSpent, l.pointsEarned]));

export async function findPurchase(db: Executor, memberId: string, purchaseId: string): Promise<PurchaseRow | undefined> {
  const r = await db
    .selectFrom('purchases')
    .select([
      'purchase_id',
      'member_id',
      'program_id',
      'receipt_id',
      'status',
      'occurred_at',
      'hold_expires_at',
      'cancel_reason',
      'points_spent',
      'earned_available_at',
      'earned_expires_at',
      'line_terms',
      'result',
    ])
    .where('member_id', '=', memberId)
    .where('purchase_id', '=', purchaseId)
    .executeTakeFirst();
  return (
    r && {
      purchaseId: r.purchase_id,
      memberId: r.member_id,
      programId: r.program_id,
      receiptId: r.receipt_id,
      status: r.status,
      occurredAt: r.occurred_at,
      holdExpiresAt: r.hold_expires_at,
      cancelReason: r.cancel_reason,
      pointsSpent: Number(r.points_spent),
      earnedAvailableAt: r.earned_available_at,
      earnedExpiresAt: r.earned_expires_at,
      lineTerms: lineTermsFrom(r.line_terms),
      result: r.result,
    }
  );
}

/** Two-phase purchases whose hold has timed out by `at`. */
export async function heldPurchasesDue(db: Executor, at: Date, limit: number): Promise<{ memberId: string; purchaseId: string; programId: string }[]> {
  const rows = await db
    .selectFrom('purchases')
    .select(['member_id', 'purchase_id', 'program_id'])
    .where('status', '=', 'held')
    .where('hold_expires_at', '<=', at)
    .orderBy('hold_expires_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ memberId: r.member_id, purchaseId: r.purchase_id, programId: r.program_id }));
}

/**
 * A purchase without a member: its lines' terms, and the stored answer (for GET only); `lock`
 * serialises returns of it (it has no wallet to lock).
 */
export async function findAnonymousPurchase(
  db: Executor,
  programId: string,
  purchaseId: string,
  lock = false,
): Promise<{ lineTerms: LineTerms[]; result: unknown } | undefined> {
  let q = db.selectFrom('anonymous_purchases').select(['line_terms', 'result']).where('program_id', '=', programId).where('purchase_id', '=', purchaseId);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r && { lineTerms: lineTermsFrom(r.line_terms), result: r.result };
}

/** The units of each line (by index) that earlier returns of a purchase brought back (member or anonymous). */
export async function returnedQuantities(db: Executor, ref: { programId: string; memberId: string | null; purchaseId: string }): Promise<Map<number, number>> {
  const rows = ref.memberId
    ? await db.selectFrom('returns').select('lines').where('member_id', '=', ref.memberId).where('purchase_id', '=', ref.purchaseId).execute()
    : await db.selectFrom('anonymous_returns').select('lines').where('program_id', '=', ref.programId).where('purchase_id', '=', ref.purchaseId).execute();
  const returned = new Map<number, number>();
  for (const r of rows) for (const l of r.lines) returned.set(l.line, (returned.get(l.line) ?? 0) + l.quantity);
  return returned;
}

/**
 * The purchase path's one claim statement, for a batch (the single path is a batch of one):
 * claims every receipt id (in receipt-id order), adds the purchase-id references, and locks the
 * members' wallets (in member-id order, so that batches never deadlock on each other; receipts
 * without a member lock none) reading the members. Returns the purchase ids whose claim was made
 * and the members found. Sent with the load (store/purchase-loader.ts claimLockAndLoad).
 */
export async function claimReceipts(db: Executor, programId: string, claims: readonly ReceiptClaimRequest[], at: Date): Promise<ClaimedAndLocked> {
  const claim = claimStatement(programId, claims, at);
  return claim.read((await claim.query.execute(db)).rows);
}

export interface ReceiptClaimRequest {
  receiptId: string;
  purchaseId: string;
  memberId: string | null;
  requestHash: string;
}

export interface ClaimedAndLocked {
  /** The purchase ids whose receipt this statement claimed (the others were claimed before). */
  claimed: Set<string>;
  /** The members locked, by id (a member id with no wallet in the program is missing). */
  members: Map<string, LockedMember>;
}

export function claimStatement(programId: string, claims: readonly ReceiptClaimRequest[], at: Date) {
  const sorted = [...claims].sort((a, b) => (a.receiptId < b.receiptId ? -1 : a.receiptId > b.receiptId ? 1 : 0));
  const query = sql<LockedMember & { claimed: string[] | null }>`
    with claim as (
      insert into receipt_claims (program_id, receipt_id, purchase_id, member_id, request_hash, created_at)
      select ${programId}::uuid, t.receipt_id, t.purchase_id, t.member_id, t.request_hash, ${at}::timestamptz
      from unnest(${sorted.map((c) => c.receiptId)}::text[], ${sorted.map((c) => c.purchaseId)}::uuid[],
                  ${sorted.map((c) => c.memberId)}::uuid[], ${sorted.map((c) => c.requestHash)}::text[])
           with ordinality as t(receipt_id, purchase_id, member_id, request_hash, n)
      order by t.n
      on conflict do nothing
      returning program_id, purchase_id, member_id),
    ref as (
      insert into purchase_refs (purchase_id, program_id, member_id)
      select purchase_id, program_id, member_id from claim),
    locked as (
      select * from wallets
       where member_id = any(${claims.flatMap((c) => (c.memberId === null ? [] : [c.memberId]))}::uuid[]) and program_id = ${programId}::uuid
       order by member_id
       for update)
    select (select array_agg(purchase_id::text) from claim) as claimed, m.*, ${WALLET_COLUMNS}
    from (select 1) as one
    left join (locked w join members m on m.member_id = w.member_id and m.program_id = ${programId}::uuid) on true`;
  const read = (rows: readonly (LockedMember & { claimed: string[] | null })[]): ClaimedAndLocked => {
    const members = new Map<string, LockedMember>();
    let claimed = new Set<string>();
    for (const { claimed: ids, ...member } of rows) {
      claimed = new Set(ids ?? []);
      // With no member locked (receipts without members only) the one row carries just the claims.
      if (member.member_id !== null) members.set(member.member_id, member);
    }
    return { claimed, members };
  };
  return { query, read };
}
