import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { checkLayers, formatViolation, TEMPORARY_EXCEPTIONS } from '../../scripts/check-layers.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/layering', import.meta.url));
const script = fileURLToPath(new URL('../../scripts/check-layers.ts', import.meta.url));
/** The fixture keeps one excepted folder, to show what an exception does. */
const fixtureExceptions = { exceptions: ['src/app/purchases/excepted.ts'] };
const brief = (v: { file: string; line: number; rule: string; what: string }) => `${v.file}:${v.line} ${v.rule} ${v.what}`;

test('a tree whose app imports kysely, whose http, cli and jobs import the store and whose domain imports app fails, naming each import', () => {
  assert.deepEqual(checkLayers(fixture, fixtureExceptions).map(brief), [
    "src/app/builds-query.ts:2 app-no-sql { sql } from '../store/tag.js'",
    'src/app/builds-query.ts:5 app-no-sql .selectFrom(…)',
    'src/app/purchases/needs-campaign-admin.ts:2 purchase-path-first ../rules/admin.js',
    'src/app/uses-kysely.ts:1 app-no-sql kysely',
    'src/app/uses-kysely.ts:5 app-no-sql sql`…`',
    'src/app/uses-kysely.ts:9 app-no-sql kysely',
    'src/cli/command.ts:1 edge-through-app kysely',
    'src/cli/command.ts:4 edge-through-app ../store/db.js',
    'src/domain/impure.ts:1 domain-pure node:fs',
    'src/domain/impure.ts:2 domain-pure ../app/keeps-it.js',
    'src/domain/impure.ts:5 domain-pure ../store/db.js',
    'src/http/route.ts:2 edge-through-app ../store/db.js',
    'src/http/route.ts:5 edge-through-app ../store/db.js',
    'src/jobs/worker.ts:2 edge-through-app ../store/db.js',
  ]);
});

test('the fixture marks every line the check reports, and only those (`// BREAKS <rule>`)', () => {
  const marked: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(`${fixture}/${dir}`, { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`);
      else fs.readFileSync(`${fixture}/${dir}/${e.name}`, 'utf8').split('\n').forEach((l, i) => {
        const m = /\/\/ BREAKS ([a-z-]+)$/.exec(l);
        if (m) marked.push(`${dir}/${e.name}:${i + 1} ${m[1]}`);
      });
    }
  };
  walk('src');
  const reported = [...new Set(checkLayers(fixture, fixtureExceptions).map((v) => `${v.file}:${v.line} ${v.rule}`))];
  assert.deepEqual(reported.sort(), marked.sort());
});

test('the real code needs no exception, and an exception lets through its files and nothing else', () => {
  assert.deepEqual(TEMPORARY_EXCEPTIONS, []);
  const without = checkLayers(fixture, { exceptions: [] }).filter((v) => v.file.startsWith('src/app/purchases/excepted'));
  assert.deepEqual(without.map(brief), ['src/app/purchases/excepted.ts:2 app-no-sql kysely', 'src/app/purchases/excepted.ts:4 app-no-sql sql`…`']);
  assert.equal(checkLayers(fixture, fixtureExceptions).filter((v) => v.file.startsWith('src/app/purchases/excepted')).length, 0);
  assert.equal(checkLayers(fixture, fixtureExceptions).length, checkLayers(fixture, { exceptions: [] }).length - 2);
});

test('each reported line says which file imports what and which rule it breaks', () => {
  const [first] = checkLayers(fixture);
  assert.equal(
    formatViolation(first!),
    "src/app/builds-query.ts:2 imports { sql } from '../store/tag.js' — breaks app-no-sql: SQL and Kysely live in src/store; src/app calls store functions and uses the store's Db/Tx types",
  );
});

test("Kopilka's own src keeps the layering", () => {
  assert.deepEqual(checkLayers(repo).map(formatViolation), []);
});

test('the command exits 1 and prints the violations on the fixture, and exits 0 on the repository', () => {
  const bad = spawnSync(process.execPath, ['--import', 'tsx', script, fixture], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  const lines = bad.stderr.trim().split('\n');
  assert.equal(lines.length, 17);
  assert.equal(lines[0], formatViolation(checkLayers(fixture)[0]!));
  assert.equal(lines[16], 'check-layers: 16 import(s) break the layering (docs/architecture.md#layering)');
  const good = spawnSync(process.execPath, ['--import', 'tsx', script, repo], { encoding: 'utf8' });
  assert.equal(good.status, 0, good.stderr);
  assert.equal(good.stderr.trim(), 'check-layers: the layering holds');
});
