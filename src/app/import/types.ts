import type { ErrorCode } from '../../domain/errors.js';
import type { EncodingOption, TextEncoding } from '../../domain/import/encoding.js';
import type { AmountUnit } from '../../domain/import/values.js';
import type { ImportKind } from '../../domain/import/mapping.js';

/** Field separators a file may use; `whitespace` is any run of spaces and tabs (fixed-width files). */
export type Delimiter = ',' | ';' | '\t' | '|' | 'whitespace';

/** What a row naming an existing member does: `fill` only what the member lacks (default), or `update` what differs. */
export type OnExisting = 'fill' | 'update';

/** Presets for known formats: `cdnow` is the CDNOW purchase history (docs/import.md). */
export type ImportFormat = 'csv' | 'cdnow';

/** How to read a file and what to do with it; the CLI's flags and the upload's query parameters. */
export interface ImportOptions {
  kind: ImportKind;
  format?: ImportFormat | undefined;
  delimiter?: Delimiter | undefined;
  /** Whether the first line names the columns (default true; the cdnow preset: false). */
  header?: boolean | undefined;
  /** Column names for a file without a header (or to rename a header's columns). */
  columns?: string[] | undefined;
  /** `column=field` pairs; columns named like fields need none. */
  map?: [string, string][] | undefined;
  /** Amounts as whole minor units (default) or major units with decimals (cdnow: major). */
  amounts?: AmountUnit | undefined;
  /** Members: what a row naming an existing member does (default `fill`). */
  onExisting?: OnExisting | undefined;
  /** Purchases: create members for references to unknown external ids, cards, phones or e-mails (default false; cdnow: true). */
  createMembers?: boolean | undefined;
  /** Purchases: earn points as the program's main scheme would have on the purchase date (default false). */
  earn?: boolean | undefined;
  /** Rows per transaction (default 2,000; 500 with earn). */
  batchSize?: number | undefined;
  /** The file's text encoding: `auto` (default) tells UTF-8 from Windows-1251 by the first 64 KiB. */
  encoding?: EncodingOption | undefined;
  /** What is imported, for the record of the run: a file name or `upload`. */
  source?: string | undefined;
}

/** A row that was not imported: where it is in the file, why, and what it held. */
export interface RejectedRow {
  /** Line number in the file (1 = the first line, the header if there is one). */
  line: number;
  code: ErrorCode;
  reason: string;
  values: string[];
}

export interface ImportCounts {
  /** Data rows read (the header and empty lines not counted). */
  rows: number;
  membersCreated: number;
  /** Existing members whose empty fields or missing identifiers the file filled (or, with onExisting=update, whose fields it changed). */
  membersUpdated: number;
  /** Rows naming a member that already had everything the row holds. */
  membersUnchanged: number;
  purchasesImported: number;
  /** Purchases imported before (the same receipt): nothing written. */
  purchasesSkipped: number;
  pointsEarned: number;
  /** Points earned on purchases so old that they had already expired, written down at once. */
  pointsExpired: number;
  /** Balances: opening balances carried over now. */
  balancesImported: number;
  /** Balances imported before (the same values) or of zero points: nothing written. */
  balancesSkipped: number;
  /** Points of the opening balances carried over now. */
  pointsImported: number;
  rejected: number;
}

export const emptyCounts = (): ImportCounts => ({
  rows: 0,
  membersCreated: 0,
  membersUpdated: 0,
  membersUnchanged: 0,
  purchasesImported: 0,
  purchasesSkipped: 0,
  pointsEarned: 0,
  pointsExpired: 0,
  balancesImported: 0,
  balancesSkipped: 0,
  pointsImported: 0,
  rejected: 0,
});

export interface ImportReport extends ImportCounts {
  importId: string;
  kind: ImportKind;
  source: string;
  /** The encoding the file was read in (detected, or as asked). */
  encoding: TextEncoding;
  /** Columns of the file that fill no field. */
  ignoredColumns: string[];
  seconds: number;
}

export interface ImportProgress {
  rows: number;
  rejected: number;
  /** Bytes of the file read so far. */
  bytes: number;
}

/** What the caller (CLI or HTTP) is told while the import runs. */
export interface ImportHooks {
  /** Once the columns are known (the header read), before the first row. */
  onStart?: (columns: string[]) => void;
  onReject?: (row: RejectedRow) => void;
  onProgress?: (p: ImportProgress) => void;
}
