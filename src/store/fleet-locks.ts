import { sql } from 'kysely';
import type { Executor } from './executor.js';

/**
 * Advisory-lock keys of the work that must happen once across every server on one database
 * (docs/adr/0019-surviving-the-database.md). Each is a fixed bigint, so that every process agrees
 * on it without a table; `pg_advisory_xact_lock` ends with the transaction that took it, so a
 * server that dies mid-way never leaves one behind.
 */
export const FLEET_LOCKS = {
  firstStart: 0x6b70_6b00_0001n,
  jobClaims: 0x6b70_6b00_0002n,
} as const;

/** Waits for the fleet-wide lock `key` until the transaction `tx` ends. */
export async function lockForTransaction(tx: Executor, key: bigint): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(key.toString())}::bigint)`.execute(tx);
}
