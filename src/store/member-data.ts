import type { Executor } from './executor.js';

/** A member's purchases, newest first (the data export). */
export async function purchasesOfMember(db: Executor, memberId: string, limit: number) {
  const rows = await db
    .selectFrom('purchases')
    .select(['purchase_id', 'receipt_id', 'status', 'store_id', 'channel', 'occurred_at', 'total', 'points_spent', 'points_earned', 'paid_total'])
    .where('member_id', '=', memberId)
    .orderBy('occurred_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    purchaseId: r.purchase_id,
    receiptId: r.receipt_id,
    status: r.status,
    storeId: r.store_id,
    channel: r.channel,
    occurredAt: r.occurred_at.toISOString(),
    total: Number(r.total),
    paidTotal: r.paid_total === null ? null : Number(r.paid_total),
    pointsSpent: Number(r.points_spent),
    pointsEarned: Number(r.points_earned),
  }));
}

/** Ends every session of a member (account deleted). */
export async function deleteMemberSessionsOf(db: Executor, memberId: string): Promise<void> {
  await db.deleteFrom('member_sessions').where('member_id', '=', memberId).execute();
}

/**
 * Clears what identifies a person in the member row and marks it anonymised; the row stays,
 * because the ledger's entries and the purchases point at it and the books must still add up.
 */
export async function anonymiseMemberRow(db: Executor, memberId: string, at: Date): Promise<void> {
  await db
    .updateTable('members')
    .set({ name: null, phone: null, email: null, birthday: null, gender: null, city: null, attributes: '{}', consents: '{}', status: 'anonymised', block_reason: null, updated_at: at })
    .where('member_id', '=', memberId)
    .execute();
}
