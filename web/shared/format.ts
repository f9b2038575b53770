import type { Lang } from './i18n';

const locale = (lang: Lang) => (lang === 'ru' ? 'ru-RU' : 'en-GB');

/** Money in minor units as the program's currency: 123456 → "1 234,56 ₽". */
export const money = (minor: number, currency: string, lang: Lang): string =>
  new Intl.NumberFormat(locale(lang), { style: 'currency', currency }).format(minor / 100);

export const num = (n: number, lang: Lang): string => new Intl.NumberFormat(locale(lang)).format(n);

export const date = (iso: string | null | undefined, lang: Lang): string => (iso ? new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium' }).format(new Date(iso)) : '—');

export const dateTime = (iso: string | null | undefined, lang: Lang): string =>
  iso ? new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—';
