import { DateTime } from 'luxon';
import type { ExpiryRule } from './settings.js';

/** When points earned at `earnedAt` may be spent: `pendingDays` calendar days later in the program's zone. */
export function availableAt(earnedAt: Date, pendingDays: number, timeZone: string): Date {
  if (pendingDays === 0) return earnedAt;
  return DateTime.fromJSDate(earnedAt, { zone: timeZone }).plus({ days: pendingDays }).toJSDate();
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
      return DateTime.fromJSDate(from, { zone: timeZone }).plus({ days: rule.days }).toJSDate();
    case 'end_of_period': {
      const start = DateTime.fromJSDate(from, { zone: timeZone }).startOf(rule.period);
      const step = rule.period === 'quarter' ? { months: 3 * (rule.after + 1) } : { [`${rule.period}s`]: rule.after + 1 };
      return start.plus(step).toJSDate();
    }
  }
}
