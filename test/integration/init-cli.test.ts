import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/*
 * A retailer's first start in production: `kopilka serve` with NODE_ENV=production on an empty
 * database invents no demo program, says how to run `kopilka init`, and still answers /health;
 * `kopilka init` opens the first program and its owner. (The development first start, with its demo
 * program, is test/integration/admin-cli.test.ts; init's refusal and lock, first-start.test.ts.)
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const childEnv = (env: Record<string, string>): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', JOB_INTERVAL_SECONDS: '0', OUTBOX_INTERVAL_SECONDS: '0', ...env };
  delete e.DATABASE_URL;
  if (!('NODE_ENV' in env)) delete e.NODE_ENV;
  return e;
};

function kopilka(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `kopilka serve` and waits for the line saying where it listens. */
async function serve(env: Record<string, string>): Promise<{ url: string; printed: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  let errors = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (errors += d));
  const url = await new Promise<string>((resolve, reject) => {
    // Minutes on a loaded two-core CI machine; a server that did not start in time is killed.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start:\n${printed}\n${errors}`));
    }, 400_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      printed += d;
      const m = /Kopilka listens on (http:\/\/\S+)/.exec(printed);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${printed}\n${errors}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.on('close', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, printed, stop };
}

describe('first start in production: kopilka init, no demo program', () => {
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kopilka-init-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('serve in production on an empty database makes nothing, says how to init, and answers /health', { timeout: 900_000 }, async () => {
    const dataDir = path.join(tmp, 'prod');
    const server = await serve({ DATA_DIR: dataDir, NODE_ENV: 'production' });
    try {
      assert.doesNotMatch(server.printed, /Demo program|owner@kopilka\.local|kpk_/);
      assert.match(server.printed, /kopilka init --name/);
      const health = await fetch(`${server.url}/health`);
      assert.equal(health.status, 200);
      const program = await fetch(`${server.url}/v1/auth/program`);
      assert.equal(((await program.json()) as { code: string }).code, 'PROGRAM_NOT_FOUND');
    } finally {
      await server.stop();
    }

    const init = await kopilka(['init', '--name', 'Лавка', '--owner-email', 'owner@lavka.ru', '--currency', 'RUB', '--time-zone', 'Asia/Novosibirsk', '--locale', 'ru'], { DATA_DIR: dataDir, NODE_ENV: 'production' });
    assert.equal(init.code, 0, init.stdout + init.stderr);
    const id = /program id: +(\S+)/.exec(init.stdout)?.[1];
    const key = /admin API key: +(kpk_\S+)/.exec(init.stdout)?.[1];
    const password = /password: +(\S+)/.exec(init.stdout)?.[1];
    assert.ok(id && key && password, init.stdout);
    assert.match(init.stdout, /"Лавка" \(RUB, Asia\/Novosibirsk, ru\)/);

    const next = await serve({ DATA_DIR: dataDir, NODE_ENV: 'production' });
    try {
      assert.doesNotMatch(next.printed, /kopilka init|Demo program|owner@kopilka\.local|password/);
      const own = await fetch(`${next.url}/v1/program`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(((await own.json()) as { name: string }).name, 'Лавка');
      const signIn = await fetch(`${next.url}/v1/auth/admin/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kopilka-csrf': '1' },
        body: JSON.stringify({ programId: id, email: 'owner@lavka.ru', password }),
      });
      assert.equal(signIn.status, 200);
    } finally {
      await next.stop();
    }
  });

  test('operator-key create prints the key once and the hash a server is given', async () => {
    const r = await kopilka(['operator-key', 'create'], {});
    assert.equal(r.code, 0, r.stderr);
    const key = /operator key: (kop_\S+)/.exec(r.stdout)?.[1];
    const hash = /^OPERATOR_KEY_HASH=([0-9a-f]{64})$/m.exec(r.stdout)?.[1];
    assert.ok(key && hash, r.stdout);
    const { createHash } = await import('node:crypto');
    assert.equal(createHash('sha256').update(key).digest('hex'), hash);
  });
});
