import { sql } from 'kysely';
import type { After, Sort } from '../domain/list-paging.js';
import type { OpeningHours, StoreProfile } from '../domain/stores.js';
import type { Executor } from './executor.js';
import { json } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';

export interface StoreRow extends StoreProfile {
  storeId: string;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoreInput {
  storeId: string;
  name: string;
  address: string | null;
}

/** Adds stores to a program; a store id that exists is left as it is. */
export async function insertStores(db: Executor, programId: string, stores: readonly (StoreInput & Partial<StoreProfile>)[], at: Date): Promise<void> {
  if (stores.length === 0) return;
  await db
    .insertInto('stores')
    .values(stores.map((s) => ({ program_id: programId, store_id: s.storeId, ...columns({ city: null, latitude: null, longitude: null, openingHours: null, phone: null, partner: null, ...s }), created_at: at, updated_at: at })))
    .onConflict((oc) => oc.columns(['program_id', 'store_id']).doNothing())
    .execute();
}

/** Inserts one store; false when the id is taken. */
export async function insertStore(db: Executor, programId: string, storeId: string, p: StoreProfile, at: Date): Promise<boolean> {
  const rows = await db
    .insertInto('stores')
    .values({ program_id: programId, store_id: storeId, ...columns(p), created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['program_id', 'store_id']).doNothing())
    .returning('store_id')
    .execute();
  return rows.length === 1;
}

export async function updateStore(db: Executor, programId: string, storeId: string, p: StoreProfile & { archivedAt: Date | null }, at: Date): Promise<void> {
  await db
    .updateTable('stores')
    .set({ ...columns(p), archived_at: p.archivedAt, updated_at: at })
    .where('program_id', '=', programId)
    .where('store_id', '=', storeId)
    .execute();
}

export async function findStore(db: Executor, programId: string, storeId: string, lock = false): Promise<StoreRow | undefined> {
  let q = db.selectFrom('stores').selectAll().where('program_id', '=', programId).where('store_id', '=', storeId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toStore(row);
}

/** All stores of a program, by name; a program has tens or hundreds, not millions. */
export async function listStores(db: Executor, programId: string, includeArchived: boolean): Promise<StoreRow[]> {
  let q = db.selectFrom('stores').selectAll().where('program_id', '=', programId);
  if (!includeArchived) q = q.where('archived_at', 'is', null);
  const rows = await q.orderBy('name').orderBy('store_id').execute();
  return rows.map(toStore);
}

export type StoreSortKey = 'name' | 'city' | 'createdAt';

export const STORE_KEYSET: Keyset<StoreSortKey> = {
  columns: { name: { expr: sql`lower(name)`, type: 'text' }, city: { expr: sql`lower(coalesce(city, ''))`, type: 'text' }, createdAt: { expr: sql`created_at`, type: 'timestamptz' } },
  id: 'store_id',
};

/** A page of the program's stores in the asked order, one row more than the limit. */
export async function pageStores(db: Executor, programId: string, q: { includeArchived: boolean; sort: Sort<StoreSortKey>; after: After | undefined; limit: number }): Promise<(StoreRow & SortedRow)[]> {
  let query = db.selectFrom('stores').selectAll().where('program_id', '=', programId);
  if (!q.includeArchived) query = query.where('archived_at', 'is', null);
  const rows = await keysetPage(query, STORE_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({ ...toStore(r), sort_value: r.sort_value, sort_id: r.sort_id }));
}

function columns(p: StoreProfile) {
  return {
    name: p.name,
    address: p.address,
    city: p.city,
    latitude: p.latitude,
    longitude: p.longitude,
    opening_hours: p.openingHours === null ? null : json(p.openingHours),
    phone: p.phone,
    partner: p.partner,
  };
}

function toStore(r: {
  store_id: string;
  name: string;
  address: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  opening_hours: unknown;
  phone: string | null;
  partner: string | null;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
}): StoreRow {
  return {
    storeId: r.store_id,
    name: r.name,
    address: r.address,
    city: r.city,
    latitude: r.latitude,
    longitude: r.longitude,
    openingHours: (r.opening_hours as OpeningHours | null) ?? null,
    phone: r.phone,
    partner: r.partner,
    archivedAt: r.archived_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
