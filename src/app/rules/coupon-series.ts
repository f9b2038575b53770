import { draftEvent } from '../../domain/events/catalogue.js';
import { insertEvents } from '../../store/domain-events.js';
import { lockWallet } from '../../store/ledger.js';
import { couponSeriesErrors, type CouponSeries } from '../../domain/coupon-series.js';
import { DomainError } from '../../domain/errors.js';
import { codesOfSeries } from '../../store/coupon-codes.js';
import { countCoupons, insertCoupons, listCoupons, pageCoupons, type CouponRow, type CouponSortKey } from '../../store/coupons.js';
import type { Executor } from '../../store/executor.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../../domain/list-paging.js';
import { afterRow } from '../../store/keyset.js';
import { findDefinition, insertDefinition, listDefinitions, pageDefinitions, updateDefinition, type DefinitionRow, type DefinitionSortKey } from '../../store/rules.js';
import { audit } from '../audit.js';
import type { Actor, AppContext } from '../context.js';
import { requireMember } from '../members.js';
import { generateCodes, normaliseCode } from './engine.js';

export interface CouponSeriesView {
  id: string;
  status: 'active' | 'archived';
  series: CouponSeries;
  codes: number;
  /** Codes used at least once, and uses in all. */
  used: number;
  uses: number;
  createdAt: string;
  updatedAt: string;
}

function check(s: CouponSeries): void {
  const errors = couponSeriesErrors(s);
  if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
}

/** Makes `count` new codes of the series, retrying the few that collide with codes already taken. */
async function addCodes(db: Executor, programId: string, s: CouponSeries, count: number, memberId: string | null, at: Date): Promise<string[]> {
  const made: string[] = [];
  for (let attempt = 0; made.length < count && attempt < 5; attempt++) {
    const codes = generateCodes({ count: count - made.length, prefix: s.prefix ?? '', ...(s.length ? { length: s.length } : {}) });
    const inserted = await insertCoupons(db, programId, s.id, codes, memberId, at);
    if (inserted === codes.length) made.push(...codes);
    else {
      // Rare: find which of them went in, keep those, make up the rest.
      made.push(...(await codesOfSeries(db, programId, s.id, codes)));
    }
  }
  if (made.length < count) throw new Error(`could not generate ${count} unique codes`);
  return made;
}

export async function createCouponSeries(ctx: AppContext, actor: Actor, series: CouponSeries): Promise<CouponSeriesView> {
  check(series);
  const at = ctx.clock();
  let s = series;
  if (series.kind === 'shared') {
    const code = normaliseCode(series.code!);
    if (!code) throw new DomainError('VALIDATION_FAILED', 'a code is letters and digits', { errors: [{ pointer: '/code', detail: 'must be letters and digits (spaces and dashes are ignored)' }] });
    s = { ...series, code };
  }
  return ctx.db.transaction().execute(async (tx) => {
    if (!(await insertDefinition(tx, 'coupon_series', actor.programId, { id: s.id, status: 'active', definition: s, at }))) {
      throw new DomainError('COUPON_SERIES_EXISTS', `a coupon series with id ${s.id} already exists`);
    }
    if (s.kind === 'shared') {
      if ((await insertCoupons(tx, actor.programId, s.id, [s.code!], null, at)) !== 1) throw new DomainError('COUPON_CODE_TAKEN', `the code ${s.code} is already in use in this program`);
    } else if ((s.count ?? 0) > 0) {
      await addCodes(tx, actor.programId, s, s.count!, null, at);
    }
    await audit(ctx, tx, actor, { action: 'create', entity: 'coupon_series', entityId: s.id, before: null, after: s, at });
    return view({ id: s.id, status: 'active', definition: s, createdAt: at, updatedAt: at }, await countCoupons(tx, actor.programId, s.id));
  });
}

/** More codes for a unique series, or one personal code bound to a member (a targeted offer). */
export async function generateCoupons(ctx: AppContext, actor: Actor, seriesId: string, input: { count?: number | undefined; memberId?: string | undefined }): Promise<{ codes: string[] }> {
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findDefinition<'active' | 'archived'>(tx, 'coupon_series', actor.programId, seriesId);
    if (!row || row.status === 'archived') throw new DomainError('COUPON_SERIES_NOT_FOUND', `no coupon series ${seriesId}`);
    const s = row.definition as CouponSeries;
    if (s.kind === 'shared') throw new DomainError('VALIDATION_FAILED', 'a shared series has one code; make a unique series for personal codes');
    const memberId = input.memberId ? (await requireMember(tx, actor.programId, input.memberId)).memberId : null;
    const count = memberId ? 1 : (input.count ?? 1);
    if (memberId) await lockWallet(tx, memberId); // the member's events are numbered under it
    const codes = await addCodes(tx, actor.programId, s, count, memberId, at);
    await audit(ctx, tx, actor, { action: 'generate', entity: 'coupon_series', entityId: seriesId, before: null, after: { count, memberId }, at });
    if (memberId) await insertEvents(tx, actor.programId, at, codes.map((code) => draftEvent(ctx.newId(), 'coupon.issued', memberId, at, { code, seriesId })));
    return { codes };
  });
}

export async function archiveCouponSeries(ctx: AppContext, actor: Actor, seriesId: string): Promise<CouponSeriesView> {
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findDefinition<'active' | 'archived'>(tx, 'coupon_series', actor.programId, seriesId, true);
    if (!row) throw new DomainError('COUPON_SERIES_NOT_FOUND', `no coupon series ${seriesId}`);
    await updateDefinition(tx, 'coupon_series', actor.programId, { id: seriesId, status: 'archived', definition: row.definition, at });
    await audit(ctx, tx, actor, { action: 'archive', entity: 'coupon_series', entityId: seriesId, before: { status: row.status }, after: { status: 'archived' }, at });
    return view({ ...row, status: 'archived', updatedAt: at }, await countCoupons(tx, actor.programId, seriesId));
  });
}

export async function getCouponSeries(ctx: AppContext, programId: string, seriesId: string): Promise<CouponSeriesView> {
  const row = await findDefinition<'active' | 'archived'>(ctx.db, 'coupon_series', programId, seriesId);
  if (!row) throw new DomainError('COUPON_SERIES_NOT_FOUND', `no coupon series ${seriesId}`);
  return view(row, await countCoupons(ctx.db, programId, seriesId));
}

export const COUPON_SERIES_LIST: ListSpec<DefinitionSortKey> = { list: 'coupon-series', keys: { createdAt: 'instant', updatedAt: 'instant', name: 'text', status: 'text' }, id: 'text', defaultSort: '-createdAt' };

/** A page of coupon series with their code and use counts, newest first unless asked otherwise. */
export async function pageCouponSeries(ctx: AppContext, programId: string, q: ListQuery): Promise<Page<CouponSeriesView>> {
  const sort = parseSort(COUPON_SERIES_LIST, q.sort);
  const after = decodeCursor(COUPON_SERIES_LIST, sort, q.cursor);
  const rows = await pageDefinitions<'active' | 'archived'>(ctx.db, 'coupon_series', programId, { sort, after, limit: q.limit });
  const counts = await Promise.all(rows.slice(0, q.limit).map((r) => countCoupons(ctx.db, programId, r.id)));
  return pageOf(COUPON_SERIES_LIST.list, sort, rows, q.limit, afterRow, (r) => view(r, counts[rows.indexOf(r)]!));
}

/** Every series (the member app's offers need them all). */
export async function listCouponSeries(ctx: AppContext, programId: string): Promise<CouponSeriesView[]> {
  const rows = await listDefinitions<'active' | 'archived'>(ctx.db, 'coupon_series', programId);
  return Promise.all(rows.map(async (r) => view(r, await countCoupons(ctx.db, programId, r.id))));
}

export const COUPON_CODE_LIST: ListSpec<CouponSortKey> = { list: 'coupon-codes', keys: { code: 'text', createdAt: 'instant' }, id: 'text', defaultSort: 'code' };

export interface CouponCodeView {
  code: string;
  memberId: string | null;
  uses: number;
  createdAt: string;
}

/** A page of a series' codes, in code order unless asked otherwise. */
export async function pageCouponCodes(ctx: AppContext, programId: string, seriesId: string, q: ListQuery): Promise<Page<CouponCodeView>> {
  const sort = parseSort(COUPON_CODE_LIST, q.sort);
  const after = decodeCursor(COUPON_CODE_LIST, sort, q.cursor);
  await getCouponSeries(ctx, programId, seriesId);
  const rows = await pageCoupons(ctx.db, programId, seriesId, { sort, after, limit: q.limit });
  return pageOf(COUPON_CODE_LIST.list, sort, rows, q.limit, afterRow, (r) => ({ code: r.code, memberId: r.memberId, uses: r.uses, createdAt: r.createdAt.toISOString() }));
}

/** All codes of a series, a page at a time, for the CSV export. */
export async function* couponCodes(ctx: AppContext, programId: string, seriesId: string): AsyncGenerator<CouponRow> {
  await getCouponSeries(ctx, programId, seriesId);
  let after: string | null = null;
  for (;;) {
    const page = await listCoupons(ctx.db, programId, seriesId, after, 5_000);
    yield* page;
    if (page.length < 5_000) return;
    after = page[page.length - 1]!.code;
  }
}

const view = (r: DefinitionRow<'active' | 'archived'>, counts: { codes: number; used: number; uses: number }): CouponSeriesView => ({
  id: r.id,
  status: r.status,
  series: r.definition as CouponSeries,
  ...counts,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
