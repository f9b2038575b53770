import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { buildServer } from '../../scripts/build-server.mjs';

/*
 * What an operator meets before the server runs: `npm ci` on the oldest Node we support prints no
 * EBADENGINE warning, and `npm start` does not recompile the server when nothing changed.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

describe('installing and starting', () => {
  test('every package in the lockfile accepts the oldest Node we support (no EBADENGINE on npm ci)', () => {
    const oldest = semver.minVersion(readJson('package.json').engines.node as string)!.version;
    const lock = readJson('package-lock.json') as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(oldest, p.engines.node))
      .map(([name, p]) => `${name.replace(/^.*node_modules\//, '')}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    assert.equal(oldest, '20.19.0');
    assert.deepEqual(refusing, []);
  });

  test('npm start compiles the server only when its sources changed', () => {
    assert.match(readJson('package.json').scripts.start as string, /^node scripts\/build-server\.mjs && /);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kopilka-build-'));
    try {
      fs.mkdirSync(path.join(tmp, 'src/cli'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'src/cli/main.ts'), 'export const answer: number = 41;\n');
      fs.writeFileSync(path.join(tmp, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [] } }));
      fs.writeFileSync(path.join(tmp, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'] }));
      assert.equal(buildServer({ root: tmp, quiet: true }), 'built');
      assert.match(fs.readFileSync(path.join(tmp, 'dist/cli/main.js'), 'utf8'), /answer = 41/);
      assert.equal(buildServer({ root: tmp, quiet: true }), 'up to date');
      fs.writeFileSync(path.join(tmp, 'src/cli/main.ts'), 'export const answer: number = 42;\n');
      assert.equal(buildServer({ root: tmp, quiet: true }), 'built');
      assert.match(fs.readFileSync(path.join(tmp, 'dist/cli/main.js'), 'utf8'), /answer = 42/);
      fs.rmSync(path.join(tmp, 'dist/cli/main.js'));
      assert.equal(buildServer({ root: tmp, quiet: true }), 'built', 'a missing output is built again');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
