/**
 * Round trips the purchase path saves (docs/adr/0028-purchase-path.md): statements of one
 * transaction sent together, and a write sent with the commit. On PostgreSQL the driver
 * (pg-driver.ts) puts them on the wire together; on the embedded database, which has no wire, they
 * simply run one after another. Either way each is its own statement, run in the order given.
 */
import type { CompiledQuery, QueryResult } from 'kysely';
import type { Executor, Tx } from './executor.js';
import { PgConnection } from './pg-driver.js';

/** Runs the statements in order, sent together where the database allows; the first failure fails all. */
export async function pipelined(db: Executor, compiled: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
  return db.getExecutor().provideConnection(async (connection) => {
    if (connection instanceof PgConnection) return connection.pipeline(compiled);
    const out: QueryResult<unknown>[] = [];
    for (const c of compiled) out.push(await connection.executeQuery(c));
    return out;
  });
}

/**
 * Sends a write that needs no answer so that it travels with the transaction's COMMIT (one round
 * trip for both). Its failure fails the commit (the transaction is rolled back), or the next
 * statement of the transaction if one is run first. Outside PostgreSQL it runs now.
 */
export async function writeWithCommit(trx: Tx, compiled: CompiledQuery): Promise<void> {
  await trx.getExecutor().provideConnection(async (connection) => {
    if (connection instanceof PgConnection) connection.sendUnwaited(compiled.sql, compiled.parameters);
    else await connection.executeQuery(compiled);
  });
}
