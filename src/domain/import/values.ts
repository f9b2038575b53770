import { DateTime } from 'luxon';
import { DomainError } from '../errors.js';

/*
 * Values of imported files, as text, turned into what the product stores. Each parser throws
 * INVALID_ROW with a reason a person can act on; the caller adds the column's name.
 */

const bad = (detail: string) => new DomainError('INVALID_ROW', detail);

/** How amounts are written in a file: whole minor units (kopecks, cents) or major units with decimals. */
export type AmountUnit = 'minor' | 'major';

/**
 * An amount of money in minor units. `minor`: a whole number ("1177"). `major`: a number with at
 * most `digits` decimals, point or comma ("11.77", "11,7", "12") — converted exactly, without floats.
 * Spaces (thousands separators) are ignored. Negative amounts are refused: returns are not imported.
 */
export function parseAmount(text: string, unit: AmountUnit, digits: number): number {
  const t = text.replace(/[\s\u00a0\u202f]/g, '');
  if (unit === 'minor') {
    if (!/^\d+$/.test(t)) {
      throw bad(/^\d+[.,]\d+$/.test(t) ? `"${text}" has decimals; amounts are read as whole minor units (kopecks, cents) unless --amounts major is given` : `"${text}" is not an amount`);
    }
    return safe(Number(t), text);
  }
  const m = /^(\d+)(?:[.,](\d*))?$/.exec(t);
  if (!m) throw bad(`"${text}" is not an amount`);
  const fraction = m[2] ?? '';
  if (fraction.length > digits) throw bad(`"${text}" has more than ${digits} decimal(s)`);
  return safe(Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0'), text);
}

function safe(n: number, text: string): number {
  if (!Number.isSafeInteger(n)) throw bad(`"${text}" is too large`);
  return n;
}

/** A count of units: a positive whole number. */
export function parseQuantity(text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < 1) throw bad(`"${text}" is not a positive whole number`);
  return safe(Number(t), text);
}

/** Points: a whole number, zero or more ("1 234" with a thousands separator is 1234). */
export function parsePoints(text: string): number {
  const t = text.replace(/[\s\u00a0\u202f]/g, '');
  if (!/^\d+$/.test(t)) throw bad(`"${text}" is not a whole number of points`);
  return safe(Number(t), text);
}

/**
 * The instant points expire. A date alone is the last day they may be spent: they expire at the
 * end of it (the start of the next day in `zone`); a time is taken as it is.
 */
export function parseExpiry(text: string, zone: string): Date {
  const at = parseInstant(text, zone);
  const t = text.trim();
  if (!(/^\d{8}$/.test(t) || /^\d{4}-\d{2}-\d{2}$/.test(t) || /^\d{2}\.\d{2}\.\d{4}$/.test(t))) return at;
  return DateTime.fromJSDate(at, { zone }).plus({ days: 1 }).toJSDate();
}

/*
 * Parsing dates through luxon costs tens of microseconds; history files repeat the same few
 * hundred dates many times, so date-only values are remembered (per zone).
 */
const dateCache = new Map<string, number>();
const DATE_CACHE_LIMIT = 20_000;

/**
 * An instant. Accepts ISO 8601 (`2024-03-01`, `2024-03-01T10:15`, `2024-03-01T10:15:00+03:00`,
 * `2024-03-01 10:15:00`), `YYYYMMDD` and `DD.MM.YYYY [HH:mm[:ss]]`. Without an offset, the time
 * is read in `zone` (the program's time zone); a date alone is the start of that day.
 */
export function parseInstant(text: string, zone: string): Date {
  const t = text.trim();
  if (/^\d{8}$/.test(t) || /^\d{4}-\d{2}-\d{2}$/.test(t) || /^\d{2}\.\d{2}\.\d{4}$/.test(t)) {
    const key = `${zone}|${t}`;
    let ms = dateCache.get(key);
    if (ms === undefined) {
      ms = toDateTime(t, zone).toMillis();
      if (dateCache.size >= DATE_CACHE_LIMIT) dateCache.clear();
      dateCache.set(key, ms);
    }
    return new Date(ms);
  }
  return toDateTime(t, zone).toJSDate();
}

function toDateTime(t: string, zone: string): DateTime {
  let d: DateTime;
  if (/^\d{8}$/.test(t)) d = DateTime.fromFormat(t, 'yyyyMMdd', { zone });
  else if (/^\d{2}\.\d{2}\.\d{4}/.test(t)) {
    const format = t.length === 10 ? 'dd.MM.yyyy' : t.length === 16 ? 'dd.MM.yyyy HH:mm' : 'dd.MM.yyyy HH:mm:ss';
    d = DateTime.fromFormat(t, format, { zone });
  } else if (/^\d{4}-\d{2}-\d{2} \d/.test(t)) d = DateTime.fromSQL(t, { zone });
  else d = DateTime.fromISO(t, { zone });
  if (!d.isValid) throw bad(`"${t}" is not a date (use ISO 8601, YYYYMMDD or DD.MM.YYYY)`);
  return d;
}

/** A calendar date (a birthday) as `YYYY-MM-DD`; the same notations as parseInstant, without a time. */
export function parseCalendarDate(text: string): string {
  const t = text.trim();
  if (!/^(\d{8}|\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})$/.test(t)) throw bad(`"${text}" is not a date (use YYYY-MM-DD, YYYYMMDD or DD.MM.YYYY)`);
  return toDateTime(t, 'UTC').toISODate()!;
}

const TRUE = new Set(['1', 'true', 't', 'yes', 'y', 'да', 'д', '+']);
const FALSE = new Set(['0', 'false', 'f', 'no', 'n', 'нет', 'н', '-']);

/** A yes or no: 1/0, true/false, yes/no, y/n, да/нет. */
export function parseBoolean(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  throw bad(`"${text}" is not yes or no (1/0, true/false, yes/no, да/нет)`);
}

const GENDERS: Record<string, 'female' | 'male' | 'other'> = {
  female: 'female', f: 'female', w: 'female', woman: 'female', ж: 'female', жен: 'female', женский: 'female',
  male: 'male', m: 'male', man: 'male', м: 'male', муж: 'male', мужской: 'male',
  other: 'other', o: 'other', x: 'other', другой: 'other',
};

/** female, male or other, from the usual spellings (f/m, ж/м, …). */
export function parseGender(text: string): 'female' | 'male' | 'other' {
  const g = GENDERS[text.trim().toLowerCase()];
  if (!g) throw bad(`"${text}" is not a gender (female, male or other)`);
  return g;
}

/** Text no longer than `max` characters. */
export function parseText(text: string, max: number): string {
  const t = text.trim();
  if (t.length > max) throw bad(`is longer than ${max} characters`);
  return t;
}
