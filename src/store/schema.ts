import type { ColumnType, Generated } from 'kysely';

/** Row types of the tables created by the migrations (see migrations/). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type Int8 = ColumnType<number, number | bigint, number | bigint>;

export interface ProgramsTable {
  program_id: string;
  name: string;
  settings: Json<unknown>;
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
  created_at: Timestamp;
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

export type Account = 'issued' | 'redeemed' | 'expired' | 'adjusted';
export type EntryKind = 'earn' | 'redeem' | 'expire' | 'adjust' | 'return_clawback' | 'return_restore';

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
  hold_expires_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AnonymousPurchasesTable {
  program_id: string;
  purchase_id: string;
  receipt_id: string;
  store_id: string | null;
  channel: string | null;
  occurred_at: Timestamp;
  total: Int8;
  result: Json<unknown>;
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
  lines: Json<unknown>;
  result: Json<unknown>;
  created_at: Timestamp;
}

export interface AnonymousReturnsTable {
  program_id: string;
  return_id: string;
  purchase_id: string;
  lines: Json<unknown>;
  result: Json<unknown>;
  created_at: Timestamp;
}

export interface IdempotencyKeysTable {
  program_id: string;
  key: string;
  operation: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Timestamp;
}

export interface ImportsTable {
  program_id: string;
  import_id: string;
  kind: 'members' | 'purchases';
  source: string;
  options: Json<unknown>;
  actor: string;
  status: 'running' | 'completed' | 'failed';
  counts: Json<Record<string, number>>;
  error: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface DB {
  programs: ProgramsTable;
  api_keys: ApiKeysTable;
  stores: StoresTable;
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
  imports: ImportsTable;
}
// Generated is re-exported for later tables with database-side defaults.
export type { Generated };
