#!/usr/bin/env node
// Compiles the server (src → dist) with tsc, unless nothing it is compiled from changed since the
// last compile: `npm start` runs this every time, and even an incremental tsc takes ~12 s to find
// that there is nothing to do. The fingerprint covers every file under src/, the tsconfig files
// and package-lock.json (paths, sizes and modification times); --force compiles anyway.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = '.server-sources';

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else yield p;
  }
}

function fingerprint(root) {
  const hash = createHash('sha256');
  for (const f of [...files(path.join(root, 'src'))].sort()) {
    const s = statSync(f);
    hash.update(`${path.relative(root, f)}:${s.size}:${s.mtimeMs}\n`);
  }
  for (const name of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
    const f = path.join(root, name);
    if (existsSync(f)) hash.update(`${name}\n`).update(readFileSync(f));
  }
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  return hash.digest('hex');
}

/**
 * Compiles `root` (the package by default) with tsconfig.build.json into root/dist unless the
 * stamp there matches the sources. Returns 'built' or 'up to date'.
 */
export function buildServer({ root = REPO, force = false, quiet = false } = {}) {
  const print = quiet ? () => {} : (m) => console.error(m);
  const out = path.join(root, 'dist');
  const stamp = path.join(out, STAMP);
  const sources = fingerprint(root);
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === sources && existsSync(path.join(out, 'cli/main.js'))) {
    print('build-server: dist is up to date');
    return 'up to date';
  }
  const tsc = createRequire(path.join(REPO, 'package.json')).resolve('typescript/bin/tsc');
  const started = Date.now();
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, sources);
  print(`build-server: compiled src in ${((Date.now() - started) / 1000).toFixed(1)} s → dist`);
  return 'built';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildServer({ force: process.argv.includes('--force') });
  } catch {
    process.exit(1); // tsc has printed why
  }
}
