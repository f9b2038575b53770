import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * Why a two-phase purchase was cancelled (docs/adr/0021-two-phase-outcomes.md): `cancel` when the
 * till (or the shop) cancelled it while the hold was in force, `hold_timeout` when the hold ran
 * out first — whoever wrote the cancellation down (the hold-timeout job, a late confirm or a late
 * cancel). A late confirm answers HOLD_EXPIRED for the one and PURCHASE_NOT_HELD for the other.
 * Purchases cancelled before this column existed are classified by when they were cancelled: at
 * or after the hold's end, by the timeout.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    alter table purchases add column cancel_reason text check (cancel_reason in ('cancel', 'hold_timeout'));
    update purchases set cancel_reason = case when hold_expires_at is not null and updated_at >= hold_expires_at then 'hold_timeout' else 'cancel' end
      where status = 'cancelled';
  `)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table purchases drop column cancel_reason`.execute(db);
}
