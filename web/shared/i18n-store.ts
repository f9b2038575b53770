// The app's current language: detected, switchable, remembered in localStorage.
import { detectLang, fill, type Lang, type Params } from './i18n';

export interface I18n<K extends string> {
  t(key: K, params?: Params): string;
  lang(): Lang;
  setLang(lang: Lang): void;
  /** Called after every language change (the app's root re-renders). */
  subscribe(listener: () => void): () => void;
}

export function createI18n<K extends string>(dictionaries: Record<Lang, Record<K, string>>, storageKey: string): I18n<K> {
  const storage = typeof localStorage === 'undefined' ? null : localStorage;
  let current = detectLang(storage?.getItem(storageKey) ?? null, typeof navigator === 'undefined' ? [] : navigator.languages);
  const listeners = new Set<() => void>();
  const apply = () => {
    if (typeof document !== 'undefined') document.documentElement.lang = current;
  };
  apply();
  return {
    t: (key, params) => fill(dictionaries[current][key] ?? `⟦${key}⟧`, params),
    lang: () => current,
    setLang(lang) {
      current = lang;
      storage?.setItem(storageKey, lang);
      apply();
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
