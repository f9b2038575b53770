import assert from 'node:assert/strict';
import { test } from 'node:test';
import { money, moneyCompact, moneyRounded, moneyWhole, numCompact } from '../../web/shared/format.js';

/** Intl separates groups with no-break spaces: compare with plain ones. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

test('money reads as Russians write it: a decimal comma, whole roubles where kopecks are noise, short figures on axes', () => {
  assert.equal(plain(money(123_456, 'RUB', 'ru')), '1 234,56 ₽');
  assert.equal(plain(moneyWhole(1_000_000, 'RUB', 'ru')), '10 000 ₽');
  assert.equal(plain(moneyWhole(123_456, 'RUB', 'ru')), '1 234,56 ₽');
  assert.equal(plain(moneyRounded(1_370_386_850, 'RUB', 'ru')), '13 703 869 ₽');
  assert.equal(plain(moneyCompact(27_345_678, 'RUB', 'ru')), '273 тыс. ₽');
  assert.equal(plain(moneyCompact(123_456_789, 'RUB', 'ru')), '1,2 млн ₽');
  assert.equal(plain(numCompact(1_921, 'ru')), '1,9 тыс.');
});
