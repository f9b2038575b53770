import type { ColumnType } from 'kysely';

/** Row types of the analytics tables (migrations/0006-analytics.ts). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type Int8 = ColumnType<number, number | bigint, number | bigint>;
/** A calendar date, kept as 'YYYY-MM-DD' (db.ts does not parse dates). */
type Day = ColumnType<string, string, string>;

export interface AnalyticsSettingsTable {
  program_id: string;
  settings: Json<unknown>;
  updated_at: Timestamp;
}

export interface AnalyticsStateTable {
  program_id: string;
  /** Clock reading when the last aggregation started: rows created since then (less an overlap) are new. */
  aggregated_at: Timestamp | null;
  /** The time zone the day aggregates were computed in; another zone means a full rebuild. */
  time_zone: string | null;
  /** The same for the incremental segment update. */
  segments_at: Timestamp | null;
  /** Program-local day of the last full recompute of segments and RFM. */
  full_day: Day | null;
  /** The earliest instant of back-dated history written since the job last acted on it (migration 0013). */
  history_from: Timestamp | null;
  /** How many times history was marked: the job clears the mark only if none came while it ran. */
  history_marks: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
}

export interface AnalyticsDaysTable {
  program_id: string;
  store_id: string;
  day: Day;
  purchases: Int8;
  sales: Int8;
  paid: Int8;
  points_spent: Int8;
  points_earned: Int8;
  anon_purchases: Int8;
  anon_sales: Int8;
  returns: Int8;
  refunds: Int8;
  anon_returns: Int8;
  anon_refunds: Int8;
  new_members: Int8;
  issued: Int8;
  redeemed: Int8;
  expired: Int8;
  adjusted: Int8;
}

export interface AnalyticsVisitsTable {
  program_id: string;
  store_id: string;
  day: Day;
  prev_day: Day;
  ordinal: number;
  members: Int8;
}

export interface AnalyticsCohortDaysTable {
  program_id: string;
  day: Day;
  cohort_month: Day;
  members: Int8;
}

export type Block = 'main' | 'mass' | 'targeted';

export interface AnalyticsBudgetsTable {
  program_id: string;
  month: Day;
  block: Block;
  amount: Int8;
  updated_at: Timestamp;
}

export type SegmentKind = 'rule' | 'rfm' | 'at_risk';

export interface SegmentsTable {
  program_id: string;
  segment_id: string;
  kind: SegmentKind;
  code: string | null;
  name: string;
  description: string | null;
  rule: Json<unknown> | null;
  member_count: Int8 | null;
  computed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MemberSegmentsTable {
  member_id: string;
  segment_id: string;
  program_id: string;
  since: Timestamp;
}

export interface MemberRfmTable {
  member_id: string;
  program_id: string;
  recency_days: number;
  frequency: number;
  monetary: Int8;
  r: number;
  f: number;
  m: number;
  segment: string;
  computed_at: Timestamp;
}

export interface AnalyticsRfmCellsTable {
  program_id: string;
  r: number;
  f: number;
  m: number;
  segment: string;
  members: Int8;
  recency_min: number;
  recency_max: number;
  frequency_min: number;
  frequency_max: number;
  monetary_min: Int8;
  monetary_max: Int8;
  computed_at: Timestamp;
}

export interface ModelFitsTable {
  program_id: string;
  fit_id: string;
  fitted_at: Timestamp;
  calibration_end: Day;
  members: number;
  repeat_members: number;
  bgnbd: Json<unknown>;
  gamma_gamma: Json<unknown> | null;
  options: Json<unknown>;
  duration_ms: number;
}

export interface MemberPredictionsTable {
  member_id: string;
  program_id: string;
  fit_id: string;
  x: number;
  tx: number;
  t: number;
  expected_purchases: number;
  p_alive: number;
  previous_p_alive: number | null;
  expected_spend: Int8 | null;
  clv: Int8 | null;
  fitted_at: Timestamp;
}

export interface NpsSurveysTable {
  program_id: string;
  survey_id: string;
  name: string;
  question: string;
  link_token: string;
  status: 'open' | 'closed';
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface NpsResponsesTable {
  member_id: string;
  survey_id: string;
  program_id: string;
  score: number;
  comment: string | null;
  channel: string;
  created_at: Timestamp;
}

export interface AnonymousNpsResponsesTable {
  program_id: string;
  response_id: string;
  survey_id: string;
  score: number;
  comment: string | null;
  channel: string;
  created_at: Timestamp;
}

/** A stored control-group comparison's bounds (migrations/0011-campaign-comparison.ts). */
export interface CampaignComparisonsTable {
  program_id: string;
  campaign_id: string;
  /** The zone the days were computed in; another zone means a refill. */
  time_zone: string;
  window_from: Day;
  /** The last day the outcomes cover (the schedule's end, or the day of the last run). */
  window_to: Day;
  population_from: Day;
  lookback_from: Day;
  /** The campaign's weekly slots the outcomes count purchases in, as JSON; '' for every hour (migration 0013). */
  slots: ColumnType<string, string | undefined, string>;
  /** Clock reading when the run that last updated the rows started: the figures are as of it. */
  aggregated_at: Timestamp;
  updated_at: Timestamp;
}

/** One member of a stored comparison's population and their outcomes over its window. */
export interface CampaignComparisonMembersTable {
  program_id: string;
  campaign_id: string;
  member_id: string;
  /** controlBucket(campaignId, memberId): in the control group when below percent × 100. */
  bucket: number;
  spend: Int8;
  visits: number;
}

export interface AnalyticsTables {
  campaign_comparisons: CampaignComparisonsTable;
  campaign_comparison_members: CampaignComparisonMembersTable;
  analytics_settings: AnalyticsSettingsTable;
  analytics_state: AnalyticsStateTable;
  analytics_days: AnalyticsDaysTable;
  analytics_visits: AnalyticsVisitsTable;
  analytics_cohort_days: AnalyticsCohortDaysTable;
  analytics_budgets: AnalyticsBudgetsTable;
  segments: SegmentsTable;
  member_segments: MemberSegmentsTable;
  member_rfm: MemberRfmTable;
  analytics_rfm_cells: AnalyticsRfmCellsTable;
  model_fits: ModelFitsTable;
  member_predictions: MemberPredictionsTable;
  nps_surveys: NpsSurveysTable;
  nps_responses: NpsResponsesTable;
  anonymous_nps_responses: AnonymousNpsResponsesTable;
}
