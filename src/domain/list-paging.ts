import { DomainError } from './errors.js';

/*
 * The list contract (docs/api-lists.md): `sort` names one of a list's keys, `-key` for
 * descending; pages follow each other through an opaque cursor that carries the last row's sort
 * value and id (keyset paging), so a page never repeats or skips a row while the sort value and
 * id of a row stay the same, and the database walks an index instead of counting an offset.
 * This file is the pure part: parsing `sort`, the cursor's text, and paging a list held in memory.
 */

export type SortDirection = 'asc' | 'desc';

export interface Sort<K extends string = string> {
  key: K;
  direction: SortDirection;
}

/** What a sort value or id is: a cursor's are checked against it before they reach a query. */
export type ValueKind = 'instant' | 'text' | 'integer' | 'number' | 'uuid';

/** What a list allows: its name (cursors of one list are refused by another), keys and default. */
export interface ListSpec<K extends string = string> {
  list: string;
  /** The sort keys and the kind of their values. */
  keys: Readonly<Record<K, ValueKind>>;
  /** The kind of the rows' ids, which break ties. */
  id: ValueKind;
  /** The default sort, as a client would write it, e.g. `-createdAt`. */
  defaultSort: `${K}` | `-${K}`;
}

/** The last row of a page, as the next page starts after it. */
export interface After {
  value: string | number;
  id: string;
}

/** What a client asks of a list: `limit` rows after `cursor`, in `sort` order. */
export interface ListQuery {
  limit: number;
  sort?: string | undefined;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** `-createdAt` → { key: 'createdAt', direction: 'desc' }; an unknown key is INVALID_SORT. */
export function parseSort<K extends string>(spec: ListSpec<K>, text: string | undefined): Sort<K> {
  const raw = text === undefined || text === '' ? spec.defaultSort : text;
  const direction: SortDirection = raw.startsWith('-') ? 'desc' : 'asc';
  const key = direction === 'desc' ? raw.slice(1) : raw;
  if (!Object.hasOwn(spec.keys, key)) {
    const allowed = sortKeys(spec).flatMap((k) => [k, `-${k}`]).join(', ');
    throw new DomainError('INVALID_SORT', `${spec.list} sort by one of: ${allowed}`, { errors: [{ pointer: 'querystring:/sort', detail: `must be one of: ${allowed}` }] });
  }
  return { key: key as K, direction };
}

export const sortKeys = <K extends string>(spec: ListSpec<K>): K[] => Object.keys(spec.keys) as K[];

export const sortText = (s: Sort): string => (s.direction === 'desc' ? '-' : '') + s.key;

/** The cursor after `row`: base64url of JSON `[list, sort, value, id]`. Opaque to clients. */
export function encodeCursor(list: string, sort: Sort, after: After): string {
  return Buffer.from(JSON.stringify([list, sortText(sort), after.value, after.id]), 'utf8').toString('base64url');
}

/**
 * The row a cursor points after, or undefined without one. A cursor that does not decode, or
 * belongs to another list, is INVALID_CURSOR; one made under another sort is CURSOR_SORT_MISMATCH
 * (its value means nothing in this order, so paging on would skip or repeat rows).
 */
export function decodeCursor<K extends string>(spec: ListSpec<K>, sort: Sort<K>, text: string | undefined): After | undefined {
  const list = spec.list;
  if (text === undefined || text === '') return undefined;
  const bad = () => new DomainError('INVALID_CURSOR', 'the cursor is not one this list gave out', { errors: [{ pointer: 'querystring:/cursor', detail: 'not a cursor of this list' }] });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw bad();
  const [l, s, value, id] = parsed as unknown[];
  if (l !== list || typeof s !== 'string' || (typeof value !== 'string' && typeof value !== 'number') || typeof id !== 'string') throw bad();
  if (!fits(spec.id, id)) throw bad();
  if (s === sortText(sort) && !fits(spec.keys[sort.key], value)) throw bad();
  if (s !== sortText(sort)) {
    throw new DomainError('CURSOR_SORT_MISMATCH', `the cursor was made for sort=${s}, not sort=${sortText(sort)}; start again without a cursor`, {
      errors: [{ pointer: 'querystring:/cursor', detail: `made for sort=${s}` }],
    });
  }
  return { value, id };
}

const INSTANT = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A forged cursor must fail as INVALID_CURSOR, not as a database cast error. */
function fits(kind: ValueKind, v: string | number): boolean {
  switch (kind) {
    case 'instant':
      return typeof v === 'string' && INSTANT.test(v);
    case 'uuid':
      return typeof v === 'string' && UUID.test(v);
    case 'integer':
      return (typeof v === 'string' && /^-?\d{1,18}$/.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v));
    case 'number':
      return typeof v === 'number' ? Number.isFinite(v) : /^-?\d+(\.\d+)?$/.test(v);
    case 'text':
      return typeof v === 'string' || typeof v === 'number';
  }
}

/**
 * Pages rows fetched one more than the limit: the extra row only says that there is a next page.
 * `after` gives the sort value and id of a row (the database's own text for SQL lists).
 */
export function pageOf<R, T>(list: string, sort: Sort, rows: readonly R[], limit: number, after: (row: R) => After, view: (row: R) => T): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(view), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(list, sort, after(last)) : null };
}

/** Orders two sort values: numbers by size, strings by code unit (the same in every locale). */
const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A page of a list held in memory (short lists whose order is not a column, such as stores by
 * distance), with the same sort and cursor rules as the SQL lists. `keys` gives each sort key's
 * value of a row; the id breaks ties.
 */
export function pageInMemory<K extends string, T>(
  spec: ListSpec<K>,
  rows: readonly T[],
  q: ListQuery,
  keys: Record<K, (row: T) => string | number>,
  id: (row: T) => string,
): Page<T> {
  const sort = parseSort(spec, q.sort);
  const after = decodeCursor(spec, sort, q.cursor);
  const value = keys[sort.key];
  const sign = sort.direction === 'desc' ? -1 : 1;
  const order = (a: After, b: After) => sign * (compare(a.value, b.value) || compare(a.id, b.id));
  const at = (row: T): After => ({ value: value(row), id: id(row) });
  const sorted = [...rows].sort((a, b) => order(at(a), at(b)));
  const rest = after ? sorted.filter((r) => order(at(r), after) > 0) : sorted;
  return pageOf(spec.list, sort, rest.slice(0, q.limit + 1), q.limit, at, (r) => r);
}
