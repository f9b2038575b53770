import { sql, type Insertable, type OperationNodeSource } from 'kysely';
import type { NewEntry, NewLot } from '../domain/ledger-draft.js';
import type { Hold, Lot } from '../domain/ledger.js';
import type { WalletMove } from '../domain/purchase-plan.js';
import type { After, Sort } from '../domain/list-paging.js';
import type { Executor } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';
import type { Account, EntriesTable, EntryKind, LotsTable } from './schema.js';

export type { NewEntry, NewHold, NewLot } from '../domain/ledger-draft.js';

/**
 * Locks the member's wallet for the rest of the transaction: every write for one member goes
 * through this row, so writes for one member are serialised and different members run in parallel.
 */
export async function lockWallet(db: Executor, memberId: string): Promise<number | undefined> {
  const row = await db.selectFrom('wallets').select('balance').where('member_id', '=', memberId).forUpdate().executeTakeFirst();
  return row?.balance;
}

export async function insertWallet(db: Executor, w: { memberId: string; programId: string; at: Date }): Promise<void> {
  await db.insertInto('wallets').values({ member_id: w.memberId, program_id: w.programId, balance: 0, updated_at: w.at }).execute();
}

type OpenLots = { lots: (Lot & { purchaseId: string | null })[]; holds: (Hold & { purchaseId: string })[] };
type OpenRow = { kind: number; lot_id: string; amount: number; available_at: Date | null; expires_at: Date | null; purchase_id: string | null };

const LOT = 1;
const HOLD = 2;
const MEMBER = 0;

function openLotsQuery(memberId: string) {
  return sql`
    select ${LOT}::int as kind, lot_id, remaining as amount, available_at, expires_at, purchase_id
      from lots where member_id = ${memberId} and remaining <> 0
    union all
    select ${HOLD}::int, lot_id, amount, null, expires_at, purchase_id
      from holds where member_id = ${memberId}`;
}

function toOpenLots(rows: OpenRow[]): OpenLots {
  const lots: OpenLots['lots'] = [];
  const holds: OpenLots['holds'] = [];
  for (const r of rows) {
    if (r.kind === HOLD) holds.push({ purchaseId: r.purchase_id!, lotId: r.lot_id, amount: r.amount, expiresAt: r.expires_at! });
    else if (r.kind === LOT) lots.push({ lotId: r.lot_id, remaining: r.amount, availableAt: r.available_at!, expiresAt: r.expires_at, purchaseId: r.purchase_id });
  }
  return { lots, holds };
}

/** Lots with a non-zero remainder and holds of the member, in one query: all the balance arithmetic needs. */
export async function loadOpenLots(db: Executor, memberId: string): Promise<OpenLots> {
  return toOpenLots((await sql<OpenRow>`${openLotsQuery(memberId)}`.execute(db)).rows);
}

/** Open lots and holds of several members in one query (a batch of purchases). */
export async function loadOpenLotsMany(db: Executor, memberIds: string[]): Promise<Map<string, OpenLots>> {
  const rows = await sql<OpenRow & { member_id: string }>`
    select member_id, ${LOT}::int as kind, lot_id, remaining as amount, available_at, expires_at, purchase_id
      from lots where member_id = any(${memberIds}::uuid[]) and remaining <> 0
    union all
    select member_id, ${HOLD}::int, lot_id, amount, null, expires_at, purchase_id
      from holds where member_id = any(${memberIds}::uuid[])`.execute(db);
  const byMember = new Map<string, OpenRow[]>(memberIds.map((id) => [id, []]));
  for (const r of rows.rows) byMember.get(r.member_id)?.push(r);
  return new Map([...byMember].map(([id, list]) => [id, toOpenLots(list)]));
}

/**
 * What a balance read needs, for several members at once (reads coalesced by ReadBatcher): each
 * member's lots and holds, keyed by member id, with the program the member belongs to so the
 * caller can refuse a member of another program. Members that do not exist are left out.
 */
export async function loadMemberLotsMany(db: Executor, memberIds: string[]): Promise<Map<string, OpenLots & { programId: string }>> {
  const rows = await sql<OpenRow & { member_id: string; program_id: string | null }>`
    select member_id, program_id, ${MEMBER}::int as kind, null::uuid as lot_id, null::bigint as amount, null::timestamptz as available_at, null::timestamptz as expires_at, null::uuid as purchase_id
      from members where member_id = any(${memberIds}::uuid[])
    union all
    select member_id, null, ${LOT}::int, lot_id, remaining, available_at, expires_at, purchase_id
      from lots where member_id = any(${memberIds}::uuid[]) and remaining <> 0
    union all
    select member_id, null, ${HOLD}::int, lot_id, amount, null, expires_at, purchase_id
      from holds where member_id = any(${memberIds}::uuid[])`.execute(db);
  const byMember = new Map<string, { programId: string | null; rows: OpenRow[] }>();
  for (const r of rows.rows) {
    let m = byMember.get(r.member_id);
    if (!m) byMember.set(r.member_id, (m = { programId: null, rows: [] }));
    if (r.kind === MEMBER) m.programId = r.program_id;
    else m.rows.push(r);
  }
  const out = new Map<string, OpenLots & { programId: string }>();
  for (const [id, m] of byMember) if (m.programId !== null) out.set(id, { ...toOpenLots(m.rows), programId: m.programId });
  return out;
}

/**
 * Writes one ledger change for one member as a single statement (one round trip): new lots, the
 * entries, each existing lot's remainder moved by its entries, the cached wallet balance moved by
 * their sum, and any further writes of the same operation (`also`, e.g. the purchase row). The
 * caller holds the wallet lock.
 */
export async function postEntries(
  db: Executor,
  ctx: { memberId: string; programId: string; at: Date },
  newLots: NewLot[],
  entries: NewEntry[],
  also: OperationNodeSource[] = [],
): Promise<void> {
  await postEntriesMany(db, { programId: ctx.programId, at: ctx.at }, [{ memberId: ctx.memberId, newLots, entries }], also);
}

/** One ledger change per member, for several members at once; each member's wallet is locked by the caller. */
export interface MemberChange {
  memberId: string;
  newLots: NewLot[];
  entries: NewEntry[];
  /** The wallet's purchase facts and tier, moved in the same update as its balance. */
  wallet?: WalletChange | undefined;
}

/** The wallet's purchase facts and tier, moved in the same update as its balance (a purchase plan's wallet move). */
export type WalletChange = WalletMove;

/** postEntries for several members in the same single statement (a batch of purchases). */
export async function postEntriesMany(
  db: Executor,
  ctx: { programId: string; at: Date },
  changes: MemberChange[],
  also: OperationNodeSource[] = [],
): Promise<void> {
  await runTogether(db, [...ledgerWrites(db, ctx, changes), ...also]);
}

/** The statements that write several members' ledger changes (lots, entries, lot remainders, wallets), to run as one. */
export function ledgerWrites(db: Executor, ctx: { programId: string; at: Date }, changes: MemberChange[]): OperationNodeSource[] {
  const writes: OperationNodeSource[] = [];
  const lotRows: Insertable<LotsTable>[] = [];
  const entryRows: Insertable<EntriesTable>[] = [];
  const lotDeltas: [string, string, number][] = [];
  const walletDeltas: [string, number, WalletChange | undefined][] = [];
  for (const c of changes) {
    const deltas = new Map<string, number>();
    for (const e of c.entries) deltas.set(e.lotId, (deltas.get(e.lotId) ?? 0) + e.amount);
    const fresh = new Set(c.newLots.map((l) => l.lotId));
    for (const l of c.newLots) {
      lotRows.push({
        member_id: c.memberId,
        lot_id: l.lotId,
        program_id: ctx.programId,
        amount: deltas.get(l.lotId) ?? 0,
        remaining: deltas.get(l.lotId) ?? 0,
        available_at: l.availableAt,
        expires_at: l.expiresAt,
        purchase_id: l.purchaseId,
        created_at: ctx.at,
      });
    }
    for (const e of c.entries) {
      entryRows.push({
        member_id: c.memberId,
        entry_id: e.entryId,
        program_id: ctx.programId,
        lot_id: e.lotId,
        account: e.account,
        kind: e.kind,
        amount: e.amount,
        purchase_id: e.purchaseId ?? null,
        return_id: e.returnId ?? null,
        reason: e.reason ?? null,
        actor: e.actor ?? null,
        created_at: ctx.at,
      });
    }
    for (const [lotId, d] of deltas) if (!fresh.has(lotId) && d !== 0) lotDeltas.push([c.memberId, lotId, d]);
    const total = c.entries.reduce((sum, e) => sum + e.amount, 0);
    if (total !== 0 || c.wallet) walletDeltas.push([c.memberId, total, c.wallet]);
  }
  if (lotRows.length > 0) writes.push(db.insertInto('lots').values(lotRows));
  if (entryRows.length > 0) writes.push(db.insertInto('entries').values(entryRows));
  if (lotDeltas.length > 0) {
    const values = sql.join(lotDeltas.map(([m, l, d]) => sql`(${m}::uuid, ${l}::uuid, ${d}::bigint)`));
    writes.push(sql`update lots set remaining = lots.remaining + v.delta
      from (values ${values}) as v(member_id, lot_id, delta)
      where lots.member_id = v.member_id and lots.lot_id = v.lot_id`);
  }
  if (walletDeltas.some(([, , w]) => w)) {
    const values = sql.join(
      walletDeltas.map(
        ([m, d, w]) =>
          sql`(${m}::uuid, ${d}::bigint, ${w?.purchases ?? 0}::int, ${w?.purchaseAt ?? null}::timestamptz, ${w?.tier !== undefined}::boolean, ${w?.tier?.tierId ?? null}::text, ${w?.tier?.since ?? null}::timestamptz)`,
      ),
    );
    writes.push(sql`update wallets set balance = wallets.balance + v.delta, updated_at = ${ctx.at},
        purchase_count = wallets.purchase_count + v.purchases,
        first_purchase_at = coalesce(wallets.first_purchase_at, v.purchase_at),
        last_purchase_at = greatest(wallets.last_purchase_at, v.purchase_at),
        tier_id = case when v.set_tier then v.tier_id else wallets.tier_id end,
        tier_since = case when v.set_tier then v.tier_since else wallets.tier_since end
      from (values ${values}) as v(member_id, delta, purchases, purchase_at, set_tier, tier_id, tier_since)
      where wallets.member_id = v.member_id`);
  } else if (walletDeltas.length > 0) {
    const values = sql.join(walletDeltas.map(([m, d]) => sql`(${m}::uuid, ${d}::bigint)`));
    writes.push(sql`update wallets set balance = wallets.balance + v.delta, updated_at = ${ctx.at}
      from (values ${values}) as v(member_id, delta)
      where wallets.member_id = v.member_id`);
  }
  return writes;
}

/**
 * Runs data-modifying statements as the CTEs of one statement: one round trip, one snapshot.
 * They must not touch the same row twice, and none may read what another writes. Foreign keys
 * between them (an entry on a lot inserted beside it) hold: they are checked at the statement's end.
 */
export async function runTogether(db: Executor, writes: OperationNodeSource[]): Promise<void> {
  if (writes.length === 0) return;
  if (writes.length === 1) {
    await sql`${writes[0]!}`.execute(db);
    return;
  }
  const ctes = sql.join(writes.map((w, i) => sql`${sql.raw(`w${i}`)} as (${w})`));
  await sql`with ${ctes} select 1`.execute(db);
}

export interface EntryRow {
  entryId: string;
  lotId: string;
  account: Account;
  kind: EntryKind;
  amount: number;
  purchaseId: string | null;
  returnId: string | null;
  reason: string | null;
  actor: string | null;
  createdAt: Date;
}

export type EntrySortKey = 'createdAt' | 'points';

/** One member's entries are few (hundreds), so their sorts need no index beyond the member's key. */
export const ENTRY_KEYSET: Keyset<EntrySortKey> = {
  columns: { createdAt: { expr: sql`created_at`, type: 'timestamptz' }, points: { expr: sql`amount`, type: 'bigint' } },
  id: 'entry_id',
};

/** A page of the member's entries in the asked order, one row more than the limit. */
export async function listEntries(db: Executor, memberId: string, q: { sort: Sort<EntrySortKey>; after: After | undefined; limit: number }): Promise<(EntryRow & SortedRow)[]> {
  const query = db.selectFrom('entries').selectAll().where('member_id', '=', memberId);
  const rows = await keysetPage(query, ENTRY_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({
    sort_value: r.sort_value,
    sort_id: r.sort_id,
    entryId: r.entry_id,
    lotId: r.lot_id,
    account: r.account,
    kind: r.kind,
    amount: r.amount,
    purchaseId: r.purchase_id,
    returnId: r.return_id,
    reason: r.reason,
    actor: r.actor,
    createdAt: r.created_at,
  }));
}

/** Members with lots that have expired by `at` and still hold points, oldest expiry first. */
export async function membersWithExpiredLots(db: Executor, at: Date, limit: number): Promise<{ memberId: string; programId: string }[]> {
  // Only lots with points left to burn: what a hold in force reserves waits for the hold to end.
  const rows = await sql<{ member_id: string; program_id: string }>`
    select member_id, program_id from lots
    where remaining > 0 and expires_at <= ${at}
      and remaining > coalesce((select sum(h.amount) from holds h
                                where h.member_id = lots.member_id and h.lot_id = lots.lot_id and h.expires_at > ${at}), 0)
    group by member_id, program_id
    order by member_id
    limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({ memberId: r.member_id, programId: r.program_id }));
}

/** A member's open lots with what the member page shows of them, and the member's holds. */
export async function openLotsOfMember(db: Executor, memberId: string) {
  const [lots, holds] = await Promise.all([
    db
      .selectFrom('lots')
      .select(['lot_id', 'amount', 'remaining', 'available_at', 'expires_at', 'purchase_id', 'created_at'])
      .where('member_id', '=', memberId)
      .where('remaining', '<>', 0)
      .execute(),
    db.selectFrom('holds').select(['lot_id', 'amount', 'expires_at']).where('member_id', '=', memberId).execute(),
  ]);
  return {
    lots: lots.map((r) => ({
      lotId: r.lot_id,
      amount: Number(r.amount),
      remaining: Number(r.remaining),
      availableAt: r.available_at,
      expiresAt: r.expires_at,
      purchaseId: r.purchase_id,
      createdAt: r.created_at,
    })),
    holds: holds.map((h) => ({ lotId: h.lot_id, amount: Number(h.amount), expiresAt: h.expires_at })),
  };
}
