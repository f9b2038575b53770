// The report range the dashboard and the analytics page share: a preset or custom days, in the
// program's time zone (docs/analytics.md: days are YYYY-MM-DD there).

export type Preset = '30d' | '90d' | '12m' | 'custom';
export type Interval = 'day' | 'week' | 'month';
export const PRESETS: Preset[] = ['30d', '90d', '12m', 'custom'];

export interface Range {
  preset: Preset;
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

/** Today in a time zone as YYYY-MM-DD ("en-CA" formats dates that way). */
export const todayIn = (timeZone: string, now = new Date()): string => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);

const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayOf = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** Days from `from` to `to`, both included. */
export const daysIn = (from: string, to: string): number => dayNumber(to) - dayNumber(from) + 1;

/** The range a preset covers, ending today: 30 days → 2026-10-25…2026-11-23; 12 months → from the 1st of the month 11 months back. */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): Range {
  if (preset === '12m') {
    const [y, m] = today.split('-').map(Number) as [number, number];
    const first = new Date(Date.UTC(y, m - 1 - 11, 1)).toISOString().slice(0, 10);
    return { preset, from: first, to: today };
  }
  return { preset, from: dayOf(dayNumber(today) - (preset === '30d' ? 29 : 89)), to: today };
}

/** The series' period for a range: days up to two months, weeks up to half a year, then months. */
export const intervalFor = (from: string, to: string): Interval => {
  const n = daysIn(from, to);
  return n <= 62 ? 'day' : n <= 186 ? 'week' : 'month';
};

/** Seconds since the epoch at midnight UTC of a day: the x of the charts (drawn in UTC, so a day stays that day). */
export const dayToX = (day: string): number => dayNumber(day) * 86_400;

/** The client's check of a custom range: pointer → message key. */
export function checkRange(from: string, to: string): Record<string, 'range.required' | 'range.order' | 'range.tooLong'> {
  const e: Record<string, 'range.required' | 'range.order' | 'range.tooLong'> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) e['/from'] = 'range.required';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) e['/to'] = 'range.required';
  if (!e['/from'] && !e['/to']) {
    if (from > to) e['/to'] = 'range.order';
    else if (daysIn(from, to) > 3660) e['/from'] = 'range.tooLong';
  }
  return e;
}
