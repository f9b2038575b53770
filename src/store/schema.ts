import type { ColumnType, Generated } from 'kysely';
import type { AnalyticsTables } from './schema-analytics.js';
import type { RulesTables } from './schema-rules.js';
import type { FeedbackTables } from './schema-feedback.js';
import type { EventTables } from './schema-events.js';

/** Row types of the tables created by the migrations (see migrations/). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type Int8 = ColumnType<number, number | bigint, number | bigint>;

export interface ProgramsTable {
  program_id: string;
  name: string;
  settings: Json<unknown>;
  tier_policy: Json<unknown> | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  key_id: string;
  program_id: string;
  name: string;
  role: 'pos' | 'admin' | 'readonly';
  key_hash: string;
  key_prefix: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface StoresTable {
  program_id: string;
  store_id: string;
  name: string;
  address: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  opening_hours: Json<unknown> | null;
  phone: string | null;
  partner: string | null;
  archived_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  program_id: string;
  audit_id: string;
  at: Timestamp;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
}

export interface MembersTable {
  member_id: string;
  program_id: string;
  status: 'active' | 'blocked' | 'anonymised';
  name: string | null;
  phone: string | null;
  email: string | null;
  birthday: ColumnType<string | null, string | null, string | null>;
  gender: string | null;
  city: string | null;
  attributes: Json<Record<string, unknown>>;
  consents: Json<Record<string, boolean>>;
  block_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProgramDocumentsTable {
  program_id: string;
  kind: 'rules' | 'personal_data';
  version: number;
  title: string;
  body: string;
  published_at: Timestamp;
  published_by: string;
}

export interface MemberAgreementsTable {
  member_id: string;
  agreement_id: string;
  program_id: string;
  kind: 'rules' | 'personal_data';
  version: number;
  action: 'accepted' | 'withdrawn';
  channel: 'app' | 'till' | 'admin';
  actor: string;
  at: Timestamp;
}

export interface MemberIdentifiersTable {
  member_id: string;
  kind: string;
  value: string;
  created_at: Timestamp;
}

export interface IdentifierClaimsTable {
  program_id: string;
  kind: string;
  value: string;
  member_id: string;
  created_at: Timestamp;
}

export interface WalletsTable {
  member_id: string;
  program_id: string;
  balance: Int8;
  updated_at: Timestamp;
  purchase_count: ColumnType<number, number | undefined, number>;
  first_purchase_at: Timestamp | null;
  last_purchase_at: Timestamp | null;
  tier_id: string | null;
  tier_since: Timestamp | null;
}

export interface LotsTable {
  member_id: string;
  lot_id: string;
  program_id: string;
  amount: Int8;
  remaining: Int8;
  available_at: Timestamp;
  expires_at: Timestamp | null;
  purchase_id: string | null;
  created_at: Timestamp;
}

import type { Account, EntryKind } from '../domain/ledger-draft.js';
export type { Account, EntryKind };

export interface EntriesTable {
  member_id: string;
  entry_id: string;
  program_id: string;
  lot_id: string;
  account: Account;
  kind: EntryKind;
  amount: Int8;
  purchase_id: string | null;
  return_id: string | null;
  reason: string | null;
  actor: string | null;
  created_at: Timestamp;
}

export interface HoldsTable {
  member_id: string;
  purchase_id: string;
  lot_id: string;
  program_id: string;
  amount: Int8;
  expires_at: Timestamp;
}

export type PurchaseStatus = 'held' | 'completed' | 'cancelled';
/** `cancel`: cancelled while the hold was in force; `hold_timeout`: the hold ran out first. */
export type CancelReason = 'cancel' | 'hold_timeout';

export interface PurchasesTable {
  member_id: string;
  purchase_id: string;
  program_id: string;
  receipt_id: string;
  status: PurchaseStatus;
  store_id: string | null;
  channel: string | null;
  occurred_at: Timestamp;
  total: Int8;
  points_spent: Int8;
  points_earned: Int8;
  /** What create (or the last confirm or cancel) answered, lines included: replayed to retries. */
  result: Json<unknown>;
  rule_version: number | null;
  paid_total: Int8 | null;
  hold_expires_at: Timestamp | null;
  /** Why a cancelled two-phase purchase was cancelled (null for the others). */
  cancel_reason: CancelReason | null;
  /** The lot the purchase earns into (at create, or on confirm): null when it earns nothing (migration 0020). */
  earned_available_at: Timestamp | null;
  earned_expires_at: Timestamp | null;
  /** Per line, in line order: [quantity, paid, pointsSpent, pointsEarned] (migration 0020; store/purchases.ts). */
  line_terms: Json<LineTermsColumn>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** `line_terms` as stored: one [quantity, paid, pointsSpent, pointsEarned] per line. */
export type LineTermsColumn = [number, number, number, number][];

export interface AnonymousPurchasesTable {
  program_id: string;
  purchase_id: string;
  receipt_id: string;
  store_id: string | null;
  channel: string | null;
  occurred_at: Timestamp;
  total: Int8;
  result: Json<unknown>;
  rule_version: number | null;
  /** As purchases.line_terms (migration 0020). */
  line_terms: Json<LineTermsColumn>;
  created_at: Timestamp;
}

export interface ReceiptClaimsTable {
  program_id: string;
  receipt_id: string;
  purchase_id: string;
  member_id: string | null;
  request_hash: string;
  created_at: Timestamp;
}

export interface PurchaseRefsTable {
  purchase_id: string;
  program_id: string;
  member_id: string | null;
}

export interface ReturnsTable {
  member_id: string;
  return_id: string;
  program_id: string;
  purchase_id: string;
  /** The units returned of each line: [{ line, quantity }] (what later returns of the purchase read). */
  lines: Json<ReturnedLinesColumn>;
  /** What the return answered: replayed to a retry, never read as state. */
  result: Json<unknown>;
  refund: Int8 | null;
  created_at: Timestamp;
}

export interface AnonymousReturnsTable {
  program_id: string;
  return_id: string;
  purchase_id: string;
  lines: Json<ReturnedLinesColumn>;
  result: Json<unknown>;
  created_at: Timestamp;
}

/** `returns.lines` as stored. */
export type ReturnedLinesColumn = { line: number; quantity: number }[];

export interface IdempotencyKeysTable {
  program_id: string;
  /** Who sent the key (Actor.name); '' for keys stored before migration 0018. */
  actor: Generated<string>;
  key: string;
  operation: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Timestamp;
}

export interface AdminUsersTable {
  admin_user_id: string;
  program_id: string;
  email: string;
  name: string;
  role: 'owner' | 'marketer' | 'support' | 'analyst';
  password_hash: string;
  disabled: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_sign_in_at: Timestamp | null;
}

export interface AdminSessionsTable {
  token_hash: string;
  admin_user_id: string;
  program_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface MemberSessionsTable {
  member_id: string;
  token_hash: string;
  program_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface MemberCodesTable {
  program_id: string;
  code_id: string;
  kind: 'phone' | 'email';
  value: string;
  code_hash: string;
  attempts: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
}

export interface OutboxTable {
  program_id: string;
  message_id: string;
  channel: 'email' | 'sms' | 'webhook';
  recipient: string;
  subject: string | null;
  body: string | null;
  payload: Json<Record<string, unknown>>;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

/** One imported opening balance per (member, reference): the claim that makes a second import add nothing. */
export interface OpeningBalancesTable {
  member_id: string;
  reference: string;
  program_id: string;
  lot_id: string;
  points: Int8;
  /** Fingerprint of the file's values: the same balance again is skipped, a different one refused. */
  request_hash: string;
  import_id: string | null;
  created_at: Timestamp;
}

export interface ImportsTable {
  program_id: string;
  import_id: string;
  kind: 'members' | 'purchases' | 'balances';
  source: string;
  options: Json<unknown>;
  actor: string;
  status: 'running' | 'completed' | 'failed';
  counts: Json<Record<string, number>>;
  error: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

/** A round of a background job, claimed by one server (migration 0012). */
export interface JobRoundsTable {
  job: string;
  round: number;
  holder: string;
  started_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
  outcome: string | null;
}

export interface DB extends RulesTables, AnalyticsTables, FeedbackTables, EventTables {
  job_rounds: JobRoundsTable;
  programs: ProgramsTable;
  api_keys: ApiKeysTable;
  stores: StoresTable;
  audit_log: AuditLogTable;
  members: MembersTable;
  member_identifiers: MemberIdentifiersTable;
  identifier_claims: IdentifierClaimsTable;
  wallets: WalletsTable;
  lots: LotsTable;
  entries: EntriesTable;
  holds: HoldsTable;
  purchases: PurchasesTable;
  anonymous_purchases: AnonymousPurchasesTable;
  receipt_claims: ReceiptClaimsTable;
  purchase_refs: PurchaseRefsTable;
  returns: ReturnsTable;
  anonymous_returns: AnonymousReturnsTable;
  idempotency_keys: IdempotencyKeysTable;
  admin_users: AdminUsersTable;
  admin_sessions: AdminSessionsTable;
  member_sessions: MemberSessionsTable;
  member_codes: MemberCodesTable;
  outbox: OutboxTable;
  imports: ImportsTable;
  opening_balances: OpeningBalancesTable;
  program_documents: ProgramDocumentsTable;
  member_agreements: MemberAgreementsTable;
}
// Generated is re-exported for later tables with database-side defaults.
export type { Generated };
