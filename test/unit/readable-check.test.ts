import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latinIn } from '../support/readable.js';

test('the English-word check of Russian pages finds English and lets the brand, abbreviations and addresses through', () => {
  assert.deepEqual(latinIn(['Согласия: sms, push', 'выше на −9,3 %', 'RESEND_TOO_SOON']), ['sms', 'push', 'RESEND', 'TOO', 'SOON']);
  assert.deepEqual(latinIn(['API-ключи', 'Kopilka — панель управления', 'E-mail: owner@shop.ru', 'QR-код', 'Скачать CSV', 'https://shop.ru/app']), []);
  assert.deepEqual(latinIn(['Постоянный код для API, например double-points.']), ['double-points']);
});
