import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { resolveMapping } from '../../src/domain/import/mapping.js';
import { OccurrenceCounter } from '../../src/domain/import/occurrences.js';
import { parseAmount, parseBoolean, parseCalendarDate, parseGender, parseInstant } from '../../src/domain/import/values.js';
import { domainError } from '../support/domain.js';

describe('values of imported files', () => {
  test('amounts in major units are converted exactly, with a point or a comma, spaces ignored', () => {
    assert.equal(parseAmount('11.77', 'major', 2), 1177);
    assert.equal(parseAmount('1 250,5', 'major', 2), 125050);
    assert.equal(parseAmount('12', 'major', 2), 1200);
    assert.equal(parseAmount('100', 'major', 0), 100);
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (kopecks) => parseAmount(`${Math.floor(kopecks / 100)}.${String(kopecks % 100).padStart(2, '0')}`, 'major', 2) === kopecks));
  });

  test('amounts in minor units must be whole; decimals say how to read them', () => {
    assert.equal(parseAmount('1177', 'minor', 2), 1177);
    assert.match(domainError(() => parseAmount('11.77', 'minor', 2), 'INVALID_ROW').message, /--amounts major/);
    domainError(() => parseAmount('1.234', 'major', 2), 'INVALID_ROW');
    domainError(() => parseAmount('-5', 'major', 2), 'INVALID_ROW');
    domainError(() => parseAmount('99999999999999999', 'minor', 2), 'INVALID_ROW');
  });

  test('dates: ISO, YYYYMMDD and DD.MM.YYYY, read in the program’s time zone unless an offset is given', () => {
    const zone = 'Europe/Moscow';
    assert.equal(parseInstant('19970101', zone).toISOString(), '1996-12-31T21:00:00.000Z');
    assert.equal(parseInstant('2026-01-05', zone).toISOString(), '2026-01-04T21:00:00.000Z');
    assert.equal(parseInstant('05.01.2026 18:30', zone).toISOString(), '2026-01-05T15:30:00.000Z');
    assert.equal(parseInstant('2026-01-05 18:30:15', zone).toISOString(), '2026-01-05T15:30:15.000Z');
    assert.equal(parseInstant('2026-01-05T18:30:00Z', zone).toISOString(), '2026-01-05T18:30:00.000Z');
    assert.equal(parseInstant('19970101', 'America/New_York').toISOString(), '1997-01-01T05:00:00.000Z');
    domainError(() => parseInstant('20261301', zone), 'INVALID_ROW');
    domainError(() => parseInstant('yesterday', zone), 'INVALID_ROW');
  });

  test('birthdays, yes/no and genders in their usual spellings', () => {
    assert.deepEqual(['17.05.1990', '19900517', '1990-05-17'].map(parseCalendarDate), ['1990-05-17', '1990-05-17', '1990-05-17']);
    domainError(() => parseCalendarDate('31.02.1990'), 'INVALID_ROW');
    assert.deepEqual(['да', 'Yes', '1', 'true', 'нет', 'N', '0'].map(parseBoolean), [true, true, true, true, false, false, false]);
    assert.deepEqual(['ж', 'F', 'male', 'М'].map(parseGender), ['female', 'female', 'male', 'male']);
  });
});

describe('column mapping', () => {
  test('columns named like fields need no mapping; case, spaces and separators do not matter', () => {
    const m = resolveMapping('members', ['External ID', 'phone', 'E-mail', 'first_name', 'attributes.Tier', 'consents.sms', 'notes']);
    assert.deepEqual([...m.fields], [['externalId', 0], ['phone', 1], ['email', 2], ['firstName', 3]]);
    assert.deepEqual([m.attributes, m.consents, m.ignored], [[{ name: 'Tier', index: 4 }], [{ channel: 'sms', index: 5 }], ['notes']]);
  });

  test('--map names a column by its header or by its position, and - ignores a column', () => {
    const m = resolveMapping('purchases', ['Клиент', 'Дата', 'Сумма', 'phone'], [['Клиент', 'externalId'], ['#2', 'occurredAt'], ['Сумма', 'total'], ['phone', '-']]);
    assert.deepEqual([...m.fields], [['externalId', 0], ['occurredAt', 1], ['total', 2]]);
    assert.deepEqual(m.ignored, []);
  });

  test('a mapping that cannot work is refused with every reason', () => {
    const err = domainError(() => resolveMapping('purchases', ['a', 'b', 'external_id', 'externalId'], [['x', 'total'], ['a', 'bogus']]), 'INVALID_IMPORT');
    assert.deepEqual(err.errors!.map((e) => e.pointer), ['/map/x', '/map/a', '/map/externalId', '/map', '/map']);
    assert.match(err.message, /the file has no column "x"/);
    assert.match(err.message, /"bogus" is not a field of purchases/);
    assert.match(err.message, /both "external_id" and "externalId" would fill externalId/);
    domainError(() => resolveMapping('members', ['name', 'city']), 'INVALID_IMPORT');
  });
});

describe('ordinals of identical rows', () => {
  const hash = (s: string) => createHash('sha256').update(s).digest('base64url');

  test('identical rows get 0, 1, 2, … in order; other rows 0', () => {
    const c = new OccurrenceCounter();
    assert.deepEqual(['a', 'b', 'a', 'a', 'c', 'b'].map((x) => c.next(hash(x))), [0, 0, 1, 2, 0, 1]);
  });

  test('the same rows in the same order always get the same ordinals, distinct among identical rows', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 200 }), (rows) => {
        const [a, b] = [new OccurrenceCounter(), new OccurrenceCounter()];
        const first = rows.map((r) => a.next(hash(String(r))));
        assert.deepEqual(rows.map((r) => b.next(hash(String(r)))), first);
        const pairs = new Set(rows.map((r, i) => `${r}#${first[i]}`));
        return pairs.size === rows.length;
      }),
      { numRuns: 50 },
    );
  });
});
