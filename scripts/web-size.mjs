#!/usr/bin/env node
// `npm run web:size`: the built web apps' sizes, raw and gzip, per file and what a first load
// fetches (the scripts, module preloads and styles that index.html names). Builds first when the
// build is stale. Exits 1 when the member app's first-load JavaScript passes its budget.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { APPS, buildWeb } from './build-web.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The member app's first-load JavaScript budget, gzip (the issue: under 200 kB on a phone). */
export const MEMBER_JS_BUDGET = 200 * 1024;

const gzip = (buf) => gzipSync(buf, { level: 9 }).length;

/** Per app: every asset's size, and the first load's JavaScript and CSS totals. */
export async function webSizes() {
  await buildWeb({ quiet: true });
  const result = {};
  for (const app of APPS) {
    const dir = path.join(ROOT, 'dist/web', app.name);
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    const named = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => path.basename(m[1]));
    const files = readdirSync(path.join(dir, 'assets')).map((name) => {
      const buf = readFileSync(path.join(dir, 'assets', name));
      return { name, raw: buf.length, gzip: gzip(buf), firstLoad: named.includes(name) };
    });
    const sum = (ext) => files.filter((f) => f.firstLoad && f.name.endsWith(ext)).reduce((s, f) => s + f.gzip, 0);
    result[app.name] = { files, firstLoadJs: sum('.js'), firstLoadCss: sum('.css'), allGzip: files.reduce((s, f) => s + f.gzip, 0) };
  }
  return result;
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await webSizes();
  for (const [name, s] of Object.entries(sizes)) {
    console.log(`${name} (${APPS.find((a) => a.name === name).base}): first load ${kb(s.firstLoadJs)} JS + ${kb(s.firstLoadCss)} CSS gzip; all assets ${kb(s.allGzip)} gzip`);
    for (const f of s.files) console.log(`  ${f.name.padEnd(28)} ${kb(f.raw).padStart(10)} raw ${kb(f.gzip).padStart(10)} gzip${f.firstLoad ? '  (first load)' : ''}`);
  }
  const member = sizes.member.firstLoadJs;
  if (member > MEMBER_JS_BUDGET) {
    console.error(`web:size: the member app's first-load JavaScript is ${kb(member)} gzip, over its budget of ${kb(MEMBER_JS_BUDGET)}`);
    process.exit(1);
  }
}
