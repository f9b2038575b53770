import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableAt, expiresAt, plusDays, startOfNextPeriod, startOfPeriod } from '../../src/domain/calendar.js';
import fc from 'fast-check';
import { DateTime } from 'luxon';

const MOSCOW = 'Europe/Moscow';
const BERLIN = 'Europe/Berlin';
const at = (iso: string) => new Date(iso);

describe('availableAt: when earned points can be spent', () => {
  test('with no pending days points are available at once', () => {
    assert.deepEqual(availableAt(at('2024-03-10T12:34:56.789Z'), 0, MOSCOW), at('2024-03-10T12:34:56.789Z'));
  });

  test('14 pending days in Moscow means the same time of day 14 days later', () => {
    assert.deepEqual(availableAt(at('2024-03-10T09:00:00Z'), 14, MOSCOW), at('2024-03-24T09:00:00Z'));
  });

  test('pending days cross the end of a month and a leap day', () => {
    assert.deepEqual(availableAt(at('2024-02-20T20:30:00Z'), 14, MOSCOW), at('2024-03-05T20:30:00Z'));
  });

  test('in a zone with summer time, pending days across the March change keep the local wall time', () => {
    // 10:00 CET (UTC+1) on 20 March → 10:00 CEST (UTC+2) on 3 April
    assert.deepEqual(availableAt(at('2024-03-20T09:00:00Z'), 14, BERLIN), at('2024-04-03T08:00:00Z'));
  });
});

describe('expiresAt: when points run out', () => {
  test('points that never expire have no expiry', () => {
    assert.equal(expiresAt(at('2024-03-10T09:00:00Z'), { kind: 'never' }, MOSCOW), null);
  });

  test('a 365-day expiry in Moscow is exactly 365 days later', () => {
    assert.deepEqual(expiresAt(at('2024-03-10T09:00:00Z'), { kind: 'days', days: 365 }, MOSCOW), at('2025-03-10T09:00:00Z'));
  });

  test('a day-count expiry across the March clock change in Berlin keeps the local wall time', () => {
    // 10:00 CET on 20 March 2024 + 30 days → 10:00 CEST on 19 April 2024
    assert.deepEqual(expiresAt(at('2024-03-20T09:00:00Z'), { kind: 'days', days: 30 }, BERLIN), at('2024-04-19T08:00:00Z'));
  });

  test('end of the same month in Moscow is midnight Moscow time, 21:00 UTC on the last day', () => {
    const rule = { kind: 'end_of_period', period: 'month', after: 0 } as const;
    assert.deepEqual(expiresAt(at('2024-03-15T10:00:00Z'), rule, MOSCOW), at('2024-03-31T21:00:00Z'));
  });

  test('end of the next month (after 1) from late January is the end of February in a leap year', () => {
    const rule = { kind: 'end_of_period', period: 'month', after: 1 } as const;
    assert.deepEqual(expiresAt(at('2024-01-31T10:00:00Z'), rule, MOSCOW), at('2024-02-29T21:00:00Z'));
  });

  test('the month is taken in the program’s zone: 22:00 UTC on 31 January is already February in Moscow', () => {
    const rule = { kind: 'end_of_period', period: 'month', after: 0 } as const;
    assert.deepEqual(expiresAt(at('2024-01-31T22:00:00Z'), rule, MOSCOW), at('2024-02-29T21:00:00Z'));
  });

  test('end of the same quarter in Moscow', () => {
    const rule = { kind: 'end_of_period', period: 'quarter', after: 0 } as const;
    assert.deepEqual(expiresAt(at('2024-05-10T10:00:00Z'), rule, MOSCOW), at('2024-06-30T21:00:00Z'));
  });

  test('end of the next quarter (after 1) in Moscow', () => {
    const rule = { kind: 'end_of_period', period: 'quarter', after: 1 } as const;
    assert.deepEqual(expiresAt(at('2024-05-10T10:00:00Z'), rule, MOSCOW), at('2024-09-30T21:00:00Z'));
  });

  test('end of the next quarter from the last quarter of a year is the end of March', () => {
    const rule = { kind: 'end_of_period', period: 'quarter', after: 1 } as const;
    assert.deepEqual(expiresAt(at('2024-11-02T10:00:00Z'), rule, MOSCOW), at('2025-03-31T21:00:00Z'));
  });

  test('end of the same year in Moscow', () => {
    const rule = { kind: 'end_of_period', period: 'year', after: 0 } as const;
    assert.deepEqual(expiresAt(at('2024-06-15T10:00:00Z'), rule, MOSCOW), at('2024-12-31T21:00:00Z'));
  });

  test('end of the next year (after 1) in Moscow', () => {
    const rule = { kind: 'end_of_period', period: 'year', after: 1 } as const;
    assert.deepEqual(expiresAt(at('2024-06-15T10:00:00Z'), rule, MOSCOW), at('2025-12-31T21:00:00Z'));
  });

  test('end of March in Berlin is midnight summer time (22:00 UTC), end of October midnight winter time (23:00 UTC)', () => {
    const rule = { kind: 'end_of_period', period: 'month', after: 0 } as const;
    assert.deepEqual(expiresAt(at('2024-03-10T10:00:00Z'), rule, BERLIN), at('2024-03-31T22:00:00Z'));
    assert.deepEqual(expiresAt(at('2024-10-10T10:00:00Z'), rule, BERLIN), at('2024-10-31T23:00:00Z'));
  });
});

describe('calendar arithmetic is cached without changing an answer', () => {
  test('property: pending and expiry dates equal a direct calendar computation at any instant, across DST and odd offsets', () => {
    const zones = ['Europe/Moscow', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }),
        fc.constantFrom(...zones),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom('month', 'quarter', 'year') as fc.Arbitrary<'month' | 'quarter' | 'year'>,
        fc.integer({ min: 0, max: 2 }),
        (t, zone, days, period, after) => {
          const at = new Date(t);
          const direct = DateTime.fromMillis(t, { zone });
          assert.equal(availableAt(at, days, zone).getTime(), direct.plus({ days }).toMillis());
          assert.equal(expiresAt(at, { kind: 'days', days }, zone)!.getTime(), direct.plus({ days }).toMillis());
          const step = period === 'quarter' ? { months: 3 * (after + 1) } : { [`${period}s`]: after + 1 };
          assert.equal(expiresAt(at, { kind: 'end_of_period', period, after }, zone)!.getTime(), direct.startOf(period).plus(step).toMillis());
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('property: period starts and ends (tiers, per-member limits) and days back equal a direct calendar computation', () => {
    const zones = ['Europe/Moscow', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }),
        fc.constantFrom(...zones),
        fc.constantFrom('day', 'week', 'month', 'quarter', 'year') as fc.Arbitrary<'day' | 'week' | 'month' | 'quarter' | 'year'>,
        fc.integer({ min: 1, max: 400 }),
        (t, zone, unit, days) => {
          const direct = DateTime.fromMillis(t, { zone });
          assert.equal(startOfPeriod(new Date(t), unit, zone).getTime(), direct.startOf(unit).toMillis());
          const next = unit === 'quarter' ? direct.startOf(unit).plus({ months: 3 }) : direct.startOf(unit).plus({ [`${unit}s`]: 1 });
          assert.equal(startOfNextPeriod(new Date(t), unit, zone).getTime(), next.toMillis());
          assert.equal(plusDays(new Date(t), -days, zone).getTime(), direct.minus({ days }).toMillis());
        },
      ),
      { numRuns: 3000 },
    );
  });
});
