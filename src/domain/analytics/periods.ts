/**
 * Calendar days and report periods for analytics. Days are 'YYYY-MM-DD' strings in the
 * program's time zone (the caller converts instants); everything here is pure day arithmetic.
 */
import { DateTime } from 'luxon';
import { DomainError } from '../errors.js';
import { dayNumber, dayString } from './summary.js';

export type Interval = 'day' | 'week' | 'month';

export interface Period {
  /** The calendar period's first day (a Monday for weeks, the 1st for months). */
  period: string;
  /** The part of the period inside the range asked about: from and to inclusive. */
  from: string;
  to: string;
}

export const addDays = (day: string, n: number): string => dayString(dayNumber(day) + n);
export const daysBetween = (from: string, to: string): number => dayNumber(to) - dayNumber(from);

/** The Monday of the ISO week of a day. */
export function weekStart(day: string): string {
  const n = dayNumber(day);
  // 1970-01-01 was a Thursday: day 0 → weekday index 3 (Monday = 0).
  return dayString(n - ((n + 3) % 7));
}

export const monthStart = (day: string): string => `${day.slice(0, 7)}-01`;

/** The first day of the month `n` months after the month of `day`. */
export function addMonths(day: string, n: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + n;
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-01`;
}

/** Whole months from the month of `from` to the month of `to` (2026-01-31 → 2026-02-01 is 1). */
export function monthsBetween(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
}

export function periodStart(day: string, interval: Interval): string {
  switch (interval) {
    case 'day':
      return day;
    case 'week':
      return weekStart(day);
    case 'month':
      return monthStart(day);
  }
}

function nextPeriod(start: string, interval: Interval): string {
  switch (interval) {
    case 'day':
      return addDays(start, 1);
    case 'week':
      return addDays(start, 7);
    case 'month':
      return addMonths(start, 1);
  }
}

/**
 * The periods covering from…to (inclusive), clipped to the range: weeks run Monday to Sunday,
 * months from the 1st. Example: 2026-03-30 … 2026-04-02 by week →
 * [{ period 2026-03-30, from 2026-03-30, to 2026-04-02 }].
 */
export function periodsOf(from: string, to: string, interval: Interval): Period[] {
  const out: Period[] = [];
  for (let start = periodStart(from, interval); start <= to; start = nextPeriod(start, interval)) {
    const end = addDays(nextPeriod(start, interval), -1);
    out.push({ period: start, from: start < from ? from : start, to: end > to ? to : end });
  }
  return out;
}

/** The day of an instant in a time zone. */
export function dayIn(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate() as string;
}

/** Longest range a report covers: ten years of days. */
export const MAX_RANGE_DAYS = 3660;

/**
 * Checks a report's range: both days valid, from ≤ to, at most MAX_RANGE_DAYS days. Throws
 * INVALID_DATE_RANGE naming the bad query parameter.
 */
export function checkRange(from: string, to: string): void {
  for (const [name, day] of [['from', from], ['to', to]] as const) {
    try {
      dayNumber(day);
    } catch {
      throw new DomainError('INVALID_DATE_RANGE', `${name} must be a calendar day YYYY-MM-DD, got '${day}'`, { errors: [{ pointer: `querystring:/${name}`, detail: 'must be a calendar day YYYY-MM-DD' }] });
    }
  }
  if (from > to) throw new DomainError('INVALID_DATE_RANGE', `from (${from}) is after to (${to})`, { errors: [{ pointer: 'querystring:/from', detail: 'must not be after to' }] });
  if (daysBetween(from, to) >= MAX_RANGE_DAYS) {
    throw new DomainError('INVALID_DATE_RANGE', `the range is longer than ${MAX_RANGE_DAYS} days`, { errors: [{ pointer: 'querystring:/from', detail: `the range may cover at most ${MAX_RANGE_DAYS} days` }] });
  }
}

/** The instant a day begins in a time zone (midnight, or the first instant after a DST gap). */
export function startOfDayIn(day: string, timeZone: string): Date {
  return DateTime.fromISO(day, { zone: timeZone }).startOf('day').toJSDate();
}
