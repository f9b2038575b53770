import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/*
 * The real command line, as an operator runs it: each step spawns `kopilka` (src/cli/main.ts
 * through tsx) as a child process on an embedded database in a temporary DATA_DIR.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kopilka(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  delete childEnv.DATABASE_URL;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
const checkedLine = (r: Run) => r.stdout.split('\n').find((l) => /^checked .* member\(s\)/.test(l));

describe('kopilka command line (embedded database)', () => {
  let tmp: string;
  let dataA: string;
  let dataB: string;
  let backupFile: string;
  let programId: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kopilka-cli-'));
    dataA = path.join(tmp, 'a');
    dataB = path.join(tmp, 'b');
    backupFile = path.join(tmp, 'backups', 'kopilka.tar.gz');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('program create prints the program id, apikey create a kpk_ key', async () => {
    const p = await kopilka(['program', 'create', '--name', 'CLI test'], { DATA_DIR: dataA });
    assert.equal(p.code, 0, show(p));
    const id = /program created: ([0-9a-f-]{36})/.exec(p.stdout)?.[1];
    assert.ok(id, show(p));
    programId = id;
    const k = await kopilka(['apikey', 'create', '--program', programId, '--role', 'admin'], { DATA_DIR: dataA });
    assert.equal(k.code, 0, show(k));
    assert.match(k.stdout.trim(), /^kpk_\S+$/, show(k));
  });

  test('demo fills the program through the use cases, and the books balance', async () => {
    const d = await kopilka(['demo', '--members', '50', '--months', '2', '--seed', '1'], { DATA_DIR: dataA });
    assert.equal(d.code, 0, show(d));
    assert.match(d.stdout, new RegExp(`program +${programId}`), show(d));
    assert.match(d.stdout, /members +50\b/, show(d));
    assert.match(d.stdout, /purchases +\d+/, show(d));
    assert.match(d.stdout, /the books balance/, show(d));

    const v = await kopilka(['verify'], { DATA_DIR: dataA });
    assert.equal(v.code, 0, show(v));
    assert.match(v.stdout, /the books balance/, show(v));
    assert.match(checkedLine(v) ?? '', /checked 1 program\(s\), 50 member\(s\), [1-9]\d* lot\(s\), [1-9]\d* entr\(ies\)/, show(v));

    // A second run would clash with the first one's phones and receipt numbers: it is refused.
    const twice = await kopilka(['demo', '--members', '5', '--months', '1'], { DATA_DIR: dataA });
    assert.equal(twice.code, 1, show(twice));
    assert.match(twice.stderr, /already has 50 member\(s\)/, show(twice));
  });

  test('backup, then restore into another DATA_DIR gives the same books', async () => {
    const b = await kopilka(['backup', '--out', backupFile], { DATA_DIR: dataA });
    assert.equal(b.code, 0, show(b));
    assert.match(b.stdout, /backup written: .*kopilka\.tar\.gz \(\d/, show(b));
    assert.ok(fs.statSync(backupFile).size > 0);

    const r = await kopilka(['restore', '--from', backupFile], { DATA_DIR: dataB });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /1 program\(s\) and 50 member\(s\)/, show(r));
    assert.ok(!fs.existsSync(path.join(dataB, 'kopilka.lock')), 'the restore released its lock');

    const [va, vb] = await Promise.all([kopilka(['verify'], { DATA_DIR: dataA }), kopilka(['verify'], { DATA_DIR: dataB })]);
    assert.equal(vb.code, 0, show(vb));
    assert.match(vb.stdout, /the books balance/, show(vb));
    assert.ok(checkedLine(va), show(va));
    assert.equal(checkedLine(vb), checkedLine(va));
  });

  test('restore refuses a DATA_DIR that is not empty, backup one that is in use, and backup refuses PostgreSQL', async () => {
    // A running process (this one) owns dataB, as a server would.
    fs.writeFileSync(path.join(dataB, 'kopilka.lock'), String(process.pid));
    const [refused, postgres, inUse] = await Promise.all([
      kopilka(['restore', '--from', backupFile], { DATA_DIR: dataA }),
      kopilka(['backup', '--out', path.join(tmp, 'pg.tar.gz')], { DATA_DIR: dataA, DATABASE_URL: 'postgres://kopilka@127.0.0.1:1/kopilka' }),
      kopilka(['backup', '--out', path.join(tmp, 'in-use.tar.gz')], { DATA_DIR: dataB }),
    ]);
    fs.rmSync(path.join(dataB, 'kopilka.lock'));
    assert.equal(inUse.code, 1, show(inUse));
    assert.match(inUse.stderr, new RegExp(`in use by process ${process.pid}`), show(inUse));
    assert.match(inUse.stderr, /stop the server/, show(inUse));
    assert.ok(!fs.existsSync(path.join(tmp, 'in-use.tar.gz')));

    assert.notEqual(refused.code, 0, show(refused));
    assert.match(refused.stderr, /is not empty/, show(refused));
    assert.match(refused.stderr, /--force/, show(refused));
    assert.ok(fs.existsSync(path.join(dataA, 'PG_VERSION')), 'the existing data directory is untouched');

    assert.equal(postgres.code, 2, show(postgres));
    assert.match(postgres.stderr, /pg_dump/, show(postgres));
    assert.ok(!fs.existsSync(path.join(tmp, 'pg.tar.gz')));
  });

  test('restore --force moves the old DATA_DIR aside instead of deleting it', async () => {
    const r = await kopilka(['restore', '--from', backupFile, '--force'], { DATA_DIR: dataA });
    assert.equal(r.code, 0, show(r));
    const aside = fs.readdirSync(tmp).filter((f) => /^a\.old-\d{8}T\d{6}Z$/.test(f));
    assert.equal(aside.length, 1, `${fs.readdirSync(tmp).join(', ')}\n${show(r)}`);
    assert.ok(fs.existsSync(path.join(tmp, aside[0]!, 'PG_VERSION')));
    assert.match(r.stdout, new RegExp(`moved aside to .*${aside[0]}`), show(r));
    assert.ok(fs.existsSync(path.join(dataA, 'PG_VERSION')));
  });
});
