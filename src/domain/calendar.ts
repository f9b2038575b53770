import { DateTime } from 'luxon';
import type { ExpiryRule } from './settings.js';

/** When points earned at `earnedAt` may be spent: `pendingDays` calendar days later in the program's zone. */
export function availableAt(earnedAt: Date, pendingDays: number, timeZone: string): Date {
  if (pendingDays === 0) return earnedAt;
  return plusDays(earnedAt, pendingDays, timeZone);
}

/*
 * Calendar arithmetic in a time zone is slow (each offset is looked up through Intl) and runs on
 * every purchase, while its answer changes only where the zone's offset does. Zones change offset
 * on whole quarter hours, so within one quarter hour "N days later" is a fixed number of
 * milliseconds, and "the end of the period" one instant: both are cached per quarter hour.
 */
const QUARTER_HOUR = 900_000;
const CACHE_LIMIT = 10_000;
const calendarCache = new Map<string, number>();

function cached(key: string, compute: () => number): number {
  let value = calendarCache.get(key);
  if (value === undefined) {
    if (calendarCache.size >= CACHE_LIMIT) calendarCache.clear();
    value = compute();
    calendarCache.set(key, value);
  }
  return value;
}

/** `days` calendar days after `at` (before, when negative) in the zone. */
export function plusDays(at: Date, days: number, timeZone: string): Date {
  const bucket = Math.floor(at.getTime() / QUARTER_HOUR) * QUARTER_HOUR;
  const delta = cached(`d|${timeZone}|${days}|${bucket}`, () => DateTime.fromMillis(bucket, { zone: timeZone }).plus({ days }).toMillis() - bucket);
  return new Date(at.getTime() + delta);
}

export type CalendarUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** The start of the calendar period (ISO weeks from Monday) that holds `at`, in the zone (cached per quarter hour, as above). */
export function startOfPeriod(at: Date, unit: CalendarUnit, timeZone: string): Date {
  const bucket = Math.floor(at.getTime() / QUARTER_HOUR) * QUARTER_HOUR;
  return new Date(cached(`s|${timeZone}|${unit}|${bucket}`, () => DateTime.fromMillis(bucket, { zone: timeZone }).startOf(unit).toMillis()));
}

/** The start of the calendar period after the one that holds `at`. */
export function startOfNextPeriod(at: Date, unit: CalendarUnit, timeZone: string): Date {
  const bucket = Math.floor(at.getTime() / QUARTER_HOUR) * QUARTER_HOUR;
  return new Date(
    cached(`n|${timeZone}|${unit}|${bucket}`, () => {
      const start = DateTime.fromMillis(bucket, { zone: timeZone }).startOf(unit);
      return (unit === 'quarter' ? start.plus({ months: 3 }) : start.plus({ [`${unit}s`]: 1 })).toMillis();
    }),
  );
}

/**
 * When points that became available at `from` expire (an exclusive instant: at that moment they
 * are gone), or null for never. Calendar periods end at midnight in the program's time zone.
 */
export function expiresAt(from: Date, rule: ExpiryRule, timeZone: string): Date | null {
  switch (rule.kind) {
    case 'never':
      return null;
    case 'days':
      return plusDays(from, rule.days, timeZone);
    case 'end_of_period': {
      const bucket = Math.floor(from.getTime() / QUARTER_HOUR) * QUARTER_HOUR;
      return new Date(
        cached(`p|${timeZone}|${rule.period}|${rule.after}|${bucket}`, () => {
          const start = DateTime.fromMillis(bucket, { zone: timeZone }).startOf(rule.period);
          const step = rule.period === 'quarter' ? { months: 3 * (rule.after + 1) } : { [`${rule.period}s`]: rule.after + 1 };
          return start.plus(step).toMillis();
        }),
      );
    }
  }
}

/** A wall-clock reading in a time zone: the local date as days since 1970-01-01, ISO weekday, minute of the day. */
export interface LocalTime {
  day: number;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  minute: number;
}

/** The local date, weekday and minute of `at` in `timeZone` (offsets cached per quarter hour, as above). */
export function localTime(at: Date, timeZone: string): LocalTime {
  const ms = at.getTime();
  const bucket = Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR;
  const offset = cached(`o|${timeZone}|${bucket}`, () => DateTime.fromMillis(bucket, { zone: timeZone }).offset * 60_000);
  const local = ms + offset;
  const day = Math.floor(local / 86_400_000);
  // 1970-01-01 was a Thursday (ISO 4).
  return { day, weekday: ((((day + 3) % 7) + 7) % 7) + 1, minute: Math.floor((local - day * 86_400_000) / 60_000) };
}

/** The instant at which local day `day` (days since 1970-01-01) begins in `timeZone`. */
export function startOfLocalDay(day: number, timeZone: string): Date {
  const d = new Date(day * 86_400_000);
  return DateTime.fromObject({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, { zone: timeZone }).toJSDate();
}
