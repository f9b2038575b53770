import { sql, type Kysely } from 'kysely';

/*
 * Per-campaign analytics (docs/analytics.md, "Campaigns"): the report reads a campaign's effects
 * in a range of time. Members' effects have had that index since 0005; receipts without a member
 * had only the program-wide time index, so a campaign's anonymous receipts meant reading every
 * campaign's. No new table: the figures are computed from the effects and purchases on request.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw('create index anonymous_campaign_effects_campaign on anonymous_campaign_effects (program_id, campaign_id, occurred_at)').execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop index if exists anonymous_campaign_effects_campaign').execute(db);
}
