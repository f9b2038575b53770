import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * A cancelled purchase's campaign history is appended to, never rewritten (issue 13,
 * docs/adr/0028-purchase-path.md): its effects get reversing rows (`reversal`, negated amounts,
 * seq = −1 − the reversed row's seq) instead of being deleted, and each use a purchase counts
 * towards a campaign's per-member limit is a row of `campaign_uses` (+1 by the purchase, −1 by its
 * cancel). `campaign_usage` stays as the cache the purchase path reads (the sum of the uses per
 * member, campaign and period), like the wallet's balance caches its entries.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    alter table campaign_effects add column reversal boolean not null default false;
    create table campaign_uses (
      member_id uuid not null references members (member_id),
      purchase_id uuid not null,
      campaign_id text not null,
      period text not null,
      uses integer not null check (uses in (1, -1)),
      program_id uuid not null,
      created_at timestamptz not null,
      primary key (member_id, purchase_id, campaign_id, uses)
    );
  `)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop table campaign_uses').execute(db);
  await sql.raw('alter table campaign_effects drop column reversal').execute(db);
}
