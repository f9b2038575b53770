#!/usr/bin/env node
// Builds the two web apps (web/member → dist/web/member, served at /app; web/admin →
// dist/web/admin, served at /admin) with Vite. Skips the build when nothing under web/ or
// packages/client/src changed since the last one, so `npm start` stays fast; --force builds anyway.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist/web');
const STAMP = path.join(OUT, '.sources');
export const APPS = [
  { name: 'member', base: '/app/' },
  { name: 'admin', base: '/admin/' },
];

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else yield p;
  }
}

/** A fingerprint of every source the apps are built from (paths, sizes and modification times). */
function fingerprint() {
  const hash = createHash('sha256');
  const inputs = [path.join(ROOT, 'web'), path.join(ROOT, 'packages/client/src')];
  for (const dir of inputs) {
    for (const f of [...files(dir)].sort()) {
      const s = statSync(f);
      hash.update(`${path.relative(ROOT, f)}:${s.size}:${s.mtimeMs}\n`);
    }
  }
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(readFileSync(path.join(ROOT, 'package-lock.json')));
  return hash.digest('hex');
}

const LOCK = path.join(ROOT, 'dist/.web-build.lock');

/** One build at a time (test files run in parallel and may all find the build stale). */
async function withLock(fn) {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A lock older than two minutes belongs to a build that died.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export async function buildWeb(options = {}) {
  return withLock(() => buildUnlocked(options));
}

async function buildUnlocked({ force = false, quiet = false } = {}) {
  const print = quiet ? () => {} : (m) => console.error(m);
  const sources = fingerprint();
  const built = APPS.every((a) => existsSync(path.join(OUT, a.name, 'index.html')));
  if (!force && built && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === sources) {
    print('build-web: web apps are up to date');
    return;
  }
  const { build } = await import('vite');
  const started = Date.now();
  for (const app of APPS) {
    await build({
      configFile: false,
      root: path.join(ROOT, 'web', app.name),
      base: app.base,
      logLevel: 'warn',
      esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
      build: {
        outDir: path.join(OUT, app.name),
        emptyOutDir: true,
        target: 'es2020',
        reportCompressedSize: false,
        chunkSizeWarningLimit: 400,
      },
    });
  }
  writeFileSync(STAMP, sources);
  print(`build-web: built ${APPS.map((a) => a.name).join(' and ')} in ${((Date.now() - started) / 1000).toFixed(1)} s → dist/web`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWeb({ force: process.argv.includes('--force') });
}
