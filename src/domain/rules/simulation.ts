/**
 * What a simulation may ask that a till may not: a moment far ahead. A till's clock is trusted
 * only a day ahead (src/app/purchases/evaluate.ts); a marketer trying next month's campaign needs
 * next month. The bound is documented in docs/rules.md ("Simulating a receipt").
 */
import { startOfLocalDay } from '../calendar.js';
import { dayNumber } from './schedule.js';
import type { Campaign } from './types.js';

const DAY_MS = 86_400_000;
/** Any simulation may look this far ahead, whatever its campaigns say. */
export const SIMULATION_AHEAD_DAYS = 366;
/** And never further than this, however long a schedule runs. */
export const SIMULATION_MAX_AHEAD_DAYS = 5 * 366;

/**
 * The latest moment a simulation may be dated: a year ahead, or, if later, the end of the last
 * day of the latest campaign schedule among `campaigns` or the latest scheduled rules version
 * (`versionStarts`), but never more than five years ahead. The past is open: rules versions of
 * the time apply.
 *
 *   simulationHorizon(new Date('2026-03-02T09:00Z'), [{ schedule: { to: '2027-12-31' } }], [], 'Europe/Moscow')
 *   // → 2027-12-31T20:59:59.999Z, the last moment of 31 December 2027 in Moscow
 */
export function simulationHorizon(now: Date, campaigns: readonly Pick<Campaign, 'schedule'>[], versionStarts: readonly Date[], timeZone: string): Date {
  let horizon = now.getTime() + SIMULATION_AHEAD_DAYS * DAY_MS;
  for (const c of campaigns) {
    const last = c.schedule.to === undefined ? null : dayNumber(c.schedule.to);
    if (last !== null) horizon = Math.max(horizon, startOfLocalDay(last + 1, timeZone).getTime() - 1);
  }
  for (const v of versionStarts) horizon = Math.max(horizon, v.getTime());
  return new Date(Math.min(horizon, now.getTime() + SIMULATION_MAX_AHEAD_DAYS * DAY_MS));
}
