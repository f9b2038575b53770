import { DomainError } from '../domain/errors.js';
import { distanceMetres, storeProfileErrors, type StoreProfile } from '../domain/stores.js';
import { decodeCursor, pageInMemory, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../domain/list-paging.js';
import { afterRow } from '../store/keyset.js';
import { findStore, insertStore, listStores, pageStores, updateStore, type StoreRow, type StoreSortKey } from '../store/stores.js';
import { audit } from './audit.js';
import type { Actor, AppContext } from './context.js';

export interface StoreView extends StoreProfile {
  id: string;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  /** Metres from the point asked about, when one was given and the store has coordinates. */
  distance?: number;
}

export type StoreCreate = { id: string; name: string } & Partial<Omit<StoreProfile, 'name'>>;
export type StorePatch = Partial<StoreProfile>;

const EMPTY: Omit<StoreProfile, 'name'> = { address: null, city: null, latitude: null, longitude: null, openingHours: null, phone: null, partner: null };

function check(p: Partial<StoreProfile>): void {
  const errors = storeProfileErrors(p);
  if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
}

export async function createStore(ctx: AppContext, actor: Actor, input: StoreCreate): Promise<StoreView> {
  const { id, ...rest } = input;
  const profile: StoreProfile = { ...EMPTY, ...rest };
  check(profile);
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    if (!(await insertStore(tx, actor.programId, id, profile, at))) throw new DomainError('STORE_EXISTS', `a store with id ${id} already exists`);
    const view = toView({ storeId: id, ...profile, archivedAt: null, createdAt: at, updatedAt: at });
    await audit(ctx, tx, actor, { action: 'create', entity: 'store', entityId: id, before: null, after: view, at });
    return view;
  });
}

/** Changes the given fields; archiving and restoring go through `archived`. */
export async function changeStore(ctx: AppContext, actor: Actor, storeId: string, patch: StorePatch & { archived?: boolean }): Promise<StoreView> {
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await findStore(tx, actor.programId, storeId, true);
    if (!row) throw new DomainError('STORE_NOT_FOUND', `no store ${storeId}`);
    const { archived, ...fields } = patch;
    const next: StoreRow = { ...row, ...fields, archivedAt: archived === undefined ? row.archivedAt : archived ? (row.archivedAt ?? at) : null, updatedAt: at };
    check(next);
    await updateStore(tx, actor.programId, storeId, next, at);
    const before = toView(row);
    const after = toView(next);
    await audit(ctx, tx, actor, { action: archived === true && !row.archivedAt ? 'archive' : 'update', entity: 'store', entityId: storeId, before, after, at });
    return after;
  });
}

export async function getStore(ctx: AppContext, programId: string, storeId: string): Promise<StoreView> {
  const row = await findStore(ctx.db, programId, storeId);
  if (!row) throw new DomainError('STORE_NOT_FOUND', `no store ${storeId}`);
  return toView(row);
}

export const STORE_LIST: ListSpec<StoreSortKey> = { list: 'stores', keys: { name: 'text', city: 'text', createdAt: 'instant' }, id: 'text', defaultSort: 'name' };
/** With `near`, distance is the only order: it is computed, not stored, so that list pages in memory. */
export const STORE_NEAR_LIST: ListSpec<'distance'> = { list: 'stores-near', keys: { distance: 'number' }, id: 'text', defaultSort: 'distance' };

/** Stores without coordinates sort after every real distance. */
const FAR = Number.MAX_SAFE_INTEGER;

/** By name (or city, or date added), or nearest first when a point is given (stores without coordinates come last). */
export async function getStores(
  ctx: AppContext,
  programId: string,
  q: ListQuery & { includeArchived?: boolean | undefined; near?: { latitude: number; longitude: number } | undefined },
): Promise<Page<StoreView>> {
  const includeArchived = q.includeArchived ?? false;
  const near = q.near;
  if (near) {
    const views = (await listStores(ctx.db, programId, includeArchived)).map(toView);
    for (const v of views) if (v.latitude !== null && v.longitude !== null) v.distance = Math.round(distanceMetres(near, { latitude: v.latitude, longitude: v.longitude }));
    return pageInMemory(STORE_NEAR_LIST, views, q, { distance: (v) => v.distance ?? FAR }, (v) => v.id);
  }
  const sort = parseSort(STORE_LIST, q.sort);
  const after = decodeCursor(STORE_LIST, sort, q.cursor);
  const rows = await pageStores(ctx.db, programId, { includeArchived, sort, after, limit: q.limit });
  return pageOf(STORE_LIST.list, sort, rows, q.limit, afterRow, toView);
}

function toView(r: StoreRow): StoreView {
  return {
    id: r.storeId,
    name: r.name,
    address: r.address,
    city: r.city,
    latitude: r.latitude,
    longitude: r.longitude,
    openingHours: r.openingHours,
    phone: r.phone,
    partner: r.partner,
    archived: r.archivedAt !== null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
