import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * Program design: rule versions (a snapshot of the campaigns and tiers in force, with the time it
 * takes effect), the editable campaigns and tiers, coupon series and codes, campaign budgets and
 * per-member usage, the effects each purchase received (for attribution and cost), tier state
 * and history, paid memberships and non-purchase events.
 *
 * Distribution rules as in 0001: member-scoped tables lead with member_id; codes are claimed in a
 * program-level table keyed by the code; budgets are per-campaign rows (the one shared row a
 * purchase may touch, and only when its campaign has a budget: see docs/rules.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(SCHEMA)) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0005-rules cannot be rolled back');
}

const SCHEMA = `
    create table rule_versions (
      program_id uuid not null references programs (program_id),
      version integer not null,
      effective_from timestamptz not null,
      rules jsonb not null,
      note text,
      created_by text not null,
      created_at timestamptz not null,
      primary key (program_id, version)
    );

    create table campaigns (
      program_id uuid not null references programs (program_id),
      campaign_id text not null,
      status text not null check (status in ('draft', 'active', 'paused', 'archived')),
      definition jsonb not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (program_id, campaign_id)
    );

    create table tiers (
      program_id uuid not null references programs (program_id),
      tier_id text not null,
      status text not null check (status in ('active', 'archived')),
      definition jsonb not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (program_id, tier_id)
    );

    create table campaign_budgets (
      program_id uuid not null references programs (program_id),
      campaign_id text not null,
      spent_points bigint not null default 0,
      spent_money bigint not null default 0,
      updated_at timestamptz not null,
      primary key (program_id, campaign_id)
    );

    create table campaign_usage (
      member_id uuid not null references members (member_id),
      campaign_id text not null,
      period text not null,
      uses integer not null,
      primary key (member_id, campaign_id, period)
    );

    create table campaign_effects (
      member_id uuid not null,
      purchase_id uuid not null,
      seq integer not null,
      program_id uuid not null,
      campaign_id text not null,
      coupon_code text,
      block text not null,
      kind text not null,
      points bigint not null,
      discount bigint not null,
      cost bigint not null,
      occurred_at timestamptz not null,
      primary key (member_id, purchase_id, seq)
    );
    create index campaign_effects_campaign on campaign_effects (program_id, campaign_id, occurred_at);
    create index campaign_effects_time on campaign_effects (program_id, occurred_at);

    create table anonymous_campaign_effects (
      program_id uuid not null,
      purchase_id uuid not null,
      seq integer not null,
      campaign_id text not null,
      coupon_code text,
      block text not null,
      kind text not null,
      discount bigint not null,
      cost bigint not null,
      occurred_at timestamptz not null,
      primary key (program_id, purchase_id, seq)
    );
    create index anonymous_campaign_effects_time on anonymous_campaign_effects (program_id, occurred_at);

    create table coupon_series (
      program_id uuid not null references programs (program_id),
      series_id text not null,
      definition jsonb not null,
      status text not null check (status in ('active', 'archived')),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (program_id, series_id)
    );

    create table coupons (
      program_id uuid not null,
      code text not null,
      series_id text not null,
      member_id uuid,
      uses integer not null default 0,
      created_at timestamptz not null,
      primary key (program_id, code)
    );
    create index coupons_series on coupons (program_id, series_id, code);
    create index coupons_member on coupons (member_id) where member_id is not null;

    create table coupon_uses (
      member_id uuid not null references members (member_id),
      coupon_use_id uuid not null,
      program_id uuid not null,
      code text not null,
      series_id text not null,
      purchase_id uuid not null,
      status text not null check (status in ('held', 'used', 'released', 'returned')),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (member_id, coupon_use_id)
    );
    create index coupon_uses_purchase on coupon_uses (member_id, purchase_id);

    create table tier_changes (
      member_id uuid not null references members (member_id),
      change_id uuid not null,
      program_id uuid not null,
      at timestamptz not null,
      from_tier text,
      to_tier text,
      reason text not null,
      primary key (member_id, change_id)
    );

    create table memberships (
      member_id uuid not null references members (member_id),
      membership_id uuid not null,
      program_id uuid not null,
      tier_id text not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      purchase_id uuid,
      price bigint not null,
      created_at timestamptz not null,
      primary key (member_id, membership_id)
    );

    create table member_events (
      member_id uuid not null references members (member_id),
      event_id uuid not null,
      program_id uuid not null,
      type text not null,
      attributes jsonb not null,
      occurred_at timestamptz not null,
      points bigint not null,
      result jsonb not null,
      primary key (member_id, event_id)
    );

    alter table wallets add column purchase_count integer not null default 0;
    alter table wallets add column first_purchase_at timestamptz;
    alter table wallets add column last_purchase_at timestamptz;
    alter table wallets add column tier_id text;
    alter table wallets add column tier_since timestamptz;
    alter table programs add column tier_policy jsonb;
    alter table purchases add column rule_version integer;
    alter table purchases add column paid_total bigint;
    alter table returns add column refund bigint;
    create index purchases_member_time on purchases (member_id, occurred_at);
    alter table anonymous_purchases add column rule_version integer;
`;
