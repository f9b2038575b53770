import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.js';

/** Anything that runs queries: the database or an open transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

/** The database handle src/app holds (AppContext.db): it opens transactions and is passed to store functions. */
export type Db = Kysely<DB>;

/** An open transaction, as src/app passes it from `db.transaction().execute(…)` to store functions. */
export type Tx = Transaction<DB>;

export const json = (value: unknown): string => JSON.stringify(value);

/**
 * Put `${planEachCall}` in an analytics statement whose best plan depends on its parameters (a
 * date range, a window, a `since`): the statement is then not prepared, and PostgreSQL plans it for
 * the values of each call instead of falling back to a generic plan (store/db.ts). The marker may
 * stand anywhere in the text, so the fragments that read a date range carry it themselves
 * (analytics-read.ts daysSource, analytics-days.ts within, …) and every statement built on them is
 * marked without having to remember it.
 */
export const PLAN_EACH_CALL = '/* plan each call */';
export const planEachCall = sql.raw(PLAN_EACH_CALL);
