import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { After, Sort } from '../domain/list-paging.js';

/*
 * Keyset paging in SQL (docs/api-lists.md): order by (sort expression, id) and continue after the
 * last row with a row comparison, `(expr, id) > (value, id)`, which an index on
 * (program_id, expr, id) answers without counting past earlier pages. The sort value travels in
 * the cursor as the database's own text of the expression and is cast back, so a timestamp keeps
 * its microseconds and a bigint its digits.
 */

/** How a sort key reads in SQL: a NOT NULL expression (coalesce a nullable column) and its type. */
export interface SortColumn {
  expr: RawBuilder<unknown>;
  type: 'text' | 'timestamptz' | 'bigint' | 'integer';
}

/** The column the table's rows are told apart by, e.g. `member_id` or `a.audit_id`. */
export interface Keyset<K extends string> {
  columns: Record<K, SortColumn>;
  id: string;
}

/** `sort_value` is the text the next cursor carries; `sort_id` the id, as text. */
export interface SortedRow {
  sort_value: string;
  sort_id: string;
}

/** The pieces of a keyset page as SQL fragments, for queries written with `sql` templates. */
export function keysetFragments<K extends string>(keyset: Keyset<K>, sort: Sort<K>, after: After | undefined) {
  const column = keyset.columns[sort.key];
  const id = sql.ref(keyset.id);
  const direction = sql.raw(sort.direction);
  return {
    select: sql`(${column.expr})::text as sort_value, (${id})::text as sort_id`,
    where: after ? sql<boolean>`(${column.expr}, ${id}) ${sql.raw(sort.direction === 'desc' ? '<' : '>')} (cast(${String(after.value)} as ${sql.raw(column.type)}), ${after.id})` : sql<boolean>`true`,
    orderBy: sql`${column.expr} ${direction}, ${id} ${direction}`,
  };
}

/**
 * Adds the keyset order, the "after the cursor" condition and one more row than the limit (to tell
 * whether a next page exists) to a query builder.
 */
export function keysetPage<DB, TB extends keyof DB, O, K extends string>(
  query: SelectQueryBuilder<DB, TB, O>,
  keyset: Keyset<K>,
  sort: Sort<K>,
  after: After | undefined,
  limit: number,
): SelectQueryBuilder<DB, TB, O & SortedRow> {
  const f = keysetFragments(keyset, sort, after);
  const column = keyset.columns[sort.key];
  const id = sql.ref(keyset.id);
  return query
    .select([sql<string>`(${column.expr})::text`.as('sort_value'), sql<string>`(${id})::text`.as('sort_id')])
    .where(f.where)
    .orderBy(sql`${column.expr}`, sort.direction)
    .orderBy(id, sort.direction)
    .limit(limit + 1) as unknown as SelectQueryBuilder<DB, TB, O & SortedRow>;
}

/** Where the next page starts: after this row. */
export const afterRow = (r: SortedRow): After => ({ value: r.sort_value, id: r.sort_id });
