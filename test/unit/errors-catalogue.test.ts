import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { STATUS } from '../../src/http/errors.js';

test('every error code has a status and a row in docs/errors.md, and the table names no other code', () => {
  const doc = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map([...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1]!, { status: Number(m[2]), title: m[3]! }]));
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, title] of Object.entries(ERROR_CODES)) {
    assert.equal(rows.get(code)?.status, STATUS[code as keyof typeof STATUS], `${code}: status in the docs`);
    assert.equal(rows.get(code)?.title, title, `${code}: title in the docs`);
  }
});
