import type { ColumnType, Generated } from 'kysely';

/** Row types of the program-design tables (migrations/0005-rules.ts). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type Int8 = ColumnType<number, number | bigint, number | bigint>;

export interface RuleVersionsTable {
  program_id: string;
  version: number;
  effective_from: Timestamp;
  rules: Json<unknown>;
  note: string | null;
  created_by: string;
  created_at: Timestamp;
}

export interface CampaignsTable {
  program_id: string;
  campaign_id: string;
  status: 'draft' | 'active' | 'paused' | 'archived';
  definition: Json<unknown>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TiersTable {
  program_id: string;
  tier_id: string;
  status: 'active' | 'archived';
  definition: Json<unknown>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CampaignBudgetsTable {
  program_id: string;
  campaign_id: string;
  spent_points: ColumnType<number, number | undefined, number>;
  spent_money: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
}

export interface CampaignUsageTable {
  member_id: string;
  campaign_id: string;
  period: string;
  uses: number;
}

export interface CampaignEffectsTable {
  member_id: string;
  purchase_id: string;
  seq: number;
  program_id: string;
  campaign_id: string;
  coupon_code: string | null;
  block: string;
  kind: string;
  points: Int8;
  discount: Int8;
  cost: Int8;
  occurred_at: Timestamp;
  /** A row that reverses one of the purchase's effects (its cancel): negated amounts, seq −1 − the reversed seq. */
  reversal: Generated<boolean>;
}

/** One use a purchase counts towards a campaign's per-member limit (+1), or its cancel's reversal (−1). */
export interface CampaignUsesTable {
  member_id: string;
  purchase_id: string;
  campaign_id: string;
  period: string;
  uses: number;
  program_id: string;
  created_at: Timestamp;
}

export interface AnonymousCampaignEffectsTable {
  program_id: string;
  purchase_id: string;
  seq: number;
  campaign_id: string;
  coupon_code: string | null;
  block: string;
  kind: string;
  discount: Int8;
  cost: Int8;
  occurred_at: Timestamp;
}

export interface CouponSeriesTable {
  program_id: string;
  series_id: string;
  definition: Json<unknown>;
  status: 'active' | 'archived';
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CouponsTable {
  program_id: string;
  code: string;
  series_id: string;
  member_id: string | null;
  uses: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
}

export interface CouponUsesTable {
  member_id: string;
  coupon_use_id: string;
  program_id: string;
  code: string;
  series_id: string;
  purchase_id: string;
  status: 'held' | 'used' | 'released' | 'returned';
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TierChangesTable {
  member_id: string;
  change_id: string;
  program_id: string;
  at: Timestamp;
  from_tier: string | null;
  to_tier: string | null;
  reason: string;
}

export interface MembershipsTable {
  member_id: string;
  membership_id: string;
  program_id: string;
  tier_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  purchase_id: string | null;
  price: Int8;
  created_at: Timestamp;
}

export interface MemberEventsTable {
  member_id: string;
  event_id: string;
  program_id: string;
  type: string;
  attributes: Json<unknown>;
  occurred_at: Timestamp;
  points: Int8;
  result: Json<unknown>;
}

export interface RulesTables {
  rule_versions: RuleVersionsTable;
  campaigns: CampaignsTable;
  tiers: TiersTable;
  campaign_budgets: CampaignBudgetsTable;
  campaign_usage: CampaignUsageTable;
  campaign_effects: CampaignEffectsTable;
  campaign_uses: CampaignUsesTable;
  anonymous_campaign_effects: AnonymousCampaignEffectsTable;
  coupon_series: CouponSeriesTable;
  coupons: CouponsTable;
  coupon_uses: CouponUsesTable;
  tier_changes: TierChangesTable;
  memberships: MembershipsTable;
  member_events: MemberEventsTable;
}
