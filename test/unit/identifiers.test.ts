import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors.js';
import { maskIdentifier, normaliseIdentifier } from '../../src/domain/identifiers.js';

const isInvalidIdentifier = (err: unknown) => err instanceof DomainError && err.code === 'INVALID_IDENTIFIER';

describe('normaliseIdentifier: one stored form per identifier', () => {
  test('a Russian phone written with a leading 8, brackets and dashes becomes E.164', () => {
    assert.equal(normaliseIdentifier('phone', '8 (916) 123-45-67'), '+79161234567');
  });

  test('a phone written with +7 and spaces becomes E.164', () => {
    assert.equal(normaliseIdentifier('phone', '+7 916 123 45 67'), '+79161234567');
  });

  test('a phone without a country code is read as Russian', () => {
    assert.equal(normaliseIdentifier('phone', '916 123-45-67'), '+79161234567');
  });

  test('a foreign phone keeps its own country code', () => {
    assert.equal(normaliseIdentifier('phone', '+49 30 901820'), '+4930901820');
  });

  test('every way of writing the same phone finds the same member', () => {
    const forms = ['8 (916) 123-45-67', '+7 916 123 45 67', '89161234567', '+7(916)1234567', '  +79161234567  '];
    assert.deepEqual(new Set(forms.map((f) => normaliseIdentifier('phone', f))), new Set(['+79161234567']));
  });

  test('something that is not a phone number is INVALID_IDENTIFIER', () => {
    assert.throws(() => normaliseIdentifier('phone', '123'), isInvalidIdentifier);
    assert.throws(() => normaliseIdentifier('phone', 'call me'), isInvalidIdentifier);
    assert.throws(() => normaliseIdentifier('phone', ''), isInvalidIdentifier);
  });

  test('an e-mail address is stored in lower case without surrounding spaces', () => {
    assert.equal(normaliseIdentifier('email', '  Ivan.Petrov@Example.COM '), 'ivan.petrov@example.com');
  });

  test('something that is not an e-mail address is INVALID_IDENTIFIER', () => {
    assert.throws(() => normaliseIdentifier('email', 'ivan.petrov'), isInvalidIdentifier);
    assert.throws(() => normaliseIdentifier('email', 'ivan @example.com'), isInvalidIdentifier);
  });

  test('a card number is stored without spaces or dashes, letters in upper case', () => {
    assert.equal(normaliseIdentifier('card', '1234 5678 9012 3456'), '1234567890123456');
    assert.equal(normaliseIdentifier('card', 'ab-12-cd'), 'AB12CD');
  });

  test('a card number shorter than 4 characters or with other symbols is INVALID_IDENTIFIER', () => {
    assert.throws(() => normaliseIdentifier('card', '12 3'), isInvalidIdentifier);
    assert.throws(() => normaliseIdentifier('card', '1234/5678'), isInvalidIdentifier);
  });

  test('an external id is kept as given (trimmed) and must not be empty', () => {
    assert.equal(normaliseIdentifier('external_id', ' CRM-42 '), 'CRM-42');
    assert.throws(() => normaliseIdentifier('external_id', '   '), isInvalidIdentifier);
    assert.throws(() => normaliseIdentifier('member_token', 'x'.repeat(201)), isInvalidIdentifier);
  });
});

describe('maskIdentifier: what may appear in logs', () => {
  test('a phone shows only its last four digits', () => {
    assert.equal(maskIdentifier('phone', '+79161234567'), '********4567');
  });

  test('a long card number shows its last four characters after at most eight stars', () => {
    assert.equal(maskIdentifier('card', '12345678901234567890'), '********7890');
  });

  test('an identifier of four characters or fewer shows nothing', () => {
    assert.equal(maskIdentifier('card', '1234'), '****');
    assert.equal(maskIdentifier('external_id', 'ab'), '****');
  });

  test('an e-mail shows only its first letter and its domain', () => {
    assert.equal(maskIdentifier('email', 'ivan.petrov@example.com'), 'i***@example.com');
  });

  test('property: a masked phone, card, external id or token never shows more than the last four characters', () => {
    fc.assert(
      fc.property(fc.constantFrom('phone', 'card', 'external_id', 'member_token') as fc.Arbitrary<'phone' | 'card' | 'external_id' | 'member_token'>, fc.string({ minLength: 0, maxLength: 80 }), (kind, value) => {
        const masked = maskIdentifier(kind, value);
        const shown = value.length <= 4 ? '' : value.slice(-4);
        assert.ok(masked.endsWith(shown));
        assert.match(masked.slice(0, masked.length - shown.length), /^\*+$/);
      }),
      { numRuns: 300 },
    );
  });
});
