import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CDNOW_MASTER, ROOT } from '../support/imports.js';

/*
 * `kopilka import` as an operator runs it: the real CLI (src/cli/main.ts through tsx) as a child
 * process, on an embedded database in a temporary DATA_DIR.
 */

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kopilka(args: string[], dataDir: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

describe('kopilka import (command line, embedded database)', () => {
  let tmp: string;
  let data: string;
  let programId: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kopilka-import-'));
    data = path.join(tmp, 'data');
    const p = await kopilka(['program', 'create', '--name', 'History', '--currency', 'USD'], data);
    programId = /program created: ([0-9a-f-]{36})/.exec(p.stdout)?.[1] ?? '';
    assert.ok(programId, show(p));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('members with a mapping: a summary on stdout, the rejected rows in a CSV file, exit code 3', async () => {
    const file = path.join(tmp, 'members.csv');
    const rejects = path.join(tmp, 'rejects.csv');
    fs.writeFileSync(file, ['Client;Phone;Name', 'C-1;+7 916 555-00-01;Анна', 'C-2;not a phone;"Борис; старший"', 'C-3;;Вера'].join('\n'));
    const r = await kopilka(['import', 'members', file, '--program', programId, '--delimiter', ';', '--map', 'Client=externalId', '--rejects', rejects], data);
    assert.equal(r.code, 3, show(r));
    assert.match(r.stdout, /members from members\.csv, 3 row\(s\)/, show(r));
    assert.match(r.stdout, /\n +encoding +utf-8\n/, show(r));
    assert.match(r.stdout, /members +2 created, 0 filled in, 0 already complete/, show(r));
    assert.match(r.stdout, /rejected +1\n +line 3: INVALID_IDENTIFIER Phone: not a phone is not a valid phone number/, show(r));
    assert.equal(fs.readFileSync(rejects, 'utf8'), 'line,code,reason,Client,Phone,Name\n3,INVALID_IDENTIFIER,Phone: not a phone is not a valid phone number,C-2,not a phone,Борис; старший\n');
  });

  test('purchases in the CDNOW format: members created on the fly, and a second run imports nothing', async () => {
    const file = path.join(tmp, 'cdnow-head.txt');
    fs.writeFileSync(file, fs.readFileSync(CDNOW_MASTER, 'utf8').split('\n').slice(0, 301).join('\n'));
    const first = await kopilka(['import', 'purchases', file, '--program', programId, '--format', 'cdnow'], data);
    assert.equal(first.code, 0, show(first));
    assert.match(first.stdout, /purchases from cdnow-head\.txt, 300 row\(s\)/, show(first));
    assert.match(first.stdout, /purchases +300 imported, 0 imported before \(skipped\)/, show(first));
    assert.match(first.stdout, /members +\d+ created/, show(first));
    const again = await kopilka(['import', 'purchases', file, '--program', programId, '--format', 'cdnow'], data);
    assert.equal(again.code, 0, show(again));
    assert.match(again.stdout, /purchases +0 imported, 300 imported before \(skipped\)\n +members +0 created/, show(again));
    const v = await kopilka(['verify'], data);
    assert.equal(v.code, 0, show(v));
    assert.match(v.stdout, /the books balance/, show(v));
  });

  test('wrong usage exits 2 with the reason: a mapping to an unknown field, a file without a header and no columns', async () => {
    const file = path.join(tmp, 'p.csv');
    fs.writeFileSync(file, 'who,when,amount\nC-1,2026-01-01,100\n');
    const unknown = await kopilka(['import', 'purchases', file, '--program', programId, '--map', 'who=customer'], data);
    assert.equal(unknown.code, 2, show(unknown));
    assert.match(unknown.stderr, /"customer" is not a field of purchases/, show(unknown));
    const noColumns = await kopilka(['import', 'purchases', file, '--program', programId, '--no-header'], data);
    assert.equal(noColumns.code, 2, show(noColumns));
    assert.match(noColumns.stderr, /needs --columns/, show(noColumns));
    const program = await kopilka(['import', 'purchases', file, '--program', '01a20000-0000-7000-8000-000000000000', '--map', 'who=externalId', '--map', 'when=occurredAt', '--map', 'amount=total'], data);
    assert.equal(program.code, 1, show(program));
    assert.match(program.stderr, /kopilka import: No such program/, show(program));
  });
});
