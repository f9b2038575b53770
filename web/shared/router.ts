// A tiny history router: paths are relative to the app's base (/app or /admin).
import { useEffect, useState } from 'preact/hooks';

const base = (): string => import.meta.env.BASE_URL.replace(/\/$/, '');

/** The current path inside the app, e.g. "/members/0193…" (always starts with "/"). */
export function currentPath(): string {
  const p = location.pathname.startsWith(base()) ? location.pathname.slice(base().length) : location.pathname;
  return p === '' ? '/' : p;
}

export function navigate(path: string, replace = false): void {
  const url = `${base()}${path}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new Event('kopilka:navigate'));
  window.scrollTo(0, 0);
}

export function useRoute(): { path: string; query: URLSearchParams } {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    addEventListener('popstate', update);
    addEventListener('kopilka:navigate', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('kopilka:navigate', update);
    };
  }, []);
  return { path, query: new URLSearchParams(location.search) };
}

/** Matches "/members/:id" against a path; returns the parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split('/');
  const b = path.split('/');
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.startsWith(':')) params[a[i]!.slice(1)] = decodeURIComponent(b[i]!);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}

/** The href of an in-app path, for <a> elements (the click is handled by onLinkClick). */
export const href = (path: string): string => `${base()}${path}`;

/** Lets in-app links change the route without a page load (modifier keys still open new tabs). */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target || a.hasAttribute('download') || a.origin !== location.origin || !a.pathname.startsWith(`${base()}/`)) return;
  e.preventDefault();
  navigate(a.pathname.slice(base().length) + a.search);
}
