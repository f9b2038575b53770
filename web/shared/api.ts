// The apps' way to the API: the generated typed client (packages/client) over the session
// cookie of this origin, with the CSRF header (docs/auth.md).
import { createKopilkaClient, isProblem, type Problem } from '@kopilka/client';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { fieldName, fieldText, problemText } from './problems';

export const api = createKopilkaClient({ baseUrl: location.origin, csrf: true, credentials: 'same-origin' });

/**
 * May this browser be signed in? The server's page says whether it sent the session cookie
 * (src/http/web.ts); a page without the hint (Vite's dev server) asks the API as before.
 */
export const mayBeSignedIn = (): boolean => document.querySelector('meta[name="kopilka-session"]')?.getAttribute('content') !== '0';

/** A failed call: the server's problem document, or a network failure as a problem. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
  get code(): string {
    return this.problem.code;
  }
  get status(): number {
    return this.problem.status;
  }
  /** The problem in the page's language by its code, else the server's detail (web/shared/problems.ts). */
  text(): string {
    return problemText(this.problem);
  }
  /** Field errors as "field name: what is wrong", in the page's language, for a list away from the form. */
  fieldList(): { pointer: string; name: string; text: string }[] {
    return (this.problem.errors ?? []).map((e) => ({ pointer: e.pointer, name: fieldName(e.pointer), text: fieldText(this.problem, e.detail) }));
  }
  /** Field errors by JSON pointer into the body, in the page's language: "/name" → "Не длиннее 200 символов." */
  fields(): Record<string, string> {
    return Object.fromEntries((this.problem.errors ?? []).map((e) => [e.pointer, fieldText(this.problem, e.detail)]));
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a call, or throws ApiError. A 401 tells the app that the session is gone. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (e) {
    throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, code: 'NETWORK', detail: e instanceof Error ? e.message : String(e) });
  }
  if (result.response.ok) return result.data as T;
  const problem: Problem = isProblem(result.error)
    ? result.error
    : { type: 'about:blank', title: result.response.statusText, status: result.response.status, code: 'HTTP_' + result.response.status, detail: result.response.statusText };
  if (problem.status === 401 && problem.code !== 'INVALID_CODE' && problem.code !== 'INVALID_CREDENTIALS' && problem.code !== 'CODE_EXPIRED') {
    dispatchEvent(new Event('kopilka:unauthorized'));
  }
  throw new ApiError(problem);
}

/**
 * Every item of a paged list (docs/api-lists.md), for pickers that offer the whole list: follows
 * `nextCursor` with the largest page, up to `maxPages` pages.
 */
export async function allItems<T>(page: (query: { limit: number; cursor?: string }) => Promise<Result<{ items: T[]; nextCursor: string | null }>>, maxPages = 50): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const p: { items: T[]; nextCursor: string | null } = await unwrap(page({ limit: 200, ...(cursor ? { cursor } : {}) }));
    items.push(...p.items);
    cursor = p.nextCursor;
    if (!cursor) break;
  }
  return items;
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** Loads data for a page; reloads when deps change or reload() is called. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error: error instanceof ApiError ? error : new ApiError({ type: 'about:blank', title: 'Error', status: 0, code: 'CLIENT', detail: String(error) }), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((x) => x + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
