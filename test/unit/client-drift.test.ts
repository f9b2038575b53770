import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generatedSchema, SCHEMA_FILE } from '../../scripts/client-generate.js';

test('the typed client in packages/client matches the API (run `npm run client:generate` after changing a route)', async () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  const fresh = await generatedSchema();
  if (committed !== fresh) {
    const a = committed.split('\n');
    const b = fresh.split('\n');
    const at = a.findIndex((l, i) => l !== b[i]);
    assert.fail(`packages/client/src/schema.d.ts is stale from line ${at + 1}:\n  committed: ${a[at]}\n  fresh:     ${b[at]}\nrun \`npm run client:generate\``);
  }
});
