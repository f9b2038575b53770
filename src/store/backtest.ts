import type { EvaluatedLine } from '../domain/receipt.js';
import { sql } from 'kysely';
import type { AttributeValue } from '../domain/rules/facts.js';
import type { Executor } from './executor.js';

/** A stored receipt as a backtest replays it: the member's (or an anonymous) purchase and what the till sent. */
export interface StoredPurchase {
  member_id: string | null;
  purchase_id: string;
  occurred_at: Date;
  store_id: string | null;
  channel: string | null;
  result: { lines: StoredLine[]; tier: { id: string } | null };
}

/** A stored receipt line as a backtest reads it back. */
export type StoredLine = Pick<EvaluatedLine, 'sku' | 'name' | 'category' | 'quantity' | 'price' | 'amount'>;

/** What members had done before `before`: their completed purchase counts and last purchase. */
export async function purchaseHistoryBefore(db: Executor, programId: string, before: Date): Promise<{ member_id: string; n: number; last: Date }[]> {
  const r = await sql<{ member_id: string; n: number; last: Date }>`
    select member_id, count(*)::int as n, max(occurred_at) as last from purchases
     where program_id = ${programId} and status = 'completed' and occurred_at < ${before} group by member_id`.execute(db);
  return r.rows;
}

/**
 * One page of the completed receipts of [start, end), members' and anonymous ones, in (occurred_at,
 * purchase_id) order after the keyset `after`.
 */
export async function storedPurchasesPage(db: Executor, programId: string, start: Date, end: Date, after: { at: Date; id: string } | null, limit: number): Promise<StoredPurchase[]> {
  const r = await sql<StoredPurchase>`
      select * from (
        select member_id, purchase_id, occurred_at, store_id, channel, result from purchases
         where program_id = ${programId} and status = 'completed' and occurred_at >= ${start} and occurred_at < ${end}
        union all
        select null, purchase_id, occurred_at, store_id, channel, result from anonymous_purchases
         where program_id = ${programId} and occurred_at >= ${start} and occurred_at < ${end}) p
      ${after ? sql`where (occurred_at, purchase_id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
      order by occurred_at, purchase_id limit ${limit}`.execute(db);
  return r.rows;
}

/** The facts a campaign may read of these members: birthday, attributes, when they enrolled. */
export async function membersForBacktest(db: Executor, memberIds: string[]): Promise<{ member_id: string; birthday: string | null; attributes: Record<string, AttributeValue>; created_at: Date }[]> {
  const r = await sql<{ member_id: string; birthday: string | null; attributes: Record<string, AttributeValue>; created_at: Date }>`
        select member_id, birthday, attributes, created_at from members where member_id = any(${memberIds}::uuid[])`.execute(db);
  return r.rows;
}
