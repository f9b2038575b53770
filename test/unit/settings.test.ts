import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { currencyMinorUnits, DEFAULT_SETTINGS, mergeSettings, questionnaireErrors, settingsFromStorage, validateSettings, type ProgramSettings } from '../../src/domain/settings.js';
import { domainError } from '../support/domain.js';

const settings = (overrides: Partial<ProgramSettings> = {}): ProgramSettings => ({ ...DEFAULT_SETTINGS, ...overrides });

describe('program settings', () => {
  test('the default settings are valid', () => {
    assert.doesNotThrow(() => validateSettings(DEFAULT_SETTINGS));
  });

  test('every earning rate with at most two decimals is accepted (e.g. 1.1 %, 4.35 %)', () => {
    // every rate from 0 % to 10 % in steps of 0.01 %, and a few higher ones
    const rates = [...Array.from({ length: 1_001 }, (_, hundredths) => hundredths / 100), 12.34, 33.33, 66.67, 99.99, 100];
    const rejected: number[] = [];
    for (const percent of rates) {
      try {
        validateSettings(settings({ earning: { kind: 'percent', percent } }));
      } catch {
        rejected.push(percent);
      }
    }
    assert.equal(rejected.length, 0, `rejected ${rejected.length} rates, e.g. ${rejected.slice(0, 8).join(', ')}`);
  });

  test('an earning rate with three decimals or above 100 % is refused, pointing at the rate', () => {
    for (const percent of [5.555, 100.01, -1]) {
      const err = domainError(() => validateSettings(settings({ earning: { kind: 'percent', percent } })), 'INVALID_SETTINGS');
      assert.deepEqual(err.errors?.map((e) => e.pointer), ['/earning/percent'], String(percent));
    }
  });

  test('“points per amount” needs a whole number of points per at least one currency unit', () => {
    const err = domainError(() => validateSettings(settings({ earning: { kind: 'per_amount', points: 1.5, per: 0 } })), 'INVALID_SETTINGS');
    assert.deepEqual(err.errors?.map((e) => e.pointer), ['/earning/points', '/earning/per']);
  });

  test('an unknown currency is UNKNOWN_CURRENCY', () => {
    domainError(() => validateSettings(settings({ currency: 'XYZ' })), 'UNKNOWN_CURRENCY');
    domainError(() => validateSettings(settings({ currency: 'rub' })), 'UNKNOWN_CURRENCY');
  });

  test('every bad field is reported at once', () => {
    const err = domainError(
      () => validateSettings(settings({ timeZone: 'Mars/Olympus', pointValue: 0, maxRedeemPercent: 101, pendingDays: -1, expiry: { kind: 'days', days: 0 } })),
      'INVALID_SETTINGS',
    );
    assert.deepEqual(err.errors?.map((e) => e.pointer), ['/timeZone', '/expiry/days', '/pointValue', '/maxRedeemPercent', '/pendingDays']);
  });

  test('an end-of-period expiry may not count periods backwards', () => {
    const err = domainError(() => validateSettings(settings({ expiry: { kind: 'end_of_period', period: 'month', after: -1 } })), 'INVALID_SETTINGS');
    assert.deepEqual(err.errors?.map((e) => e.pointer), ['/expiry/after']);
  });

  test('a change is merged into the current settings and the rest is kept', () => {
    const next = mergeSettings(DEFAULT_SETTINGS, { maxRedeemPercent: 50 });
    assert.equal(next.maxRedeemPercent, 50);
    assert.equal(next.pendingDays, DEFAULT_SETTINGS.pendingDays);
  });

  test('a change that makes the settings invalid is refused', () => {
    domainError(() => mergeSettings(DEFAULT_SETTINGS, { pointValue: 0 }), 'INVALID_SETTINGS');
  });

  test('settings stored before a field existed get the default for that field', () => {
    const { expiringSoonDays: _dropped, ...old } = settings({ pendingDays: 7 });
    const read = settingsFromStorage(old);
    assert.equal(read.expiringSoonDays, 30);
    assert.equal(read.pendingDays, 7);
  });

  test('roubles have two digits after the point, yen none', () => {
    assert.equal(currencyMinorUnits('RUB'), 2);
    assert.equal(currencyMinorUnits('JPY'), 0);
  });
});

test('the questionnaire: a required field left empty or blank is named; optional and unasked ones are not', () => {
  const q = { name: 'required', birthday: 'optional', gender: 'off', city: 'required' } as const;
  assert.deepEqual(questionnaireErrors(q, { name: 'Анна', city: '  ' }), [{ pointer: '/city', detail: 'the program asks for this' }]);
  assert.deepEqual(questionnaireErrors(q, { name: 'Анна', city: 'Тула' }), []);
  assert.deepEqual(questionnaireErrors(DEFAULT_SETTINGS.questionnaire, {}), [{ pointer: '/name', detail: 'the program asks for this' }]);
});
