// A small typed i18n: one dictionary per language and app, the English one typed by the Russian
// one's keys (a missing key does not compile; test/unit/i18n.test.ts checks it at run time too).
export type Lang = 'ru' | 'en';
export const LANGS: readonly Lang[] = ['ru', 'en'];

/**
 * The language to show: the one the user chose (remembered), else the first of ours that the
 * browser asks for (`navigator.languages`, so a Russian browser gets Russian), else English.
 */
export function detectLang(stored: string | null, languages: readonly string[]): Lang {
  if (stored === 'ru' || stored === 'en') return stored;
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ru' || base === 'en') return base;
  }
  return 'en';
}

export type Params = Record<string, string | number>;

/** `{name}` placeholders filled from params. */
export function fill(text: string, params?: Params): string {
  return params ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : text;
}
