import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * Stored control-group comparisons (docs/adr/0017-campaign-comparison-aggregates.md): per campaign
 * with a control group, the window and population bounds the analytics job last brought it up to,
 * and one row per member of its population with their bucket (the engine's hash, 0–9999, so that a
 * change of the percent needs no rewrite) and their spend and visit days in the window. The report
 * sums these rows per group instead of reading the purchases around the campaign. Program-level
 * tables led by program_id, like the day aggregates.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    create table campaign_comparisons (
      program_id uuid not null references programs (program_id),
      campaign_id text not null,
      time_zone text not null,
      window_from date not null,
      window_to date not null,
      population_from date not null,
      lookback_from date not null,
      aggregated_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (program_id, campaign_id)
    );
    create table campaign_comparison_members (
      program_id uuid not null,
      campaign_id text not null,
      member_id uuid not null,
      bucket smallint not null check (bucket between 0 and 9999),
      spend bigint not null,
      visits integer not null,
      primary key (program_id, campaign_id, member_id),
      foreign key (program_id, campaign_id) references campaign_comparisons (program_id, campaign_id) on delete cascade
    );
  `)) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    drop table campaign_comparison_members;
    drop table campaign_comparisons;
  `)) await sql.raw(statement).execute(db);
}
