import type { Executor } from './executor.js';

export interface StoreInput {
  storeId: string;
  name: string;
  address: string | null;
}

/** Adds stores to a program; a store id that exists is left as it is. */
export async function insertStores(db: Executor, programId: string, stores: readonly StoreInput[], at: Date): Promise<void> {
  if (stores.length === 0) return;
  await db
    .insertInto('stores')
    .values(stores.map((s) => ({ program_id: programId, store_id: s.storeId, name: s.name, address: s.address, created_at: at })))
    .onConflict((oc) => oc.columns(['program_id', 'store_id']).doNothing())
    .execute();
}
