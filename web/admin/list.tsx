// Every list of the panel: a table sorted and paged on the server (docs/api-lists.md). The
// server gives a cursor for the next page; "Previous" walks back a stack of the cursors used.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLoad, type ApiError } from '../shared/api';
import { Loading, Problem } from '../shared/ui';
import { t } from './t';

export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListRequest {
  limit: number;
  sort: string;
  cursor?: string;
}

export interface ListState<T> {
  data: ListPage<T> | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** The sort as the server takes it: `key` or `-key`. */
  sort: string;
  /** 1 for the first page. */
  page: number;
  sortBy(key: string, firstDirection?: 'asc' | 'desc'): void;
  next(): void;
  previous(): void;
  /** Loads the first page again (after a change that adds rows). */
  restart(): void;
  reload(): void;
}

/**
 * Loads a list a page at a time. `filters` are the list's other query values: when they change,
 * paging starts again from the first page, keeping the sort.
 */
export function useList<T>(fetch: (q: ListRequest) => Promise<ListPage<T>>, options: { defaultSort: string; limit?: number; filters?: readonly unknown[] }): ListState<T> {
  const limit = options.limit ?? 25;
  const filters = JSON.stringify(options.filters ?? []);
  const [state, setState] = useState<{ filters: string; sort: string; cursors: string[] }>({ filters, sort: options.defaultSort, cursors: [] });
  // New filters mean a new list: back to its first page, without a second fetch.
  const current = state.filters === filters ? state : { filters, sort: state.sort, cursors: [] };
  const cursor = current.cursors[current.cursors.length - 1];
  const loaded = useLoad(() => fetch({ limit, sort: current.sort, ...(cursor ? { cursor } : {}) }), [filters, current.sort, cursor]);
  return {
    data: loaded.data,
    error: loaded.error,
    loading: loaded.loading,
    sort: current.sort,
    page: current.cursors.length + 1,
    sortBy(key, firstDirection = 'asc') {
      const active = current.sort.replace(/^-/, '') === key;
      const descending = active ? !current.sort.startsWith('-') : firstDirection === 'desc';
      setState({ ...current, sort: descending ? `-${key}` : key, cursors: [] });
    },
    next() {
      const nextCursor = loaded.loading ? null : loaded.data?.nextCursor;
      if (nextCursor) setState({ ...current, cursors: [...current.cursors, nextCursor] });
    },
    previous() {
      setState({ ...current, cursors: current.cursors.slice(0, -1) });
    },
    restart() {
      setState({ ...current, cursors: [] });
      loaded.reload();
    },
    reload: loaded.reload,
  };
}

export interface Column<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
  /** The server's sort key of this column, when it sorts. */
  sort?: string;
  /** The first direction when the column is clicked (dates read best newest first). */
  firstDirection?: 'asc' | 'desc';
  num?: boolean;
}

/** The table with its sortable headers, its loading and empty states, and Previous / Next. */
export function ListTable<T>(props: { list: ListState<T>; columns: Column<T>[]; testId: string; caption?: string | undefined }) {
  const { list } = props;
  if (!list.data) {
    return (
      <>
        <Problem error={list.error} title={t('error.title')} />
        {list.error ? null : <Loading text={t('app.loading')} />}
      </>
    );
  }
  const key = list.sort.replace(/^-/, '');
  const descending = list.sort.startsWith('-');
  return (
    <div class="list">
      <Problem error={list.error} title={t('error.title')} />
      <table data-testid={props.testId} aria-busy={list.loading}>
        {props.caption ? <caption class="muted">{props.caption}</caption> : null}
        <thead>
          <tr>
            {props.columns.map((c) => {
              const sorted = c.sort !== undefined && c.sort === key;
              return (
                <th scope="col" class={c.num ? 'num' : undefined} aria-sort={c.sort === undefined ? undefined : sorted ? (descending ? 'descending' : 'ascending') : 'none'}>
                  {c.sort === undefined ? (
                    c.label
                  ) : (
                    <button type="button" class="sort" onClick={() => list.sortBy(c.sort!, c.firstDirection)}>
                      {c.label}
                      <span aria-hidden="true" class="sort__mark">
                        {sorted ? (descending ? ' ↓' : ' ↑') : ' ↕'}
                      </span>
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {list.data.items.map((row) => (
            <tr>
              {props.columns.map((c) => (
                <td class={c.num ? 'num' : undefined}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {list.data.items.length === 0 ? <p>{t('list.empty')}</p> : null}
      {list.page === 1 && !list.data.nextCursor ? null : (
        <nav class="row pager" aria-label={t('list.pages')}>
          <button type="button" class="secondary" disabled={list.page === 1} onClick={list.previous}>
            {t('list.previous')}
          </button>
          <span role="status">{t('list.page', { page: String(list.page) })}</span>
          <button type="button" class="secondary" disabled={!list.data.nextCursor} onClick={list.next}>
            {t('list.next')}
          </button>
        </nav>
      )}
    </div>
  );
}
