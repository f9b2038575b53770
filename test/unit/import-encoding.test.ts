import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { detectEncoding, isUtf8 } from '../../src/domain/import/encoding.js';

describe('the encoding of an imported file', () => {
  test('Russian text in Windows-1251 is Windows-1251; the same in UTF-8 is UTF-8', () => {
    const text = 'Фамилия;Имя;Город\nЁлкин;Пётр;Москва\n';
    assert.equal(detectEncoding(iconv.encode(text, 'win1251'), true), 'windows-1251');
    assert.equal(detectEncoding(Buffer.from(text), true), 'utf-8');
    assert.equal(detectEncoding(Buffer.from('plain ASCII,1,2\n'), true), 'utf-8');
  });

  test('a prefix cut inside a UTF-8 character is still UTF-8; a whole file ending so is not', () => {
    const bytes = Buffer.from('имя');
    assert.equal(isUtf8(bytes.subarray(0, 5), false), true);
    assert.equal(isUtf8(bytes.subarray(0, 5), true), false);
  });

  test('UTF-16, binary files and Western one-byte text are neither', () => {
    assert.equal(detectEncoding(Buffer.from('\ufeffимя,phone\n', 'utf16le'), true), null);
    assert.equal(detectEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), true), null, 'an .xlsx (a zip) is not text');
    assert.equal(detectEncoding(iconv.encode('Renée Müller, François', 'latin1'), true), null);
    assert.equal(detectEncoding(Buffer.from([0x41, 0x98, 0xc0]), true), null, '0x98 is undefined in Windows-1251');
  });
});
