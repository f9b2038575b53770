import { sql } from 'kysely';
import type { After, Sort } from '../domain/list-paging.js';
import type { Executor } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';

export interface CouponRow {
  code: string;
  seriesId: string;
  memberId: string | null;
  uses: number;
  createdAt: Date;
}

/**
 * Adds codes to a series in one statement per chunk (an array parameter, not one row of
 * parameters per code). Codes already taken in the program are skipped; returns how many were
 * new, so the caller can make up the difference.
 */
export async function insertCoupons(db: Executor, programId: string, seriesId: string, codes: string[], memberId: string | null, at: Date): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < codes.length; i += 50_000) {
    const chunk = codes.slice(i, i + 50_000);
    const r = await sql`
      insert into coupons (program_id, code, series_id, member_id, uses, created_at)
      select ${programId}::uuid, c, ${seriesId}, ${memberId}::uuid, 0, ${at}::timestamptz from unnest(${chunk}::text[]) as c
      on conflict do nothing`.execute(db);
    inserted += Number(r.numAffectedRows ?? 0);
  }
  return inserted;
}

export async function findCoupon(db: Executor, programId: string, code: string): Promise<CouponRow | undefined> {
  const r = await db.selectFrom('coupons').selectAll().where('program_id', '=', programId).where('code', '=', code).executeTakeFirst();
  return r && { code: r.code, seriesId: r.series_id, memberId: r.member_id, uses: r.uses, createdAt: r.created_at };
}

export async function findCoupons(db: Executor, programId: string, codes: string[]): Promise<CouponRow[]> {
  if (codes.length === 0) return [];
  const rows = await db.selectFrom('coupons').selectAll().where('program_id', '=', programId).where('code', 'in', codes).execute();
  return rows.map((r) => ({ code: r.code, seriesId: r.series_id, memberId: r.member_id, uses: r.uses, createdAt: r.created_at }));
}

/** Codes of a series in code order, a page at a time (CSV export streams through these). */
export async function listCoupons(db: Executor, programId: string, seriesId: string, after: string | null, limit: number): Promise<CouponRow[]> {
  let q = db.selectFrom('coupons').selectAll().where('program_id', '=', programId).where('series_id', '=', seriesId);
  if (after !== null) q = q.where('code', '>', after);
  const rows = await q.orderBy('code').limit(limit).execute();
  return rows.map((r) => ({ code: r.code, seriesId: r.series_id, memberId: r.member_id, uses: r.uses, createdAt: r.created_at }));
}

export async function countCoupons(db: Executor, programId: string, seriesId: string): Promise<{ codes: number; used: number; uses: number }> {
  const r = await sql<{ codes: number; used: number; uses: number }>`
    select count(*)::int as codes, count(*) filter (where uses > 0)::int as used, coalesce(sum(uses), 0)::int as uses
      from coupons where program_id = ${programId} and series_id = ${seriesId}`.execute(db);
  return r.rows[0]!;
}

export type CouponSortKey = 'code' | 'createdAt';

export const COUPON_KEYSET: Keyset<CouponSortKey> = {
  columns: { code: { expr: sql`code`, type: 'text' }, createdAt: { expr: sql`created_at`, type: 'timestamptz' } },
  id: 'code',
};

/** A page of a series' codes in the asked order, one row more than the limit. */
export async function pageCoupons(db: Executor, programId: string, seriesId: string, q: { sort: Sort<CouponSortKey>; after: After | undefined; limit: number }): Promise<(CouponRow & SortedRow)[]> {
  const query = db.selectFrom('coupons').selectAll().where('program_id', '=', programId).where('series_id', '=', seriesId);
  const rows = await keysetPage(query, COUPON_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({ code: r.code, seriesId: r.series_id, memberId: r.member_id, uses: r.uses, createdAt: r.created_at, sort_value: r.sort_value, sort_id: r.sort_id }));
}

/** A page of a member's personal coupons in the asked order, one row more than the limit (a member's few rows, found by coupons_member). */
export async function pageMemberCoupons(db: Executor, programId: string, memberId: string, q: { sort: Sort<CouponSortKey>; after: After | undefined; limit: number }): Promise<(CouponRow & SortedRow)[]> {
  const query = db.selectFrom('coupons').selectAll().where('member_id', '=', memberId).where('program_id', '=', programId);
  const rows = await keysetPage(query, COUPON_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({ code: r.code, seriesId: r.series_id, memberId: r.member_id, uses: r.uses, createdAt: r.created_at, sort_value: r.sort_value, sort_id: r.sort_id }));
}

/** Personal coupons of a member (bound to them), for the member app's offers (up to 500, newest first). */
export async function couponsOfMember(db: Executor, programId: string, memberId: string): Promise<CouponRow[]> {
  const rows = await db.selectFrom('coupons').selectAll().where('member_id', '=', memberId).where('program_id', '=', programId).orderBy('created_at', 'desc').limit(500).execute();
  return rows.map((r) => ({ code: r.code, seriesId: r.series_id, memberId: r.member_id, uses: r.uses, createdAt: r.created_at }));
}

/**
 * Takes one use of a code if it has one left: the code's row is the arbiter, so of two purchases
 * presenting a single-use code at once exactly one gets it. `maxUses` null = unlimited (a shared
 * code: its row is then not touched at all, so that it never becomes a hot row).
 */
export async function takeCouponUse(db: Executor, programId: string, code: string, maxUses: number | null): Promise<boolean> {
  if (maxUses === null) return true;
  const r = await sql`update coupons set uses = uses + 1 where program_id = ${programId} and code = ${code} and uses < ${maxUses}`.execute(db);
  return Number(r.numAffectedRows ?? 0) === 1;
}

/** Gives a use back (a cancelled two-phase purchase, or a return when the program says so). */
export async function giveCouponUseBack(db: Executor, programId: string, code: string, limited: boolean): Promise<void> {
  if (!limited) return;
  await sql`update coupons set uses = greatest(uses - 1, 0) where program_id = ${programId} and code = ${code}`.execute(db);
}

export interface CouponUseRow {
  couponUseId: string;
  code: string;
  seriesId: string;
  purchaseId: string;
  status: 'held' | 'used' | 'released' | 'returned';
}

/** The insert of a purchase's coupon uses, run beside its other writes. */
export function insertCouponUsesQuery(programId: string, memberId: string, uses: (CouponUseRow & { at: Date })[]) {
  const values = sql.join(
    uses.map((u) => sql`(${memberId}::uuid, ${u.couponUseId}::uuid, ${programId}::uuid, ${u.code}, ${u.seriesId}, ${u.purchaseId}::uuid, ${u.status}, ${u.at}::timestamptz, ${u.at}::timestamptz)`),
  );
  return sql`insert into coupon_uses (member_id, coupon_use_id, program_id, code, series_id, purchase_id, status, created_at, updated_at) values ${values}`;
}

export async function insertCouponUses(db: Executor, programId: string, memberId: string, uses: (CouponUseRow & { at: Date })[]): Promise<void> {
  if (uses.length === 0) return;
  await db
    .insertInto('coupon_uses')
    .values(
      uses.map((u) => ({
        member_id: memberId,
        coupon_use_id: u.couponUseId,
        program_id: programId,
        code: u.code,
        series_id: u.seriesId,
        purchase_id: u.purchaseId,
        status: u.status,
        created_at: u.at,
        updated_at: u.at,
      })),
    )
    .execute();
}

export async function couponUsesOfPurchase(db: Executor, memberId: string, purchaseId: string): Promise<CouponUseRow[]> {
  const rows = await db.selectFrom('coupon_uses').selectAll().where('member_id', '=', memberId).where('purchase_id', '=', purchaseId).execute();
  return rows.map((r) => ({ couponUseId: r.coupon_use_id, code: r.code, seriesId: r.series_id, purchaseId: r.purchase_id, status: r.status }));
}

