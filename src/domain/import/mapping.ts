import { DomainError, type FieldError } from '../errors.js';

/** What a file holds: members (profiles and identifiers), purchases of members, or members' opening point balances. */
export type ImportKind = 'members' | 'purchases' | 'balances';

/** Fields a column of a members file can fill; besides these, `attributes.<name>` and `consents.<channel>`. */
export const MEMBER_FIELDS = ['externalId', 'phone', 'email', 'card', 'name', 'firstName', 'lastName', 'birthday', 'gender', 'city', 'enrolledAt'] as const;

/** Fields a column of a purchases file can fill. */
export const PURCHASE_FIELDS = [
  'receiptId', 'memberId', 'externalId', 'phone', 'card', 'email', 'occurredAt', 'total', 'quantity', 'price', 'lineTotal', 'sku', 'category', 'storeId', 'channel',
] as const;

/** Fields a column of a balances file can fill (docs/import.md, "Balances"). */
export const BALANCE_FIELDS = ['memberId', 'externalId', 'phone', 'card', 'email', 'points', 'expiresAt', 'availableAt', 'reference'] as const;

export type MemberField = (typeof MEMBER_FIELDS)[number];
export type PurchaseField = (typeof PURCHASE_FIELDS)[number];

/** How a purchase names its member, in the order they are tried when several are mapped. */
export const MEMBER_REFERENCES = ['memberId', 'externalId', 'card', 'phone', 'email'] as const;

/** Which column (by position) fills which field. */
export interface Mapping<F extends string = string> {
  fields: Map<F, number>;
  /** Custom attributes: `attributes.<name>` columns (members only). */
  attributes: { name: string; index: number }[];
  /** Marketing consents per channel: `consents.<channel>` columns (members only). */
  consents: { channel: string; index: number }[];
  /** Columns that fill nothing and were not ignored on purpose (reported, not an error). */
  ignored: string[];
}

/** A column name compared loosely: `External ID`, `external_id` and `externalId` are the same. */
const loose = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** `-` or `_` (or nothing) as a column name or a mapping target: this column is not imported. */
const isSkip = (s: string) => s === '' || s === '-' || s === '_';

/**
 * Resolves which column fills which field. `columns` are the file's column names (its header, or
 * the names given with --columns); `map` pairs a column with a field (`column=field`; the field
 * `-` ignores the column). A column not named in `map` whose name is a field's name (loosely:
 * case, spaces, `_` and `-` do not matter), or `attributes.x` / `consents.x` for members, fills
 * that field. Anything that cannot work is refused as a whole (INVALID_IMPORT) before a row is read.
 */
export function resolveMapping(kind: ImportKind, columns: readonly string[], map: readonly (readonly [string, string])[] = []): Mapping {
  const known: readonly string[] = kind === 'members' ? MEMBER_FIELDS : kind === 'balances' ? BALANCE_FIELDS : PURCHASE_FIELDS;
  const byLoose = new Map(known.map((f) => [loose(f), f]));
  const errors: FieldError[] = [];
  const targets = new Map<number, string | null>();
  const skipped = new Set<number>();
  for (const [column, field] of map) {
    let index = columns.indexOf(column);
    if (index < 0) index = columns.findIndex((c) => loose(c) === loose(column) && loose(column) !== '');
    if (index < 0 && /^#\d+$/.test(column)) index = Number(column.slice(1)) - 1;
    if (index < 0 || index >= columns.length) {
      errors.push({ pointer: `/map/${column}`, detail: `the file has no column "${column}" (its columns: ${columns.filter((c) => !isSkip(c)).join(', ') || 'none'})` });
      continue;
    }
    if (isSkip(field)) {
      targets.set(index, null);
      skipped.add(index);
    }
    else {
      const target = canonicalField(kind, field, byLoose);
      if (target) targets.set(index, target);
      else errors.push({ pointer: `/map/${column}`, detail: `"${field}" is not a field of ${kind} (${fieldList(kind)})` });
    }
  }
  columns.forEach((c, i) => {
    if (targets.has(i)) return;
    if (isSkip(c.trim())) targets.set(i, null);
    else targets.set(i, canonicalField(kind, c.trim(), byLoose) ?? null);
  });

  const mapping: Mapping = { fields: new Map(), attributes: [], consents: [], ignored: [] };
  const seen = new Map<string, number>();
  for (const [index, target] of [...targets].sort((a, b) => a[0] - b[0])) {
    if (target === null) {
      if (!isSkip(columns[index]!.trim()) && !skipped.has(index)) mapping.ignored.push(columns[index]!);
      continue;
    }
    const earlier = seen.get(target);
    if (earlier !== undefined) {
      errors.push({ pointer: `/map/${columns[index]}`, detail: `both "${columns[earlier]}" and "${columns[index]}" would fill ${target}; map one of them to - to ignore it` });
      continue;
    }
    seen.set(target, index);
    if (target.startsWith('attributes.')) mapping.attributes.push({ name: target.slice('attributes.'.length), index });
    else if (target.startsWith('consents.')) mapping.consents.push({ channel: target.slice('consents.'.length), index });
    else mapping.fields.set(target, index);
  }
  errors.push(...missing(kind, mapping));
  if (errors.length > 0) throw new DomainError('INVALID_IMPORT', errors.map((e) => e.detail).join('; '), { errors });
  return mapping;
}

function canonicalField(kind: ImportKind, field: string, byLoose: Map<string, string>): string | undefined {
  const prefixed = /^(attributes|consents)\.(.+)$/i.exec(field);
  if (prefixed) return kind === 'members' ? `${prefixed[1]!.toLowerCase()}.${prefixed[2]}` : undefined;
  return byLoose.get(loose(field));
}

function missing(kind: ImportKind, m: Mapping): FieldError[] {
  const has = (f: string) => m.fields.has(f);
  const out: FieldError[] = [];
  if (kind === 'members') {
    if (!['externalId', 'phone', 'email', 'card'].some(has)) out.push({ pointer: '/map', detail: 'a members file needs a column for at least one identifier: externalId, phone, email or card' });
    if (has('name') && (has('firstName') || has('lastName'))) out.push({ pointer: '/map', detail: 'map either name or firstName/lastName, not both' });
    return out;
  }
  if (kind === 'balances') {
    if (!MEMBER_REFERENCES.some(has)) out.push({ pointer: '/map', detail: `a balances file needs a column naming the member: ${MEMBER_REFERENCES.join(', ')}` });
    if (!has('points')) out.push({ pointer: '/map', detail: 'a balances file needs a points column (the balance to carry over)' });
    return out;
  }
  if (!MEMBER_REFERENCES.some(has)) out.push({ pointer: '/map', detail: `a purchases file needs a column naming the member: ${MEMBER_REFERENCES.join(', ')}` });
  if (!has('occurredAt')) out.push({ pointer: '/map', detail: 'a purchases file needs an occurredAt column (the date of the purchase)' });
  if (!has('total') && !has('lineTotal') && !has('price')) out.push({ pointer: '/map', detail: 'a purchases file needs a total column (or lineTotal or price)' });
  return out;
}

function fieldList(kind: ImportKind): string {
  if (kind === 'balances') return BALANCE_FIELDS.join(', ');
  return kind === 'members' ? `${MEMBER_FIELDS.join(', ')}, attributes.<name>, consents.<channel>` : PURCHASE_FIELDS.join(', ');
}

/** The value of a mapped field in a record, trimmed; undefined when the column is not mapped or the cell is empty. */
export function cell(mapping: Mapping, values: readonly string[], field: string): string | undefined {
  const index = mapping.fields.get(field);
  if (index === undefined) return undefined;
  const v = values[index]?.trim();
  return v === undefined || v === '' ? undefined : v;
}
