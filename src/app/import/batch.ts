import { DomainError, isDomainError, type ErrorCode } from '../../domain/errors.js';
import type { SourceRecord } from './source.js';
import type { ImportCounts, RejectedRow } from './types.js';

/** The rows of the file an item was made from (several for a receipt written over several lines). */
export interface Item {
  rows: { line: number; values: string[] }[];
}

/** What writing a batch did: counts, and the items it refused (with the reason). */
export interface BatchOutcome {
  counts: Partial<ImportCounts>;
  rejects: { item: Item; code: ErrorCode; reason: string }[];
}

/**
 * One kind of import: turns records into items (checking every value, so that a bad row is
 * refused before anything is written) and writes a batch of items in one transaction.
 */
export interface Importer<T extends Item> {
  /** Items made ready by this record (none while the lines of a receipt are being gathered), and rows refused. */
  add(record: SourceRecord & { error?: undefined }): { items: T[]; rejects: RejectedRow[] };
  /** What is still gathered at the end of the file. */
  end(): { items: T[]; rejects: RejectedRow[] };
  /** Writes the items in one transaction; throws only for the unexpected (and then wrote nothing). */
  write(items: T[]): Promise<BatchOutcome>;
}

/** A row refused for a domain reason (INVALID_ROW, INVALID_IDENTIFIER, …); anything else is re-thrown. */
export function rejectionOf(err: unknown): { code: ErrorCode; reason: string } {
  if (isDomainError(err)) return { code: err.code, reason: err.message };
  throw err;
}

/** One item per record: what `prepare` makes of it, or the record rejected for its domain reason. */
export function oneItem<T>(record: SourceRecord, prepare: (record: SourceRecord) => T): { items: T[]; rejects: RejectedRow[] } {
  try {
    return { items: [prepare(record)], rejects: [] };
  } catch (err) {
    const { code, reason } = rejectionOf(err);
    return { items: [], rejects: [{ line: record.line, code, reason, values: record.values }] };
  }
}

/** Runs `parse` on a field's text, naming the column in the reason when it fails. */
export function field<T>(column: string, text: string | undefined, parse: (text: string) => T): T | undefined {
  if (text === undefined) return undefined;
  try {
    return parse(text);
  } catch (err) {
    if (isDomainError(err)) throw new DomainError(err.code, `${column}: ${err.message}`, { ...(err.errors ? { errors: err.errors } : {}) });
    throw err;
  }
}

/** Rows refused together (all the lines of one receipt). */
export const rejectAll = (item: Item, code: ErrorCode, reason: string): RejectedRow[] => item.rows.map((r) => ({ line: r.line, code, reason, values: r.values }));

/** A batch met something no single row explains (an identifier taken by a concurrent writer): roll back and go row by row. */
export class BatchConflict extends Error {
  override name = 'BatchConflict';
}

/** Adds counts into a total. */
export function addCounts(total: ImportCounts, add: Partial<ImportCounts>): void {
  for (const [k, v] of Object.entries(add) as [keyof ImportCounts, number][]) total[k] += v;
}
