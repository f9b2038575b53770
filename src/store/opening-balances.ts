import { sql } from 'kysely';
import type { Executor } from './executor.js';

export interface OpeningBalanceClaim {
  memberId: string;
  reference: string;
  lotId: string;
  points: number;
  requestHash: string;
}

/**
 * Claims opening balances (ON CONFLICT DO NOTHING, in key order) in one statement; returns the
 * keys (`memberId|reference`) claimed now. The others were imported before: see findOpeningBalances.
 */
export async function claimOpeningBalances(db: Executor, programId: string, importId: string, at: Date, claims: readonly OpeningBalanceClaim[]): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const rows = await sql<{ member_id: string; reference: string }>`
    insert into opening_balances (member_id, reference, program_id, lot_id, points, request_hash, import_id, created_at)
    select t.member_id, t.reference, ${programId}::uuid, t.lot_id, t.points, t.request_hash, ${importId}::uuid, ${at}::timestamptz
    from unnest(${claims.map((c) => c.memberId)}::uuid[], ${claims.map((c) => c.reference)}::text[], ${claims.map((c) => c.lotId)}::uuid[],
                ${claims.map((c) => c.points)}::bigint[], ${claims.map((c) => c.requestHash)}::text[]) as t(member_id, reference, lot_id, points, request_hash)
    order by t.member_id, t.reference
    on conflict do nothing
    returning member_id, reference`.execute(db);
  return new Set(rows.rows.map((r) => `${r.member_id}|${r.reference}`));
}

/** The fingerprints of balances imported before, by `memberId|reference`. */
export async function findOpeningBalances(db: Executor, keys: readonly { memberId: string; reference: string }[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await sql<{ member_id: string; reference: string; request_hash: string }>`
    select o.member_id, o.reference, o.request_hash
    from unnest(${keys.map((k) => k.memberId)}::uuid[], ${keys.map((k) => k.reference)}::text[]) as t(member_id, reference)
    join opening_balances o on o.member_id = t.member_id and o.reference = t.reference`.execute(db);
  return new Map(rows.rows.map((r) => [`${r.member_id}|${r.reference}`, r.request_hash]));
}
