import { Type, type TSchema } from 'typebox';
import { sortKeys, type ListQuery, type ListSpec } from '../domain/list-paging.js';
import { NullableString, Obj } from './schemas.js';

/*
 * The query and the answer of every admin list (docs/api-lists.md). `sort` is a plain string
 * checked by the list itself, so that a bad one is the list's own INVALID_SORT problem with the
 * allowed keys in its detail, not a schema error.
 */

/** `limit`, `sort` and `cursor`, plus the list's own filters. */
export function listQuery<K extends string, P extends Record<string, TSchema>>(spec: ListSpec<K>, filters: P = {} as P) {
  const keys = sortKeys(spec).join(', ');
  return Obj({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'rows per page (1–200, default 50)' })),
    sort: Type.Optional(Type.String({ maxLength: 50, description: `one of ${keys}; \`-key\` for descending; default \`${spec.defaultSort}\`` })),
    cursor: Type.Optional(Type.String({ maxLength: 1000, description: "the previous page's `nextCursor`, with the same sort" })),
    ...filters,
  });
}

/** `{ items, nextCursor }`: nextCursor is null on the last page. */
export const listResponse = <T extends TSchema>(item: T) => Obj({ items: Type.Array(item), nextCursor: NullableString });

/** What a route hands to its use case. */
export const listParams = (q: { limit?: number | undefined; sort?: string | undefined; cursor?: string | undefined }): ListQuery => ({ limit: q.limit ?? 50, sort: q.sort, cursor: q.cursor });
