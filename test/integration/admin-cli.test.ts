import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/*
 * The first owner as an operator makes one: `kopilka admin …` from the command line, and the
 * owner that `kopilka serve` creates and prints on a first start (embedded database).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function spawnKopilka(args: string[], env: Record<string, string>): ChildProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...env };
  delete childEnv.DATABASE_URL;
  delete childEnv.NODE_ENV;
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs a command to its end, with `stdin` as its standard input. */
function kopilka(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnKopilka(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.end(stdin);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const signIn = (url: string, programId: string, email: string, password: string) =>
  fetch(`${url}/v1/auth/admin/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-kopilka-csrf': '1' }, body: JSON.stringify({ programId, email, password }) });

describe('the first admin users (command line, embedded database)', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kopilka-admin-cli-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('kopilka admin create takes a password from stdin or prints a generated one once; list and password work', async () => {
    const env = { DATA_DIR: path.join(tmp, 'cli') };
    const program = /program created: (\S+)/.exec((await kopilka(['program', 'create', '--name', 'Shop'], env)).stdout)![1]!;
    const owner = await kopilka(['admin', 'create', '--program', program, '--email', 'Owner@Shop.example', '--role', 'owner', '--password-stdin'], env, 'correct horse battery\n');
    assert.equal(owner.code, 0, owner.stderr);
    assert.match(owner.stdout, /^admin user \S+: owner@shop\.example \(owner\)\n$/);
    const marketer = await kopilka(['admin', 'create', '--program', program, '--email', 'm@shop.example', '--role', 'marketer', '--name', 'Мария'], env);
    assert.match(marketer.stdout, /\npassword: [A-Za-z0-9_-]{22}\n\(shown once/);
    const weak = await kopilka(['admin', 'create', '--program', program, '--email', 'w@shop.example', '--role', 'analyst', '--password-stdin'], env, 'short\n');
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /at least 10 characters/);
    const list = await kopilka(['admin', 'list', '--program', program], env);
    assert.deepEqual(list.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(1, 3)), [['owner', 'owner@shop.example'], ['marketer', 'm@shop.example']]);
    const reset = await kopilka(['admin', 'password', '--program', program, '--email', 'm@shop.example'], env);
    assert.match(reset.stdout, /^new password for m@shop\.example: [A-Za-z0-9_-]{22}\n/);
  });

  test('serve on a first start prints the demo owner once, who can sign in; codes go to the log in development', async () => {
    const env = { DATA_DIR: path.join(tmp, 'serve'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', JOB_INTERVAL_SECONDS: '0', OUTBOX_INTERVAL_SECONDS: '1' };
    const server = spawnKopilka(['serve'], env);
    let out = '';
    server.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    server.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
      for (let i = 0; i < 2400; i++) {
        const m = pattern.exec(out);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail(`the server did not print ${pattern}:\n${out}`);
    };
    try {
      const url = (await waitFor(/Kopilka listens on (http:\/\/\S+)/))[1]!;
      const programId = (await waitFor(/program id:\s+(\S+)/))[1]!;
      const email = (await waitFor(/e-mail:\s+(\S+)/))[1]!;
      const password = (await waitFor(/password: (\S+)/))[1]!;
      assert.equal(email, 'owner@kopilka.local');
      assert.match(out, /development mode \(NODE_ENV is not production\): member sign-in codes by e-mail are written to the log/);
      const res = await signIn(url, programId, email, password);
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as { user: { role: string } }).user.role, 'owner');

      const sent = await fetch(`${url}/v1/auth/member/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ programId, email: 'guest@example.ru' }) });
      assert.equal(sent.status, 202);
      const logged = await waitFor(/"text":"Ваш код для входа в программу «Demo program»: (\d{6})/);
      const joined = await fetch(`${url}/v1/auth/member/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kopilka-csrf': '1' },
        body: JSON.stringify({ programId, email: 'guest@example.ru', code: logged[1], name: 'Гость' }),
      });
      assert.equal(joined.status, 201, await joined.clone().text());
    } finally {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    const again = spawnKopilka(['serve'], env);
    let second = '';
    again.stdout!.setEncoding('utf8').on('data', (d: string) => (second += d));
    for (let i = 0; i < 600 && !/Kopilka listens on/.test(second); i++) await new Promise((r) => setTimeout(r, 50));
    const exited = new Promise((resolve) => again.once('exit', resolve));
    again.kill('SIGTERM');
    await exited;
    assert.doesNotMatch(second, /password:/, 'the password is printed only on the first start');
  });
});
