/**
 * Campaign schedules, checked against a local wall-clock reading (calendar.ts `localTime`) that
 * an evaluation computes once for all campaigns.
 */
import type { LocalTime } from '../calendar.js';
import type { Schedule } from './types.js';

/** Days since 1970-01-01 of a YYYY-MM-DD date, or null when there is no such date. */
export function dayNumber(date: string): number | null {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
  return ms / 86_400_000;
}

/** Minutes since midnight of HH:MM (00:00–24:00), or null. */
export function minuteOfDay(time: string): number | null {
  const [h, m] = time.split(':').map(Number) as [number, number];
  if (m > 59 || h * 60 + m > 1440) return null;
  return h * 60 + m;
}

/** YYYY-MM-DD of a day number. */
export const dateOfDay = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Why a schedule does not hold at a moment, or null when it does. */
export type ScheduleMiss = 'before' | 'after' | 'weekday' | 'hours';

export interface CompiledSchedule {
  check(t: LocalTime): ScheduleMiss | null;
  /** The schedule in words, e.g. "2024-03-01…2024-03-31, Fri Sat, 22:00–02:00" or "until 2024-03-31". */
  text: string;
}

/**
 * Compiles a schedule. Dates are checked on the local date of the moment; weekdays on the day
 * an hour window opened, so "Fri 22:00–02:00" includes Saturday 01:00 and not Friday 01:00.
 */
export function compileSchedule(s: Schedule): CompiledSchedule {
  const from = s.from === undefined ? null : dayNumber(s.from);
  const to = s.to === undefined ? null : dayNumber(s.to);
  let mask = s.weekdays ? 0 : 0xff;
  for (const w of s.weekdays ?? []) mask |= 1 << w;
  const windows = (s.hours ?? []).map((h) => ({ from: minuteOfDay(h.from) ?? 0, to: minuteOfDay(h.to) ?? 0 }));
  const on = (weekday: number) => (mask & (1 << weekday)) !== 0;
  const text =
    [
      s.from && s.to ? `${s.from}…${s.to}` : s.from ? `from ${s.from}` : s.to ? `until ${s.to}` : '',
      s.weekdays ? s.weekdays.map((w) => WEEKDAYS[w]).join(' ') : '',
      (s.hours ?? []).map((h) => `${h.from}–${h.to}`).join(', '),
    ]
      .filter(Boolean)
      .join(', ') || 'always';
  return {
    text,
    check(t) {
      if (from !== null && t.day < from) return 'before';
      if (to !== null && t.day > to) return 'after';
      if (windows.length === 0) return on(t.weekday) ? null : 'weekday';
      const yesterday = t.weekday === 1 ? 7 : t.weekday - 1;
      for (const w of windows) {
        if (w.from < w.to) {
          if (t.minute >= w.from && t.minute < w.to && on(t.weekday)) return null;
        } else if ((t.minute >= w.from && on(t.weekday)) || (t.minute < w.to && on(yesterday))) return null;
      }
      return windows.some((w) => w.from >= w.to) || on(t.weekday) ? 'hours' : 'weekday';
    },
  };
}

export function describeMiss(miss: ScheduleMiss, t: LocalTime, schedule: CompiledSchedule): string {
  const at = `${dateOfDay(t.day)} ${WEEKDAYS[t.weekday]} ${String(Math.floor(t.minute / 60)).padStart(2, '0')}:${String(t.minute % 60).padStart(2, '0')}`;
  const why = { before: 'has not started', after: 'has ended', weekday: 'does not run on this weekday', hours: 'does not run at this hour' }[miss];
  return `${why}: ${at} local time; schedule: ${schedule.text}`;
}

/**
 * The weekly slots of a schedule — its weekdays (ISO, 1 = Monday; null: every day) and hour
 * windows in minutes of the day (a window with from ≥ to runs past midnight, counted on the day
 * it opened) — or null when it runs at every hour of every day. What a comparison of a
 * campaign's results counts: only the purchases the campaign could have touched.
 */
export interface ScheduleSlots {
  weekdays: number[] | null;
  hours: { from: number; to: number }[];
}

export function scheduleSlots(s: Schedule): ScheduleSlots | null {
  if (s.weekdays === undefined && (s.hours ?? []).length === 0) return null;
  const weekdays = s.weekdays === undefined ? null : [...new Set(s.weekdays)].sort();
  return { weekdays, hours: (s.hours ?? []).map((h) => ({ from: minuteOfDay(h.from) ?? 0, to: minuteOfDay(h.to) ?? 0 })) };
}

/** Whether the slots leave any moment on the date (YYYY-MM-DD): its weekday, or an overnight window opened the day before. */
export function slotsOnDay(slots: ScheduleSlots | null, date: string): boolean {
  if (slots === null || slots.weekdays === null) return true;
  const n = dayNumber(date);
  if (n === null) return false;
  // 1970-01-01 was a Thursday (ISO 4).
  const weekday = ((((n + 3) % 7) + 7) % 7) + 1;
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  if (slots.weekdays.includes(weekday)) return true;
  return slots.hours.some((h) => h.from >= h.to && h.to > 0) && slots.weekdays.includes(yesterday);
}
