import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { EVENT_CATALOGUE, EVENT_TYPES } from '../../src/domain/events/catalogue.js';

const doc = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');

test('docs/events.md lists every event type with its version, producer and description', () => {
  for (const t of EVENT_TYPES) {
    const d = EVENT_CATALOGUE[t];
    assert.ok(doc.includes(`| \`${t}\` | ${d.version} | ${d.producer} | ${d.description} |`), `the catalogue table's row of ${t} is missing or stale`);
  }
  const rows = [...doc.matchAll(/^\| `([a-z_.]+)` \| \d+ \|/gm)].map((m) => m[1]);
  assert.deepEqual(rows, EVENT_TYPES, 'no row for a type the catalogue does not have');
});

test("docs/events.md gives every field of every type's data", () => {
  for (const t of EVENT_TYPES) {
    const d = EVENT_CATALOGUE[t];
    const start = doc.indexOf(`### \`${t}\` (v${d.version})`);
    assert.ok(start >= 0, `a section for ${t} v${d.version}`);
    const next = doc.indexOf('\n### ', start + 1);
    const section = doc.slice(start, next < 0 ? undefined : next);
    const fields = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(fields, Object.keys((d.data as { properties: object }).properties), `the fields of ${t}`);
  }
});
