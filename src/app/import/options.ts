import { DomainError, type FieldError } from '../../domain/errors.js';
import type { EncodingOption } from '../../domain/import/encoding.js';
import type { AmountUnit } from '../../domain/import/values.js';
import type { Delimiter, ImportFormat, ImportOptions, OnExisting } from './types.js';

/** The options an import runs with, every default filled in. */
export interface ResolvedOptions {
  kind: ImportOptions['kind'];
  format: ImportFormat;
  delimiter: Delimiter;
  header: boolean;
  columns: string[] | undefined;
  map: [string, string][];
  amounts: AmountUnit;
  onExisting: OnExisting;
  createMembers: boolean;
  earn: boolean;
  batchSize: number;
  encoding: EncodingOption;
  source: string;
  /** Skips a first record that is a header although the format has none (the cdnow preset). */
  skipHeaderLike: ((values: string[]) => boolean) | undefined;
}

/**
 * The CDNOW purchase history (Fader, Hardie & Lee 2005): whitespace-separated customer id, date
 * (YYYYMMDD), number of CDs and dollar value, one purchase a line; the copy in this repository's
 * data starts with a header line, the original has none — a first line that is not a purchase is skipped.
 */
const CDNOW = {
  delimiter: 'whitespace' as const,
  header: false,
  columns: ['externalId', 'occurredAt', 'quantity', 'total'],
  amounts: 'major' as const,
  createMembers: true,
  skipHeaderLike: (values: string[]) => !/^\d{8}$/.test(values[1] ?? ''),
};

export const DEFAULT_BATCH_SIZE = 2_000;
/** With earning, a batch also writes lots and entries through the ledger's VALUES lists: smaller batches. */
export const DEFAULT_EARN_BATCH_SIZE = 1_000;

const DELIMITERS: Record<string, Delimiter> = { ',': ',', comma: ',', ';': ';', semicolon: ';', '\t': '\t', tab: '\t', '|': '|', pipe: '|', whitespace: 'whitespace', space: 'whitespace' };

/** Parses a delimiter as a user writes it: `,` `;` `tab` `|` `whitespace`. */
export function parseDelimiter(text: string): Delimiter {
  const d = DELIMITERS[text.toLowerCase()] ?? DELIMITERS[text];
  if (!d) throw new DomainError('INVALID_IMPORT', `unknown delimiter "${text}" (use , ; tab | or whitespace)`, { errors: [{ pointer: '/delimiter', detail: 'use , ; tab | or whitespace' }] });
  return d;
}

/** Parses `column=field` (the column's name may itself contain `=`: the last one separates). */
export function parseMapPair(text: string): [string, string] {
  const at = text.lastIndexOf('=');
  if (at <= 0) throw new DomainError('INVALID_IMPORT', `--map ${text}: expected column=field`, { errors: [{ pointer: '/map', detail: `"${text}" is not column=field` }] });
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

export function resolveOptions(o: ImportOptions): ResolvedOptions {
  const errors: FieldError[] = [];
  const format = o.format ?? 'csv';
  const preset = format === 'cdnow' ? CDNOW : undefined;
  if (format === 'cdnow' && o.kind !== 'purchases') errors.push({ pointer: '/format', detail: 'the cdnow format holds purchases' });
  const header = o.header ?? preset?.header ?? true;
  const columns = o.columns ?? (o.header === true ? undefined : preset?.columns);
  if (!header && !columns) errors.push({ pointer: '/columns', detail: 'a file without a header needs --columns naming its columns' });
  if (o.earn && o.kind !== 'purchases') errors.push({ pointer: '/earn', detail: 'only purchases earn points' });
  if (o.onExisting === 'update' && o.kind !== 'members') errors.push({ pointer: '/onExisting', detail: 'only a members file updates what exists (purchases and balances are never changed by a second import)' });
  if (o.createMembers && o.kind !== 'purchases') errors.push({ pointer: '/createMembers', detail: 'a members import always creates members' });
  const earn = o.earn ?? false;
  const batchSize = o.batchSize ?? (earn ? DEFAULT_EARN_BATCH_SIZE : DEFAULT_BATCH_SIZE);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) errors.push({ pointer: '/batchSize', detail: 'must be a whole number from 1 to 10000' });
  if (errors.length > 0) throw new DomainError('INVALID_IMPORT', errors.map((e) => e.detail).join('; '), { errors });
  return {
    kind: o.kind,
    format,
    delimiter: o.delimiter ?? preset?.delimiter ?? ',',
    header,
    columns,
    map: o.map ?? [],
    amounts: o.amounts ?? preset?.amounts ?? 'minor',
    onExisting: o.onExisting ?? 'fill',
    createMembers: o.createMembers ?? preset?.createMembers ?? false,
    earn,
    batchSize,
    encoding: o.encoding ?? 'auto',
    source: o.source ?? 'upload',
    skipHeaderLike: !header && columns === preset?.columns ? preset?.skipHeaderLike : undefined,
  };
}

/** The options as recorded with the run (no functions). */
export function recordedOptions(o: ResolvedOptions): Record<string, unknown> {
  const { skipHeaderLike: _skip, source: _source, ...rest } = o;
  return rest;
}
