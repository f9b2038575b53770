import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvText, decimalComma, type CsvColumn } from '../../src/app/csv-export.js';
import { parseExpiry, parsePoints } from '../../src/domain/import/values.js';

test('money for Excel is major units with a decimal comma, exactly', () => {
  assert.deepEqual([decimalComma(123_456, 2), decimalComma(5, 2), decimalComma(-5, 2), decimalComma(0, 2), decimalComma(1200, 0)], ['1234,56', '0,05', '-0,05', '0,00', '1200']);
});

test('the two dialects of one table', () => {
  const columns: CsvColumn<{ day: string; sum: number; share: number | null; at: Date; note: string }>[] = [
    { key: 'day', ru: 'День', kind: 'day', value: (r) => r.day },
    { key: 'sum', ru: 'Сумма, ₽', kind: 'money', value: (r) => r.sum },
    { key: 'share', ru: 'Доля', kind: 'rate', value: (r) => r.share },
    { key: 'at', ru: 'Время', kind: 'instant', value: (r) => r.at },
    { key: 'note', ru: 'Заметка', kind: 'text', value: (r) => r.note },
  ];
  const rows = [{ day: '2026-03-02', sum: 100_050, share: 0.25, at: new Date('2026-03-02T21:30:00Z'), note: 'Иванов; "VIP"' }];
  const zone = 'Europe/Moscow';
  assert.equal(csvText(columns, rows, { dialect: 'machine', minorDigits: 2, timeZone: zone }), 'day,sum,share,at,note\r\n2026-03-02,100050,0.25,2026-03-02T21:30:00.000Z,"Иванов; ""VIP"""\r\n');
  assert.equal(csvText(columns, rows, { dialect: 'excel-ru', minorDigits: 2, timeZone: zone }), '\ufeffДень;Сумма, ₽;Доля;Время;Заметка\r\n02.03.2026;1000,50;0,25;03.03.2026 00:30;"Иванов; ""VIP"""\r\n');
});

test('an opening balance: whole points, and a date alone expires at the end of that day', () => {
  assert.deepEqual([parsePoints('1 500'), parsePoints('0')], [1500, 0]);
  assert.throws(() => parsePoints('12,5'), /not a whole number/);
  assert.throws(() => parsePoints('-3'), /not a whole number/);
  assert.equal(parseExpiry('31.12.2026', 'Europe/Moscow').toISOString(), '2026-12-31T21:00:00.000Z');
  assert.equal(parseExpiry('2026-12-31T18:00:00+03:00', 'Europe/Moscow').toISOString(), '2026-12-31T15:00:00.000Z');
});
