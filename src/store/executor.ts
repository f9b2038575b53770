import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

/** Anything that runs queries: the database or an open transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

export const json = (value: unknown): string => JSON.stringify(value);
