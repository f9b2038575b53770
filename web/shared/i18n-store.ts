// The app's current language: detected, switchable, remembered in localStorage.
import { detectLang, fill, type Lang, type Params } from './i18n';

/** The stems of counted phrases: `x` when the dictionary has `x.other` (and `x.one`, `x.few`, `x.many`). */
export type PluralStem<K extends string> = K extends `${infer B}.other` ? B : never;

export interface I18n<K extends string> {
  t(key: K, params?: Params): string;
  /**
   * A counted phrase in the right plural form (Intl.PluralRules): `tn('points', 21, { n: '21' })`
   * reads `points.one` in Russian ("21 балл"), `points.many` for 25 ("25 баллов").
   */
  tn(stem: PluralStem<K>, count: number, params?: Params): string;
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
    tn(stem, count, params) {
      const key = `${stem}.${new Intl.PluralRules(current === 'ru' ? 'ru-RU' : 'en-GB').select(count)}` as K;
      const text = dictionaries[current][key] ?? dictionaries[current][`${stem}.other` as K];
      return fill(text ?? `⟦${key}⟧`, params);
    },
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
