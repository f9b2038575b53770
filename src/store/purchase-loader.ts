/**
 * The purchase loader (the "load" of load → decide → commit): what deciding a batch of members'
 * purchases needs, read for all of them in one statement — open lots and holds, uses of campaigns
 * with a per-member limit in their current period, uses of the presented codes' series, segments,
 * paid memberships in force — and the tier qualification totals in a second one when the program
 * has tiers. Sent with the claim that locks the wallets (claimLockAndLoad), so what it reads is the
 * members' current state.
 */
import { sql } from 'kysely';
import type { MemberLedger } from '../domain/purchase-plan.js';
import type { WalletFacts } from '../domain/purchase-rules.js';
import type { QualifyingTotals } from '../domain/tiers.js';
import type { Executor, Tx } from './executor.js';
import { pipelined } from './pipeline.js';
import { claimStatement, type ClaimedAndLocked, type ReceiptClaimRequest } from './purchases.js';

/** What to read for one member. */
export interface MemberReadRequest {
  memberId: string;
  /** Campaigns with a per-member limit and the period each counts in. */
  usage: { campaignId: string; period: string }[];
  /** Series of the presented codes. */
  seriesIds: string[];
  /** Whether some campaign's audience names segments. */
  segments: boolean;
  /** The moment paid memberships are read at (null: the program has no tiers). */
  membershipsAt: Date | null;
  /** Tier qualification windows to total (their totals come back in `totals`, in this order). */
  windows: { from: Date; to: Date }[];
}

/** What was read for one member. */
export interface MemberReads {
  ledger: MemberLedger;
  /** Uses by campaign id, in the requested period. */
  usage: Record<string, number>;
  seriesUses: Map<string, number>;
  segmentIds: string[];
  membershipTierIds: string[];
  /** The qualifying totals of the requested windows, in order. */
  totals: QualifyingTotals[];
}

/*
 * A member's qualifying totals over a window w(m, f, t): completed purchases by when they happened
 * less what was returned of them, purchases, and points earned less clawed back.
 */
const QUALIFYING_SPEND = sql`((select coalesce(sum(coalesce(p.paid_total, p.total)), 0) from purchases p
        where p.member_id = w.m and p.status = 'completed' and p.occurred_at >= w.f and p.occurred_at < w.t)
      - (select coalesce(sum(r.refund), 0) from returns r join purchases p on p.member_id = r.member_id and p.purchase_id = r.purchase_id
        where r.member_id = w.m and p.occurred_at >= w.f and p.occurred_at < w.t))::bigint`;
const QUALIFYING_PURCHASES = sql`(select count(*) from purchases p
        where p.member_id = w.m and p.status = 'completed' and p.occurred_at >= w.f and p.occurred_at < w.t)::bigint`;
const QUALIFYING_POINTS = sql`(select coalesce(sum(e.amount), 0) from entries e
        where e.member_id = w.m and e.kind in ('earn', 'return_clawback') and e.account = 'issued'
          and e.created_at >= w.f and e.created_at < w.t)::bigint`;

const LOT = 1;
const HOLD = 2;
const USAGE = 3;
const SERIES = 4;
const SEGMENT = 5;
const MEMBERSHIP = 6;
const TOTALS = 7;

type Row = { member_id: string; kind: number; a: string | null; b: string | null; n: number | string | null; t1: Date | null; t2: Date | null; x: number | string | null; y: number | string | null };

/** Reads everything `requests` ask for, in one statement. Members asked for twice are read once. */
export async function loadMemberReads(db: Executor, requests: readonly MemberReadRequest[]): Promise<Map<string, MemberReads>> {
  const reads = memberReadsStatement(requests);
  return reads.read(reads.query ? (await reads.query.execute(db)).rows : []);
}

/**
 * Claims the receipts, locks the members' wallets and reads what `requests` ask for, in one round
 * trip: two statements sent together (store/pipeline.ts). The read is a statement of its own, so
 * under READ COMMITTED it sees everything committed before the lock was granted.
 */
export async function claimLockAndLoad(
  trx: Tx,
  programId: string,
  claims: readonly ReceiptClaimRequest[],
  requests: readonly MemberReadRequest[],
  at: Date,
): Promise<ClaimedAndLocked & { reads: Map<string, MemberReads> }> {
  const claim = claimStatement(programId, claims, at);
  const load = memberReadsStatement(requests);
  const [claimed, loaded] = await pipelined(trx, [claim.query.compile(trx), ...(load.query ? [load.query.compile(trx)] : [])]);
  return { ...claim.read(claimed!.rows as never[]), reads: load.read((loaded?.rows ?? []) as Row[]) };
}

/** The statement that reads what `requests` ask for (null: nothing to read), and how to read its rows. */
function memberReadsStatement(requests: readonly MemberReadRequest[]) {
  const out = new Map<string, MemberReads>();
  for (const r of requests) {
    if (!out.has(r.memberId)) out.set(r.memberId, { ledger: { lots: [], holds: [] }, usage: {}, seriesUses: new Map(), segmentIds: [], membershipTierIds: [], totals: [] });
  }
  if (requests.length === 0) return { query: null, read: () => out };
  const ids = [...out.keys()];
  const usage = requests.flatMap((r) => r.usage.map((u) => ({ m: r.memberId, ...u })));
  const series = requests.flatMap((r) => r.seriesIds.map((s) => ({ m: r.memberId, s })));
  const segments = requests.filter((r) => r.segments).map((r) => r.memberId);
  const memberships = requests.filter((r) => r.membershipsAt !== null);
  const windows = requests.flatMap((r) => r.windows.map((w) => ({ m: r.memberId, ...w })));
  // Only the parts a batch needs are in its statement (a program without campaigns or tiers reads
  // lots and holds alone); each combination is its own prepared text, planned once per connection.
  const parts = [
    sql`select member_id, ${LOT}::int as kind, lot_id::text as a, purchase_id::text as b, remaining::bigint as n, available_at as t1, expires_at as t2, null::bigint as x, null::bigint as y
      from lots where member_id = any(${ids}::uuid[]) and remaining <> 0`,
    sql`select member_id, ${HOLD}::int, lot_id::text, purchase_id::text, amount, null, expires_at, null, null
      from holds where member_id = any(${ids}::uuid[])`,
  ];
  if (usage.length > 0) {
    parts.push(sql`select u.member_id, ${USAGE}::int, u.campaign_id::text, u.period::text, u.uses, null, null, null, null
      from campaign_usage u
      join unnest(${usage.map((u) => u.m)}::uuid[], ${usage.map((u) => u.campaignId)}::text[], ${usage.map((u) => u.period)}::text[]) as r(m, c, p)
        on u.member_id = r.m and u.campaign_id = r.c and u.period = r.p`);
  }
  if (series.length > 0) {
    parts.push(sql`select cu.member_id, ${SERIES}::int, cu.series_id::text, null, count(*), null, null, null, null
      from coupon_uses cu
      join unnest(${series.map((s) => s.m)}::uuid[], ${series.map((s) => s.s)}::text[]) as r(m, s) on cu.member_id = r.m and cu.series_id = r.s
     where cu.status in ('held', 'used')
     group by cu.member_id, cu.series_id`);
  }
  if (segments.length > 0) {
    parts.push(sql`select member_id, ${SEGMENT}::int, segment_id::text, null, null, null, null, null, null
      from member_segments where member_id = any(${segments}::uuid[])`);
  }
  if (memberships.length > 0) {
    parts.push(sql`select ms.member_id, ${MEMBERSHIP}::int, ms.tier_id::text, null, null, ms.ends_at, null, null, null
      from memberships ms
      join unnest(${memberships.map((r) => r.memberId)}::uuid[], ${memberships.map((r) => r.membershipsAt)}::timestamptz[]) as r(m, at)
        on ms.member_id = r.m and ms.starts_at <= r.at and ms.ends_at > r.at`);
  }
  if (windows.length > 0) {
    parts.push(sql`select w.m, ${TOTALS}::int, w.n::text, null, ${QUALIFYING_SPEND}, null, null, ${QUALIFYING_PURCHASES}, ${QUALIFYING_POINTS}
      from unnest(${windows.map((w) => w.m)}::uuid[], ${windows.map((w) => w.from)}::timestamptz[], ${windows.map((w) => w.to)}::timestamptz[])
           with ordinality as w(m, f, t, n)`);
  }
  const query = sql<Row>`${sql.join(parts, sql` union all `)}`;
  const read = (rows: readonly Row[]): Map<string, MemberReads> => {
    const totals: QualifyingTotals[] = [];
    for (const r of rows) {
      const m = out.get(r.member_id)!;
      switch (r.kind) {
        case LOT:
          m.ledger.lots.push({ lotId: r.a!, remaining: Number(r.n), availableAt: r.t1!, expiresAt: r.t2, purchaseId: r.b });
          break;
        case HOLD:
          m.ledger.holds.push({ lotId: r.a!, amount: Number(r.n), expiresAt: r.t2!, purchaseId: r.b! });
          break;
        case USAGE:
          m.usage[r.a!] = Number(r.n);
          break;
        case SERIES:
          m.seriesUses.set(r.a!, Number(r.n));
          break;
        case SEGMENT:
          m.segmentIds.push(r.a!);
          break;
        case MEMBERSHIP:
          m.membershipTierIds.push(r.a!);
          break;
        case TOTALS:
          totals[Number(r.a) - 1] = { spend: Number(r.n), purchases: Number(r.x), points: Number(r.y) };
          break;
      }
    }
    for (const m of out.values()) m.segmentIds.sort();
    // Each member's windows' totals, in the order asked.
    let n = 0;
    for (const r of requests) for (let i = 0; i < r.windows.length; i++) out.get(r.memberId)!.totals.push(totals[n++]!);
    return out;
  };
  return { query, read };
}

/**
 * Qualifying totals of several (member, window) pairs in one statement: completed purchases by
 * when they happened less what was returned of them, purchases, and points earned less clawed
 * back — as store/tier-state.ts `qualifyingTotals` for one.
 */
export async function qualifyingTotalsMany(db: Executor, windows: readonly { memberId: string; from: Date; to: Date }[]): Promise<QualifyingTotals[]> {
  if (windows.length === 0) return [];
  const rows = await sql<{ n: number; spend: number; purchases: number; points: number }>`
    select w.n, ${QUALIFYING_SPEND} as spend, ${QUALIFYING_PURCHASES} as purchases, ${QUALIFYING_POINTS} as points
    from unnest(${windows.map((w) => w.memberId)}::uuid[], ${windows.map((w) => w.from)}::timestamptz[], ${windows.map((w) => w.to)}::timestamptz[])
         with ordinality as w(m, f, t, n)`.execute(db);
  const out: QualifyingTotals[] = new Array<QualifyingTotals>(windows.length);
  for (const r of rows.rows) out[Number(r.n) - 1] = { spend: Number(r.spend), purchases: Number(r.purchases), points: Number(r.points) };
  return out;
}

/** The wallet columns the rules read, without a lock (calculate, simulate). */
export async function readWalletFacts(db: Executor, memberId: string): Promise<WalletFacts> {
  const r = await db
    .selectFrom('wallets')
    .select(['purchase_count', 'first_purchase_at', 'last_purchase_at', 'tier_id', 'tier_since'])
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return {
    purchaseCount: r?.purchase_count ?? 0,
    firstPurchaseAt: r?.first_purchase_at ?? null,
    lastPurchaseAt: r?.last_purchase_at ?? null,
    tierId: r?.tier_id ?? null,
    tierSince: r?.tier_since ?? null,
  };
}
