import { sql, type Kysely } from 'kysely';

/*
 * Back-dated history for the analytics job (docs/adr/0020-back-dated-history.md): whatever writes
 * rows dated in the past with a past created_at (the demo, the CSV imports) marks the earliest
 * instant it touched, and the next run of the job recomputes every day from there. `history_marks`
 * counts the marks, so that the job clears only the mark it has acted on: a mark written while it
 * ran stays for the next run.
 *
 * And the tier review job (src/app/rules/tier-review-job.ts): members holding a tier, by when
 * their tier's period began, so that each run finds those whose review is due without reading
 * every wallet. Partial: most members hold no tier, and a purchase that leaves the tier as it was
 * changes no indexed column (its wallet update stays a HOT update).
 *
 * And the campaigns' stored comparisons (docs/adr/0017) count only purchases in the campaign's
 * weekly slots (its weekdays and hours): `slots` records which, so that an edit of them refills.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table analytics_state add column history_from timestamptz`.execute(db);
  await sql`alter table analytics_state add column history_marks bigint not null default 0`.execute(db);
  await sql`alter table campaign_comparisons add column slots text not null default ''`.execute(db);
  await sql`create index wallets_tier_review on wallets (program_id, tier_since) where tier_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists wallets_tier_review`.execute(db);
  await sql`alter table campaign_comparisons drop column slots`.execute(db);
  await sql`alter table analytics_state drop column history_marks`.execute(db);
  await sql`alter table analytics_state drop column history_from`.execute(db);
}
