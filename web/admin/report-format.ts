// How the reports' days, periods and shares read in the panel's language.
import type { Lang } from '../shared/i18n';
import type { Interval } from './report-range';

const locale = (lang: Lang) => (lang === 'ru' ? 'ru-RU' : 'en-GB');
const utc = (day: string) => new Date(`${day}T00:00:00Z`);

/** A series period: "23 нояб. 2026" for a day or a week (its Monday), "ноябрь 2026" for a month. */
export function periodLabel(period: string, interval: Interval, lang: Lang): string {
  const f = interval === 'month' ? new Intl.DateTimeFormat(locale(lang), { month: 'long', year: 'numeric', timeZone: 'UTC' }) : new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeZone: 'UTC' });
  return f.format(utc(period));
}

/** The x axis's labels (seconds at midnight UTC of a day). */
export function xFormat(interval: Interval, lang: Lang): (seconds: number) => string {
  const f = new Intl.DateTimeFormat(locale(lang), interval === 'month' ? { month: 'short', year: '2-digit', timeZone: 'UTC' } : { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return (seconds) => f.format(new Date(seconds * 1000));
}

/** A fraction as a percentage: 0.3333 → "33,3 %". */
export const percent = (share: number, lang: Lang): string => new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 1 }).format(share);

/** A month "2026-03" as "март 2026". */
export const monthLabel = (month: string, lang: Lang): string => new Intl.DateTimeFormat(locale(lang), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(utc(`${month}-01`));
