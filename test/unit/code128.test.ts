import assert from 'node:assert/strict';
import { test } from 'node:test';
import { code128Modules, code128Values } from '../../web/member/code128.js';

test('Code 128 B: start B, one value per character, the weighted checksum and stop', () => {
  // P=48 J=42 J=42 1=17 2=18 3=19 C=35; (104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6 + 35·7) mod 103 = 55
  assert.deepEqual(code128Values('PJJ123C'), [104, 48, 42, 42, 17, 18, 19, 35, 55, 106]);
});

test('every symbol is 11 modules of three bars and three spaces; the stop has 13; quiet zones of 10', () => {
  const text = 'kmt_A-b_9z';
  const modules = code128Modules(text);
  assert.equal(modules.length, 10 + 11 * (text.length + 2) + 13 + 10);
  const body = modules.slice(10, -10);
  for (let i = 0; i + 13 < body.length; i += 11) {
    const symbol = body.slice(i, i + 11);
    assert.equal(symbol[0], '1', 'a symbol starts with a bar');
    assert.equal(symbol.match(/1+/g)!.length, 3, `three bars in ${symbol}`);
  }
  assert.ok(body.endsWith('11'), 'the stop ends with its final bar');
});

test('characters outside set B are refused', () => {
  assert.throws(() => code128Values('café'), /cannot encode/);
});
