/**
 * Import benchmark: `kopilka import purchases CDNOW_master.txt --format cdnow`, run the way a user
 * runs it — the CLI as a child process (src/cli/main.ts through tsx) — on PostgreSQL and on PGlite:
 *   1. the first import (23,570 members created, 69,659 purchases);
 *   2. the same file again (idempotent: nothing written);
 *   3. the file with --earn into a second program (points through the ledger, expired at once);
 * then `kopilka verify`. For each: the command's wall time, the import's own time as it reports it
 * (without process start and migrations), the process's CPU time and peak RSS (VmHWM).
 *
 *   npx tsx bench/import.ts              both databases
 *   npx tsx bench/import.ts --only postgres|pglite [--no-earn]
 *   npx tsx bench/import.ts --million    also a generated file of 1,000,000 purchases on
 *                                        PostgreSQL (CDNOW repeated with other customer ids), to
 *                                        show that memory stays bounded
 *
 * Needs PostgreSQL on 127.0.0.1:5432 with trust auth (BENCH_PG_URL to change: a base URL without
 * a database name). Removes what it creates (its database, temp directories) also on failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { cpuMsOf, memoryOf } from './procfs.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CDNOW = path.resolve(ROOT, '../shared/data/cdnow/CDNOW_master.txt');
const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const MILLION = process.argv.includes('--million');
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const NO_EARN = process.argv.includes('--no-earn');

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  wallS: number;
  cpuS: number;
  hwmMb: number;
  /** CPU of the PostgreSQL backends serving the command (null on PGlite). */
  pgCpuS: number | null;
}

/** CPU time of the backends connected to a database, as last sampled (a backend's CPU only grows). */
class BackendCpu {
  readonly #byPid = new Map<number, number>();
  constructor(private readonly database: string) {}
  async sample(admin: pg.Client): Promise<void> {
    const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [this.database]);
    for (const { pid } of rows) {
      try {
        this.#byPid.set(pid, cpuMsOf(pid));
      } catch {
        // gone meanwhile
      }
    }
  }
  get seconds(): number {
    return [...this.#byPid.values()].reduce((s, ms) => s + ms, 0) / 1000;
  }
}

/** Runs the CLI, sampling its CPU time and peak RSS (and its PostgreSQL backends' CPU) until it exits. */
async function kopilka(args: string[], env: Record<string, string>): Promise<Measured> {
  const database = env.DATABASE_URL ? new URL(env.DATABASE_URL).pathname.slice(1) : null;
  const admin = database ? new pg.Client({ connectionString: `${PG_BASE}/postgres` }) : null;
  await admin?.connect();
  const backends = database ? new BackendCpu(database) : null;
  try {
    const m = await measure(args, env, () => (admin && backends ? backends.sample(admin) : Promise.resolve()));
    return { ...m, pgCpuS: backends?.seconds ?? null };
  } finally {
    await admin?.end();
  }
}

function measure(args: string[], env: Record<string, string>, sampleBackends: () => Promise<void>): Promise<Omit<Measured, 'pgCpuS'>> {
  const started = performance.now();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...env };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let cpuMs = 0;
  let hwmMb = 0;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const sample = () => {
    try {
      cpuMs = cpuMsOf(child.pid!);
      hwmMb = Math.max(hwmMb, memoryOf(child.pid!)?.hwmMb ?? 0);
    } catch {
      // the process has just exited
    }
    void sampleBackends().catch(() => {});
  };
  const timer = setInterval(sample, 100);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      void sampleBackends().catch(() => {});
      resolve({ code, stdout, stderr, wallS: (performance.now() - started) / 1000, cpuS: cpuMs / 1000, hwmMb });
    });
  });
}

const importSeconds = (m: Measured) => Number(/ in ([\d.]+) s\n/.exec(m.stdout)?.[1] ?? NaN);
const fail = (what: string, m: Measured) => new Error(`${what} failed (exit ${m.code})\n${m.stdout}\n${m.stderr}`);

async function createProgram(env: Record<string, string>, name: string): Promise<string> {
  const p = await kopilka(['program', 'create', '--name', name, '--currency', 'USD', '--time-zone', 'America/New_York'], env);
  const id = /program created: ([0-9a-f-]{36})/.exec(p.stdout)?.[1];
  if (!id) throw fail('program create', p);
  return id;
}

interface Row {
  database: string;
  step: string;
  rows: number;
  m: Measured;
}

async function importRuns(database: string, env: Record<string, string>, file: string, earn = true): Promise<Row[]> {
  const out: Row[] = [];
  const run = async (step: string, program: string, extra: string[] = []) => {
    const m = await kopilka(['import', 'purchases', file, '--program', program, '--format', 'cdnow', ...extra], env);
    if (m.code !== 0) throw fail(step, m);
    const rows = Number(/, ([\d,]+) row\(s\)/.exec(m.stdout)?.[1]?.replaceAll(',', '') ?? NaN);
    console.error(`[bench import] ${database}, ${step}: ${importSeconds(m)} s\n${m.stdout.trim().replace(/^/gm, '    ')}`);
    out.push({ database, step, rows, m });
  };
  const a = await createProgram(env, 'CDNOW');
  await run('first import', a);
  await run('the same file again', a);
  if (earn) await run('with --earn (another program)', await createProgram(env, 'CDNOW earn'), ['--earn']);
  const v = await kopilka(['verify'], env);
  if (v.code !== 0) throw fail('verify', v);
  console.error(`[bench import] ${database}: ${v.stdout.trim().split('\n').pop()}`);
  return out;
}

/** CDNOW fifteen times over with other customer ids (and so other receipts): 1,044,885 rows. */
function millionRowFile(dir: string): string {
  const file = path.join(dir, 'cdnow-x15.txt');
  const lines = fs.readFileSync(CDNOW, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  const fd = fs.openSync(file, 'w');
  for (let copy = 0; copy < 15; copy++) {
    fs.writeSync(fd, lines.map((l) => l.replace(/^\s*(\d+)/, (_m, id: string) => ` ${copy}-${id}`)).join('\n') + '\n');
  }
  fs.closeSync(fd);
  return file;
}

async function withPostgres<T>(name: string, fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    return await fn({ DATABASE_URL: `${PG_BASE}/${name}` });
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kopilka-bench-import-'));
  const id = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const rows: Row[] = [];
  try {
    if (ONLY !== 'pglite') rows.push(...(await withPostgres(`kopilka_bench_import_${id}`, (env) => importRuns('PostgreSQL', env, CDNOW, !NO_EARN))));
    if (ONLY !== 'postgres') rows.push(...(await importRuns('PGlite', { DATA_DIR: path.join(tmp, 'pglite') }, CDNOW, !NO_EARN)));
    if (MILLION) {
      const file = millionRowFile(tmp);
      rows.push(...(await withPostgres(`kopilka_bench_import_m_${id}`, (env) => importRuns('PostgreSQL (1 M rows)', env, file, false))));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`\nRun ${new Date().toISOString()} — \`npx tsx bench/import.ts${MILLION ? ' --million' : ''}\` — commit ${gitHead()}; ${os.cpus().length} cores, load average at the end ${load}.\n`);
  console.log('| database | step | rows | import (as reported) | command wall time | CPU: kopilka | CPU: PostgreSQL | rows/s | peak RSS |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const s = importSeconds(r.m);
    console.log(`| ${r.database} | ${r.step} | ${r.rows.toLocaleString('en-US')} | ${s.toFixed(1)} s | ${r.m.wallS.toFixed(1)} s | ${r.m.cpuS.toFixed(1)} s | ${r.m.pgCpuS === null ? '(inside)' : `${r.m.pgCpuS.toFixed(1)} s`} | ${Math.round(r.rows / s).toLocaleString('en-US')} | ${Math.round(r.m.hwmMb)} MiB |`);
  }
}

function gitHead(): string {
  return spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || 'unknown';
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
