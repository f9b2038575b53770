import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { DateTime } from 'luxon';

/**
 * Two dialects of every CSV the server exports (docs/analytics.md, "CSV"):
 * - `machine` (default): RFC 4180 — UTF-8 without BOM, `,`, CRLF, field names as headers, money
 *   in whole minor units, rates with a decimal point, instants in ISO 8601 UTC. For scripts.
 * - `excel-ru`: what Russian Excel opens by double-click — UTF-8 with a BOM (else Excel reads
 *   Windows-1251), `;` (the list separator of the ru locale), Russian headers, money in roubles
 *   with a decimal comma and no thousands separator ("1234,56": Excel in the ru locale reads it
 *   as a number; with a space in it, some versions keep it as text), rates with a decimal comma,
 *   dates as DD.MM.YYYY and instants as DD.MM.YYYY HH:mm in the program's time zone.
 */
export type CsvDialect = 'machine' | 'excel-ru';
export const CSV_DIALECTS: readonly CsvDialect[] = ['machine', 'excel-ru'];

/** How a column's values are written: money in minor units, a share, a calendar day, an instant. */
export type CsvKind = 'text' | 'integer' | 'money' | 'rate' | 'day' | 'instant';

export interface CsvColumn<R> {
  /** The machine header (the API's field name). */
  key: string;
  /** The header in Russian Excel. */
  ru: string;
  kind: CsvKind;
  value: (row: R) => string | number | Date | null | undefined;
}

export interface CsvFormat {
  dialect: CsvDialect;
  /** Line ends of the machine dialect: CRLF (RFC 4180, the default) or LF for exports that always had it. Excel's are CRLF. */
  machineLineEnd?: 'windows' | 'unix' | undefined;
  /** Decimals of the program's currency (2 for RUB): money is divided by 10^digits in excel-ru. */
  minorDigits: number;
  timeZone: string;
}

/** The whole CSV of a few rows (a report), as text. */
export function csvText<R>(columns: readonly CsvColumn<R>[], rows: readonly R[], f: CsvFormat): string {
  return stringifySync(
    rows.map((r) => columns.map((c) => cell(c, r, f))),
    { ...options(f), header: true, columns: headers(columns, f) },
  );
}

/** A CSV of many rows (a list of codes), streamed as the rows are read. */
export function csvStream<R>(columns: readonly CsvColumn<R>[], rows: AsyncIterable<R>, f: CsvFormat): Readable {
  const out = stringify({ ...options(f), header: true, columns: headers(columns, f) });
  const source = Readable.from(
    (async function* () {
      for await (const r of rows) yield columns.map((c) => cell(c, r, f));
    })(),
  );
  source.on('error', (err) => out.destroy(err));
  return source.pipe(out);
}

/** The Content-Type of a dialect (the same for both: UTF-8 text/csv; the BOM says so to Excel). */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

function options(f: CsvFormat) {
  const excel = f.dialect === 'excel-ru';
  return { bom: excel, delimiter: excel ? ';' : ',', record_delimiter: excel ? ('windows' as const) : (f.machineLineEnd ?? 'windows') };
}

function headers<R>(columns: readonly CsvColumn<R>[], f: CsvFormat): { key: string; header: string }[] {
  return columns.map((c, i) => ({ key: String(i), header: f.dialect === 'excel-ru' ? c.ru : c.key }));
}

function cell<R>(c: CsvColumn<R>, row: R, f: CsvFormat): string {
  const v = c.value(row);
  if (v === null || v === undefined) return '';
  if (f.dialect === 'machine') return v instanceof Date ? v.toISOString() : String(v);
  switch (c.kind) {
    case 'text':
    case 'integer':
      return String(v);
    case 'money':
      return decimalComma(Number(v), f.minorDigits);
    case 'rate':
      return String(v).replace('.', ',');
    case 'day':
      return String(v).replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3.$2.$1');
    case 'instant':
      return DateTime.fromJSDate(v instanceof Date ? v : new Date(String(v)), { zone: f.timeZone }).toFormat('dd.LL.yyyy HH:mm');
  }
}

/** Minor units as a decimal with a comma, exactly (no floats): 123456, 2 → "1234,56"; −5 → "-0,05". */
export function decimalComma(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)},${text.slice(-digits)}`;
}
