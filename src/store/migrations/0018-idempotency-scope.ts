import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * Idempotency keys for every write route (docs/adr/0024-idempotency-keys.md). A key belongs to
 * the program and the caller that sent it (`actor`: an API key, an admin user, a member, the
 * operator), so two tills or two members picking the same key never meet. `status_code` 0 marks
 * a key claimed by a purchase whose answer is not saved yet; `response` holds the answer as it
 * was sent: `{ body, headers }`. The created_at index serves the purge of old keys.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    alter table idempotency_keys add column actor text not null default '';
    alter table idempotency_keys drop constraint idempotency_keys_pkey;
    alter table idempotency_keys add primary key (program_id, actor, key);
    create index idempotency_keys_created on idempotency_keys (created_at);
  `)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    drop index idempotency_keys_created;
    delete from idempotency_keys where actor <> '';
    alter table idempotency_keys drop constraint idempotency_keys_pkey;
    alter table idempotency_keys add primary key (program_id, key);
    alter table idempotency_keys drop column actor;
  `)) await sql.raw(statement).execute(db);
}
