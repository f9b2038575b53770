import type { Lang } from './i18n.js';

const locale = (lang: Lang) => (lang === 'ru' ? 'ru-RU' : 'en-GB');

/** Money in minor units as the program's currency: 123456 → "1 234,56 ₽". */
export const money = (minor: number, currency: string, lang: Lang): string =>
  new Intl.NumberFormat(locale(lang), { style: 'currency', currency }).format(minor / 100);

export const num = (n: number, lang: Lang): string => new Intl.NumberFormat(locale(lang)).format(n);

export const date = (iso: string | null | undefined, lang: Lang): string => (iso ? new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium' }).format(new Date(iso)) : '—');

export const dateTime = (iso: string | null | undefined, lang: Lang): string =>
  iso ? new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—';

/**
 * Money for a figure or an axis where kopecks do not matter: whole roubles, and thousands,
 * millions, billions shortened the language's way (Intl compact notation): 27 345 678 kopecks →
 * "273 тыс. ₽"; 123 456 789 → "1,2 млн ₽".
 */
export const moneyCompact = (minor: number, currency: string, lang: Lang): string =>
  new Intl.NumberFormat(locale(lang), { style: 'currency', currency, notation: 'compact' }).format(minor / 100);

/** A count shortened the same way: 1 921 → "1,9 тыс." (for chart axes). */
export const numCompact = (n: number, lang: Lang): string => new Intl.NumberFormat(locale(lang), { notation: 'compact' }).format(n);

/** Money without kopecks when there are none: 1 000 000 → "10 000 ₽", 123 456 → "1 234,56 ₽". */
export const moneyWhole = (minor: number, currency: string, lang: Lang): string =>
  new Intl.NumberFormat(locale(lang), { style: 'currency', currency, ...(minor % 100 === 0 ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {}) }).format(minor / 100);

/** Money in whole units, rounded (for figures where kopecks are noise): 1 370 386 850 → "13 703 869 ₽". */
export const moneyRounded = (minor: number, currency: string, lang: Lang): string =>
  new Intl.NumberFormat(locale(lang), { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(minor / 100);
