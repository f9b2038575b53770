import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { simulationHorizon } from '../../src/domain/rules/simulation.js';
import { localParts, zonedInstant } from '../../web/admin/zoned.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const MOSCOW = 'Europe/Moscow';

describe('how far ahead a simulation may look', () => {
  test('a year ahead (366 days) with no campaign that ends later', () => {
    assert.equal(simulationHorizon(NOW, [{ schedule: {} }, { schedule: { to: '2026-04-01' } }], [], MOSCOW).toISOString(), '2027-03-03T09:00:00.000Z');
  });

  test('to the last moment of the latest schedule day in the program time zone', () => {
    assert.equal(simulationHorizon(NOW, [{ schedule: { from: '2027-12-25', to: '2027-12-31' } }], [], MOSCOW).toISOString(), '2027-12-31T20:59:59.999Z');
  });

  test('to a rules version scheduled later still', () => {
    const later = new Date('2028-06-01T00:00:00Z');
    assert.equal(simulationHorizon(NOW, [], [later], MOSCOW).toISOString(), later.toISOString());
  });

  test('never more than five years ahead (5 × 366 days)', () => {
    assert.equal(simulationHorizon(NOW, [{ schedule: { to: '2040-01-01' } }], [], MOSCOW).toISOString(), '2031-03-06T09:00:00.000Z');
  });
});

describe("the program's wall clock in the admin panel", () => {
  test('Saturday 11:00 in Moscow is 08:00 UTC, whatever the browser zone', () => {
    assert.equal(zonedInstant('2026-04-11', '11:00', MOSCOW).toISOString(), '2026-04-11T08:00:00.000Z');
    assert.deepEqual(localParts(new Date('2026-04-11T08:00:00Z'), MOSCOW), { date: '2026-04-11', time: '11:00' });
  });

  test('on both sides of a clock change (Berlin, 29 March 2026)', () => {
    assert.equal(zonedInstant('2026-03-29', '01:30', 'Europe/Berlin').toISOString(), '2026-03-29T00:30:00.000Z');
    assert.equal(zonedInstant('2026-03-29', '12:00', 'Europe/Berlin').toISOString(), '2026-03-29T10:00:00.000Z');
    assert.equal(zonedInstant('2026-10-25', '12:00', 'Europe/Berlin').toISOString(), '2026-10-25T11:00:00.000Z');
  });
});
