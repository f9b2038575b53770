import { sql, type Kysely } from 'kysely';

/*
 * Analytics: pre-aggregated KPIs, segments, RFM, customer-base model outputs, NPS, budgets.
 * Self-contained (it depends only on 0001-core). Distribution rules (DESIGN.md): member-scoped
 * tables lead their keys with member_id; program-level aggregates lead with program_id; no
 * triggers — the aggregates are written by a job (docs/adr/0009-analytics-aggregates.md), never
 * in the purchase's transaction.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of SCHEMA.split(/;\s*\n/).map((s) => s.trim()).filter((s) => s.length > 0)) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0006-analytics cannot be rolled back');
}

const SCHEMA = `
    create table analytics_settings (
      program_id uuid primary key references programs (program_id),
      settings jsonb not null,
      updated_at timestamptz not null
    );

    create table analytics_state (
      program_id uuid primary key references programs (program_id),
      aggregated_at timestamptz,
      time_zone text,
      segments_at timestamptz,
      full_day date,
      updated_at timestamptz not null
    );

    create table analytics_days (
      program_id uuid not null,
      store_id text not null,
      day date not null,
      purchases bigint not null,
      sales bigint not null,
      paid bigint not null,
      points_spent bigint not null,
      points_earned bigint not null,
      anon_purchases bigint not null,
      anon_sales bigint not null,
      returns bigint not null,
      refunds bigint not null,
      anon_returns bigint not null,
      anon_refunds bigint not null,
      new_members bigint not null,
      issued bigint not null,
      redeemed bigint not null,
      expired bigint not null,
      adjusted bigint not null,
      primary key (program_id, store_id, day)
    );

    create table analytics_visits (
      program_id uuid not null,
      store_id text not null,
      day date not null,
      prev_day date not null,
      ordinal smallint not null check (ordinal between 1 and 3),
      members bigint not null,
      primary key (program_id, store_id, day, prev_day, ordinal)
    );

    create table analytics_cohort_days (
      program_id uuid not null,
      day date not null,
      cohort_month date not null,
      members bigint not null,
      primary key (program_id, day, cohort_month)
    );

    create table analytics_budgets (
      program_id uuid not null references programs (program_id),
      month date not null,
      block text not null check (block in ('main', 'mass', 'targeted')),
      amount bigint not null check (amount >= 0),
      updated_at timestamptz not null,
      primary key (program_id, month, block)
    );

    create table segments (
      program_id uuid not null references programs (program_id),
      segment_id uuid not null,
      kind text not null check (kind in ('rule', 'rfm', 'at_risk')),
      code text,
      name text not null,
      description text,
      rule jsonb,
      member_count bigint,
      computed_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (program_id, segment_id)
    );
    create unique index segments_code on segments (program_id, code) where code is not null;

    create table member_segments (
      member_id uuid not null references members (member_id),
      segment_id uuid not null,
      program_id uuid not null,
      since timestamptz not null,
      primary key (member_id, segment_id),
      foreign key (program_id, segment_id) references segments (program_id, segment_id)
    );
    create index member_segments_segment on member_segments (program_id, segment_id, member_id);

    create table member_rfm (
      member_id uuid not null references members (member_id),
      program_id uuid not null,
      recency_days integer not null,
      frequency integer not null,
      monetary bigint not null,
      r smallint not null,
      f smallint not null,
      m smallint not null,
      segment text not null,
      computed_at timestamptz not null,
      primary key (member_id)
    );
    create index member_rfm_program on member_rfm (program_id, segment);

    create table analytics_rfm_cells (
      program_id uuid not null,
      r smallint not null,
      f smallint not null,
      m smallint not null,
      segment text not null,
      members bigint not null,
      recency_min integer not null,
      recency_max integer not null,
      frequency_min integer not null,
      frequency_max integer not null,
      monetary_min bigint not null,
      monetary_max bigint not null,
      computed_at timestamptz not null,
      primary key (program_id, r, f, m)
    );

    create table model_fits (
      program_id uuid not null references programs (program_id),
      fit_id uuid not null,
      fitted_at timestamptz not null,
      calibration_end date not null,
      members integer not null,
      repeat_members integer not null,
      bgnbd jsonb not null,
      gamma_gamma jsonb,
      options jsonb not null,
      duration_ms integer not null,
      primary key (program_id, fit_id)
    );

    create table member_predictions (
      member_id uuid not null references members (member_id),
      program_id uuid not null,
      fit_id uuid not null,
      x integer not null,
      tx double precision not null,
      t double precision not null,
      expected_purchases double precision not null,
      p_alive double precision not null,
      previous_p_alive double precision,
      expected_spend bigint,
      clv bigint,
      fitted_at timestamptz not null,
      primary key (member_id)
    );
    create index member_predictions_program on member_predictions (program_id, p_alive);

    create table nps_surveys (
      program_id uuid not null references programs (program_id),
      survey_id uuid not null,
      name text not null,
      question text not null,
      link_token text not null unique,
      status text not null check (status in ('open', 'closed')),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (program_id, survey_id)
    );

    create table nps_responses (
      member_id uuid not null references members (member_id),
      survey_id uuid not null,
      program_id uuid not null,
      score smallint not null check (score between 0 and 10),
      comment text,
      channel text not null,
      created_at timestamptz not null,
      primary key (member_id, survey_id),
      foreign key (program_id, survey_id) references nps_surveys (program_id, survey_id)
    );
    create index nps_responses_program on nps_responses (program_id, created_at);

    create table anonymous_nps_responses (
      program_id uuid not null,
      response_id uuid not null,
      survey_id uuid not null,
      score smallint not null check (score between 0 and 10),
      comment text,
      channel text not null,
      created_at timestamptz not null,
      primary key (program_id, response_id),
      foreign key (program_id, survey_id) references nps_surveys (program_id, survey_id)
    );
    create index anonymous_nps_responses_program on anonymous_nps_responses (program_id, created_at);

    create index anonymous_purchases_program_time on anonymous_purchases (program_id, occurred_at);
    create index purchases_member_visits on purchases (member_id, occurred_at) include (store_id, total) where status = 'completed';
    create index purchases_created on purchases using brin (created_at);
    create index anonymous_purchases_created on anonymous_purchases using brin (created_at);
    create index entries_created on entries using brin (created_at);
    create index returns_created on returns using brin (created_at);
    create index anonymous_returns_created on anonymous_returns using brin (created_at);
    create index members_program_updated on members (program_id, updated_at);
`;
