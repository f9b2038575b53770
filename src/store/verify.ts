import { sql } from 'kysely';
import type { Executor } from './executor.js';

export interface Mismatch {
  check: 'member' | 'lot' | 'program';
  programId: string;
  memberId?: string;
  lotId?: string;
  detail: string;
}

export interface BooksReport {
  programs: number;
  members: number;
  lots: number;
  entries: number;
  accounts: { programId: string; issued: number; redeemed: number; expired: number; adjusted: number; memberBalances: number }[];
  mismatches: Mismatch[];
}

/**
 * Checks the books. Per member: cached wallet balance = sum of entries = sum of lot remainders.
 * Per lot: remainder = sum of its entries. Per program: issued − redeemed − expired + adjusted
 * (the program accounts, from the entries) = sum of the cached member balances.
 */
export async function checkBooks(db: Executor, programId?: string): Promise<BooksReport> {
  const scope = programId ? sql`and program_id = ${programId}` : sql``;
  const members = await sql<{ member_id: string; program_id: string; wallet: number; entries: number; lots: number }>`
    select w.member_id, w.program_id, w.balance as wallet,
           coalesce(e.total, 0)::bigint as entries, coalesce(l.total, 0)::bigint as lots
    from wallets w
    left join (select member_id, sum(amount) as total from entries where true ${scope} group by member_id) e on e.member_id = w.member_id
    left join (select member_id, sum(remaining) as total from lots where true ${scope} group by member_id) l on l.member_id = w.member_id
    where true ${programId ? sql`and w.program_id = ${programId}` : sql``}`.execute(db);
  const lots = await sql<{ member_id: string; lot_id: string; program_id: string; remaining: number; entries: number }>`
    select l.member_id, l.lot_id, l.program_id, l.remaining, coalesce(e.total, 0)::bigint as entries
    from lots l
    left join (select member_id, lot_id, sum(amount) as total from entries where true ${scope} group by member_id, lot_id) e
      on e.member_id = l.member_id and e.lot_id = l.lot_id
    where l.remaining <> coalesce(e.total, 0) ${programId ? sql`and l.program_id = ${programId}` : sql``}`.execute(db);
  const counts = await sql<{ lots: number; entries: number }>`
    select (select count(*) from lots where true ${scope})::bigint as lots, (select count(*) from entries where true ${scope})::bigint as entries`.execute(db);
  const accounts = await sql<{ program_id: string; issued: number; redeemed: number; expired: number; adjusted: number; balances: number }>`
    select p.program_id,
      coalesce((select sum(amount) from entries e where e.program_id = p.program_id and account = 'issued'), 0)::bigint as issued,
      coalesce((select -sum(amount) from entries e where e.program_id = p.program_id and account = 'redeemed'), 0)::bigint as redeemed,
      coalesce((select -sum(amount) from entries e where e.program_id = p.program_id and account = 'expired'), 0)::bigint as expired,
      coalesce((select sum(amount) from entries e where e.program_id = p.program_id and account = 'adjusted'), 0)::bigint as adjusted,
      coalesce((select sum(balance) from wallets w where w.program_id = p.program_id), 0)::bigint as balances
    from programs p where true ${scope}`.execute(db);

  const mismatches: Mismatch[] = [];
  for (const m of members.rows) {
    if (m.wallet !== m.entries || m.entries !== m.lots) {
      mismatches.push({ check: 'member', programId: m.program_id, memberId: m.member_id, detail: `wallet ${m.wallet}, entries ${m.entries}, lots ${m.lots}` });
    }
  }
  for (const l of lots.rows) {
    mismatches.push({ check: 'lot', programId: l.program_id, memberId: l.member_id, lotId: l.lot_id, detail: `remaining ${l.remaining}, entries ${l.entries}` });
  }
  for (const a of accounts.rows) {
    const books = a.issued - a.redeemed - a.expired + a.adjusted;
    if (books !== a.balances) {
      mismatches.push({ check: 'program', programId: a.program_id, detail: `issued ${a.issued} − redeemed ${a.redeemed} − expired ${a.expired} + adjusted ${a.adjusted} = ${books}, member balances ${a.balances}` });
    }
  }
  return {
    programs: accounts.rows.length,
    members: members.rows.length,
    lots: counts.rows[0]?.lots ?? 0,
    entries: counts.rows[0]?.entries ?? 0,
    accounts: accounts.rows.map((a) => ({ programId: a.program_id, issued: a.issued, redeemed: a.redeemed, expired: a.expired, adjusted: a.adjusted, memberBalances: a.balances })),
    mismatches,
  };
}
