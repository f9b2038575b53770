import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeLength, COUPON_ALPHABET, formatCode, generateCodes, normaliseCode } from '../../src/domain/coupons.js';

describe('coupon codes', () => {
  test('100 000 codes are generated in well under a few seconds, all distinct, 9 characters from the alphabet', () => {
    const started = performance.now();
    const codes = generateCodes({ count: 100_000 });
    const ms = performance.now() - started;
    assert.equal(codes.length, 100_000);
    assert.equal(new Set(codes).size, 100_000);
    assert.ok(codes.every((c) => /^[23456789ACDEFGHJKMNPQRTUVWXY]{9}$/.test(c)));
    assert.ok(ms < 3_000, `${ms.toFixed(0)} ms`);
  });

  test('the alphabet has none of the look-alikes 0 O 1 I L B S Z', () => {
    assert.equal(COUPON_ALPHABET.length, 28);
    for (const c of '0O1ILBSZ') assert.ok(!COUPON_ALPHABET.includes(c), c);
  });

  test('a prefix goes in front of the random part', () => {
    const codes = generateCodes({ count: 3, prefix: 'SPRING', length: 8 });
    assert.ok(codes.every((c) => /^SPRING[23456789ACDEFGHJKMNPQRTUVWXY]{8}$/.test(c)));
  });

  test('the length grows with the series so that guessing stays hopeless', () => {
    assert.deepEqual([codeLength(1), codeLength(100_000), codeLength(10_000_000)], [8, 9, 11]);
  });

  test('random bytes above the last multiple of 28 are skipped, so no character is favoured', () => {
    // 252–255 would map to the first four characters again; 0 → '2', 27 → 'Y'.
    const bytes = [255, 252, 0, 27, 253, 1, 2, 3];
    const random = (b: Uint8Array) => {
      for (let i = 0; i < b.length; i++) b[i] = bytes[i % bytes.length]!;
      return b;
    };
    assert.deepEqual(generateCodes({ count: 1, length: 5, random }), ['2Y345']);
  });

  test('duplicates within a batch are drawn again', () => {
    let call = 0;
    // The first two codes come out the same; the third draw differs.
    const random = (b: Uint8Array) => {
      b.fill(call++ < 1 ? 0 : 1);
      return b;
    };
    const codes = generateCodes({ count: 2, length: 4, random });
    assert.equal(new Set(codes).size, 2);
  });

  test('a bad prefix or length is refused', () => {
    assert.throws(() => generateCodes({ count: 1, prefix: 'spring' }), RangeError);
    assert.throws(() => generateCodes({ count: 1, length: 2 }), RangeError);
  });
});

describe('presented codes', () => {
  test('case, spaces and dashes do not matter', () => {
    assert.equal(normaliseCode(' spring-k7qw 3mxa '), 'SPRINGK7QW3MXA');
    assert.equal(normaliseCode('K7QW–3MXA'), 'K7QW3MXA', 'an en dash from a word processor');
  });

  test('Cyrillic look-alikes typed on a Russian layout become Latin', () => {
    assert.equal(normaliseCode('К7МА-ХР'), 'K7MAXP');
  });

  test('what cannot be a code is null', () => {
    assert.equal(normaliseCode('!!!'), null);
    assert.equal(normaliseCode('   '), null);
  });

  test('a code prints in groups of four and reads back the same', () => {
    assert.equal(formatCode('K7QW3MXA9'), 'K7QW-3MXA-9');
    assert.equal(normaliseCode(formatCode('K7QW3MXA9')), 'K7QW3MXA9');
  });
});
