/**
 * The benchmark, end to end (bench/run.sh builds the server and runs this):
 *   1. PostgreSQL: a fresh database, the built server on it, 100,000 members bulk-loaded, then
 *      POST /v1/purchases at increasing concurrency and GET /v1/members/{id}/balance, with the
 *      server's CPU and memory; a short run through a counting proxy for round trips per request;
 *      `kopilka verify` on the result.
 *   2. pgbench TPC-B on the same PostgreSQL for the same duration (its own database).
 *   3. PGlite: the same purchase run on the embedded database (10,000 members).
 * Each purchase run has two mixes: the simple mix (5-line receipts, no campaigns) and, after it on
 * the same server and members, the "real program" (bench/real-program.ts: 12 campaigns and 4 tiers
 * published over the API, receipts of 8–20 lines from real baskets, members named by phone, 30 %
 * anonymous, a third of member receipts spending points). BENCH_STEPS picks the steps to run.
 * Each step also records the server's CPU, event-loop utilisation and memory (bench/probe.mjs is
 * preloaded into it), PostgreSQL's CPU, what the database's backends wait on, and the CPU that
 * everything else on the machine took (other people's tests; a step first waits a little for the
 * machine to quiet down). Prints a results table and writes it into bench/RESULTS.md between the
 * markers. Everything it creates (databases, servers, temp dirs) is removed at the end, also on
 * failure.
 *
 * `--profile`: instead, runs a purchase load and a balance load on PostgreSQL and a purchase load
 * on PGlite with the server under `node --cpu-prof`, and prints (and keeps, in
 * bench/.profiles/RUN/summary.txt) the self time by package and the top functions.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { loadMembers, type Exec, type LoadedMember } from './load-members.js';
import { startCountingProxy, type StatementCount } from './pg-proxy.js';
import { contextSwitchesOf, cpuMsOf, cpuWindow, machineCpuMs, memoryOf, type CpuWindow } from './procfs.js';
import { summariseProfile } from './profile-summary.js';
import { purchaseSource, runLoad, type LoadResult } from './purchases.js';
import { publishProgram, readBaskets, realProgram, realSource, REAL_MIX, TIER_SHARES } from './real-program.js';
import { SERVER_HEAP_MB, serverNodeFlags } from '../src/config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const list = (name: string, fallback: number[]) => (env[name] ? env[name]!.split(/[ ,]+/).filter(Boolean).map(Number) : fallback);

/**
 * Which steps run (BENCH_STEPS, names separated by spaces or commas; default all): mix (the simple
 * purchase mix), real (the real program), balance (balance reads), roundtrips (round trips per
 * request through a counting proxy), pgbench, pglite (the PGlite phase: the mix and the real
 * program as chosen). mix, real, balance and roundtrips are the PostgreSQL phase.
 */
const STEP_NAMES = ['mix', 'real', 'balance', 'roundtrips', 'pgbench', 'pglite'] as const;
type StepName = (typeof STEP_NAMES)[number];
function benchSteps(): Set<StepName> {
  if (!env.BENCH_STEPS) return new Set(STEP_NAMES);
  const names = env.BENCH_STEPS.split(/[ ,]+/).filter(Boolean);
  const bad = names.filter((n) => !(STEP_NAMES as readonly string[]).includes(n));
  if (bad.length) throw new Error(`BENCH_STEPS: unknown step(s) ${bad.join(', ')}; the steps are ${STEP_NAMES.join(', ')}`);
  return new Set(names as StepName[]);
}
const runs = (name: StepName) => CFG.steps.has(name);

const CFG = {
  serverMain: env.BENCH_SERVER_MAIN ?? path.join(here, '.build', 'cli', 'main.js'),
  pgBase: env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432',
  /**
   * How the server and pgbench reach PostgreSQL: `socket` (a Unix-domain socket in this directory,
   * as an application beside its database is deployed) or `tcp` (pgBase's host and port). The
   * same for both, so the ratio compares like with like. Default: the socket when it exists.
   */
  pgSocketDir: pgSocketDir(),
  members: num('BENCH_MEMBERS', 100_000),
  pgliteMembers: num('BENCH_PGLITE_MEMBERS', 10_000),
  duration: num('BENCH_DURATION', 12),
  warmup: num('BENCH_WARMUP', 3),
  concurrency: list('BENCH_CONCURRENCY', [8, 32, 64]),
  pgliteConcurrency: list('BENCH_PGLITE_CONCURRENCY', [8, 32, 64]),
  balanceConcurrency: num('BENCH_BALANCE_CONCURRENCY', 32),
  poolSize: num('BENCH_DB_POOL_SIZE', 20),
  pgbenchScale: num('BENCH_PGBENCH_SCALE', 10),
  pgbenchClients: num('BENCH_PGBENCH_CLIENTS', 32),
  pgbenchThreads: num('BENCH_PGBENCH_THREADS', 2),
  results: env.BENCH_RESULTS ?? path.join(here, 'RESULTS.md'),
  command: env.BENCH_COMMAND ?? 'bash bench/run.sh',
  profile: process.argv.includes('--profile'),
  steps: benchSteps(),
  /** The server's V8 flags: those `npm start` uses (src/config.ts) unless BENCH_SERVER_NODE_ARGS says otherwise ('' for none). */
  serverNodeArgs: env.BENCH_SERVER_NODE_ARGS !== undefined ? env.BENCH_SERVER_NODE_ARGS.split(/\s+/).filter(Boolean) : serverNodeFlags(Number(env.SERVER_HEAP_MB) || SERVER_HEAP_MB),
};
function pgSocketDir(): string | null {
  const choice = env.BENCH_PG_TRANSPORT ?? 'auto';
  const dir = env.BENCH_PG_SOCKET_DIR ?? '/var/run/postgresql';
  if (choice === 'tcp') return null;
  if (choice !== 'socket' && choice !== 'auto') throw new Error(`BENCH_PG_TRANSPORT=${choice}: tcp, socket or auto`);
  const port = new URL(env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').port || '5432';
  if (fs.existsSync(path.join(dir, `.s.PGSQL.${port}`))) return dir;
  if (choice === 'socket') throw new Error(`BENCH_PG_TRANSPORT=socket but there is no socket in ${dir}`);
  return null;
}

/** The server's DATABASE_URL for a database: over the socket when one is used, else pgBase. */
function serverDbUrl(dbName: string): string {
  if (!CFG.pgSocketDir) return `${CFG.pgBase}/${dbName}`;
  const u = new URL(CFG.pgBase);
  return `postgres://${u.username || 'postgres'}@localhost:${u.port || '5432'}/${dbName}?host=${encodeURIComponent(CFG.pgSocketDir)}`;
}

const TARGETS = { pgRatio: 0.5, pgP99: 25, pglite: 800, balance: 10_000, rssMb: 300 };

const runId = (env.BENCH_RUN_ID ?? `${Date.now().toString(36)}${process.pid.toString(36)}`).toLowerCase().replace(/[^a-z0-9]/g, '');
/** run.sh's state directory: pids of the servers started here, for its own last-resort clean-up. */
const notePid = (pid: number | undefined) => {
  if (env.BENCH_STATE_DIR && pid) fs.appendFileSync(path.join(env.BENCH_STATE_DIR, 'pids'), `${pid}\n`);
};
const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---------------------------------------------------------------- clean-up of what we made

const cleanups: { name: string; fn: () => Promise<void> | void }[] = [];
const onCleanup = (name: string, fn: () => Promise<void> | void) => {
  const entry = { name, fn };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
    await fn();
  };
};
async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    const c = cleanups.pop()!;
    try {
      await c.fn();
    } catch (err) {
      console.error(`clean-up of ${c.name} failed: ${(err as Error).message}`);
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- databases

async function adminQuery(sql: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: `${CFG.pgBase}/postgres` });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

async function createDatabase(name: string): Promise<() => Promise<void>> {
  await adminQuery(`create database ${name}`);
  return onCleanup(`database ${name}`, async () => {
    await adminQuery(`drop database if exists ${name} with (force)`);
  });
}

// ---------------------------------------------------------------- the server

interface Server {
  pid: number;
  /** JSON lines from bench/probe.mjs in the server: event-loop utilisation and memory, per second. */
  probeFile: string;
  url: string;
  programId: string | null;
  apiKey: string | null;
  stop(): Promise<void>;
}

function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DATABASE_URL', 'DATA_DIR', 'PORT', 'HOST', 'LOG_LEVEL', 'JOB_INTERVAL_SECONDS', 'DB_POOL_SIZE']) delete e[k];
  return { ...e, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', JOB_INTERVAL_SECONDS: '0', ...extra };
}

let probeFiles = 0;
async function startServer(name: string, extraEnv: Record<string, string>, nodeArgs: string[] = []): Promise<Server> {
  const probeFile = path.join(env.BENCH_STATE_DIR ?? os.tmpdir(), `probe-${runId}-${++probeFiles}.jsonl`);
  onCleanup(`probe file ${probeFile}`, () => fs.rmSync(probeFile, { force: true }));
  const child: ChildProcess = spawn(process.execPath, [...CFG.serverNodeArgs, ...nodeArgs, '--import', path.join(here, 'probe.mjs'), CFG.serverMain, 'serve'], {
    env: serverEnv({ ...extraEnv, BENCH_PROBE_FILE: probeFile }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  notePid(child.pid);
  let out = '';
  let programId: string | null = null;
  let apiKey: string | null = null;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exit;
    clearTimeout(timer);
  };
  const unregister = onCleanup(`server ${name}`, stop);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server ${name} did not start in 60 s:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      if (out.length < 100_000) out += chunk.toString();
      programId ??= /program id:\s+(\S+)/.exec(out)?.[1] ?? null;
      apiKey ??= /admin API key:\s+(\S+)/.exec(out)?.[1] ?? null;
      const m = /listens on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server ${name} exited with ${code}:\n${out}`));
    });
  });
  log(`server ${name} (pid ${child.pid}) listens on ${url}`);
  return {
    pid: child.pid!,
    probeFile,
    url,
    programId,
    apiKey,
    stop: async () => {
      await unregister();
      if (out.includes('"level":50') || out.includes('"level":60')) log(`server ${name} logged errors:\n${out.slice(-3_000)}`);
    },
  };
}

function runCli(args: string[], extraEnv: Record<string, string>): { code: number; output: string } {
  const r = spawnSync(process.execPath, [CFG.serverMain, ...args], { env: serverEnv(extraEnv), encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

// ---------------------------------------------------------------- measuring

interface Step extends LoadResult {
  phase: string;
  cpu: CpuWindow;
  rssPeakMb: number | null;
  /** The server's event-loop utilisation over the step (1 = the JavaScript thread never idle). */
  elu: number | null;
  heapUsedMaxMb: number | null;
  /** The server's memory at the end of the step, from process.memoryUsage() (MiB). */
  memory: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number } | null;
  /** The server's context switches per request: voluntary (waited for I/O) and involuntary (preempted). */
  switches: { voluntary: number; involuntary: number };
  /** What the benchmark database's backends were doing, sampled every 100 ms: shares. */
  waits: { what: string; share: number }[];
}

interface ProbeLine {
  t: number;
  elu: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}
function probeLines(server: Server, from: number, to: number): ProbeLine[] {
  if (!fs.existsSync(server.probeFile)) return [];
  return fs
    .readFileSync(server.probeFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ProbeLine)
    .filter((p) => p.t > from + 1_000 && p.t <= to);
}

/** Samples pg_stat_activity of one database: wait events (or "CPU" for active, not waiting). */
async function waitSampler(dbName: string): Promise<{ stop(): Promise<{ what: string; share: number }[]> }> {
  const c = new pg.Client({ connectionString: `${CFG.pgBase}/postgres` });
  await c.connect();
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await c.query(
        `select case when state = 'active' and wait_event is null then 'active, on CPU'
                     when state = 'active' then 'active, waiting on ' || wait_event_type || ':' || wait_event
                     else coalesce(state, '?') end as what, count(*)::int as n
           from pg_stat_activity where datname = $1 and backend_type = 'client backend' group by 1`,
        [dbName],
      );
      samples++;
      for (const row of r.rows as { what: string; n: number }[]) counts.set(row.what, (counts.get(row.what) ?? 0) + row.n);
      await new Promise((res) => setTimeout(res, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await c.end();
      const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
      void samples;
      return [...counts.entries()].map(([what, n]) => ({ what, share: n / total })).sort((a, b) => b.share - a.share);
    },
  };
}

/** Runs one load step, measuring the server's CPU and peak RSS meanwhile. */
async function step(phase: string, server: Server, databases: string[], load: Parameters<typeof runLoad>[0]): Promise<Step> {
  let rssPeak: number | null = null;
  await awaitQuiet();
  const waits = databases[0] ? await waitSampler(databases[0]) : null;
  const t0 = Date.now();
  const sampler = setInterval(() => {
    const m = memoryOf(server.pid);
    if (m) rssPeak = Math.max(rssPeak ?? 0, m.rssMb);
  }, 250);
  const cs0 = contextSwitchesOf(server.pid);
  const cpu = cpuWindow(server.pid, databases);
  const r = await runLoad(load);
  const c = cpu.stop();
  const cs1 = contextSwitchesOf(server.pid);
  clearInterval(sampler);
  await new Promise((res) => setTimeout(res, 1_100)); // the probe's last line of the step
  const probe = probeLines(server, t0, Date.now() - 1_000);
  const w = waits ? await waits.stop() : [];
  const s: Step = {
    ...r,
    phase,
    cpu: c,
    rssPeakMb: rssPeak,
    elu: probe.length ? probe.reduce((a, p) => a + p.elu, 0) / probe.length : null,
    heapUsedMaxMb: probe.length ? Math.max(...probe.map((p) => p.heapUsed)) : null,
    memory: probe.length ? (({ rss, heapTotal, heapUsed, external, arrayBuffers }) => ({ rss, heapTotal, heapUsed, external, arrayBuffers }))(probe[probe.length - 1]!) : null,
    waits: w,
    switches: { voluntary: (cs1.voluntary - cs0.voluntary) / (r.ok || 1), involuntary: (cs1.involuntary - cs0.involuntary) / (r.ok || 1) },
  };
  log(
    `${phase} ${r.label} c=${r.connections}: ${r.rps.toFixed(0)}/s p50 ${r.p50} ms p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}; ` +
      `CPU server ${c.server.toFixed(0)} %, postgres ${c.postgres.toFixed(0)} %, autocannon ${c.loadGenerator.toFixed(0)} %, other ${c.other.toFixed(0)} %, machine ${c.machine.toFixed(0)} %, stolen by the hypervisor ${c.steal.toFixed(0)} %`,
  );
  const mm = s.memory;
  log(
    `  server event loop ${s.elu === null ? '?' : `${(100 * s.elu).toFixed(0)} % busy`}, RSS ≤ ${rssPeak === null ? '?' : (rssPeak as number).toFixed(0)} MiB; ` +
      (mm ? `at the end: RSS ${mm.rss}, V8 heap ${mm.heapUsed} used of ${mm.heapTotal}, external ${mm.external} (array buffers ${mm.arrayBuffers}) MiB` : ''),
  );
  if (w.length) log(`  backends: ${w.slice(0, 6).map((x) => `${x.what} ${(100 * x.share).toFixed(0)} %`).join(', ')}`);
  if (r.sampleError) log(`  sample non-2xx: ${r.sampleError}`);
  return s;
}

async function checkpoint(): Promise<void> {
  await adminQuery('checkpoint');
}

/**
 * Waits (up to BENCH_QUIET_WAIT seconds, default 15; BENCH_QUIET_BUDGET, default 60, in all) until the machine is nearly idle before a
 * step: other people's tests on the same machine would otherwise take CPU from the measurement.
 * Whatever still runs during a step shows in the "CPU other" column.
 */
let quietBudgetMs = num('BENCH_QUIET_BUDGET', 60) * 1_000;
async function awaitQuiet(): Promise<void> {
  const limit = Date.now() + Math.min(num('BENCH_QUIET_WAIT', 15) * 1_000, quietBudgetMs);
  let waited = 0;
  for (;;) {
    const m0 = machineCpuMs();
    await new Promise((r) => setTimeout(r, 1_000));
    const busy = (100 * (machineCpuMs().busy - m0.busy)) / 1_000;
    if (busy < 25 || Date.now() > limit) {
      quietBudgetMs -= waited * 1_000;
      if (waited > 0) log(`waited ${waited} s for the machine to quiet down (now ${busy.toFixed(0)} % of a core busy)`);
      return;
    }
    waited++;
  }
}

/** One purchase by hand first: a broken setup fails here with its answer, not as 100 % non-2xx. */
async function smokeTest(server: Server, members: LoadedMember[]): Promise<void> {
  const body = purchaseSource(members, `${runId}-smoke-${server.pid}`).next();
  const res = await fetch(`${server.url}/v1/purchases`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body });
  if (res.status !== 201) throw new Error(`a single purchase failed: ${res.status} ${await res.text()}`);
}

const purchaseLoad = (server: Server, source: { next(): string }, connections: number, duration: number, label = 'purchases') => ({
  label,
  url: server.url,
  apiKey: server.apiKey!,
  connections,
  duration,
  request: () => ({ method: 'POST' as const, path: '/v1/purchases', body: source.next() }),
});

// ---------------------------------------------------------------- the real program

const REAL_LABEL = 'real program';
const REAL_SAMPLE = 60;

/** What a sample of the real program's receipts came to, sent one at a time before its load. */
interface RealSample {
  receipts: number;
  version: number;
  linesPerReceipt: number;
  kinds: { anonymous: number; earn: number; spend: number };
  /** Campaigns that gave something, per receipt. */
  campaignsPerReceipt: number;
  /** Campaign and tier money off, as a share of the receipts' totals. */
  discountShare: number;
  /** Receipts each campaign gave something on. */
  byCampaign: Record<string, number>;
  /** Member receipts by the tier they were evaluated with. */
  tiers: Record<string, number>;
}

let baskets: string[][] | null = null;
const groceryBaskets = () => (baskets ??= readBaskets());

/**
 * Publishes the real program on a running server over its API, then sends a sample of receipts
 * one at a time (a broken setup fails here with its answer) and tallies what they got.
 */
async function setUpRealProgram(server: Server, members: LoadedMember[], tag: string): Promise<{ source: ReturnType<typeof realSource>; sample: RealSample }> {
  const version = await publishProgram(server.url, server.apiKey!, realProgram());
  log(`the real program published as rules version ${version}: ${realProgram().campaigns.length} campaigns, ${realProgram().tiers.length} tiers`);
  const source = realSource(members, groceryBaskets(), `${runId}-${tag}`);
  const sample: RealSample = { receipts: 0, version, linesPerReceipt: 0, kinds: { anonymous: 0, earn: 0, spend: 0 }, campaignsPerReceipt: 0, discountShare: 0, byCampaign: {}, tiers: {} };
  let total = 0;
  let discount = 0;
  for (let i = 0; i < REAL_SAMPLE; i++) {
    const receipt = source.receipt(i < 3 ? (['anonymous', 'earn', 'spend'] as const)[i] : undefined);
    const res = await fetch(`${server.url}/v1/purchases`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(receipt) });
    if (res.status !== 201) throw new Error(`a real-program purchase failed: ${res.status} ${await res.text()}\n${JSON.stringify(receipt)}`);
    const r = (await res.json()) as { total: number; discountTotal: number; effects: { campaignId: string | null }[]; tier: { id: string } | null; memberId: string | null; pointsSpent: number };
    sample.receipts++;
    sample.linesPerReceipt += (receipt.lines as unknown[]).length;
    sample.kinds[r.memberId === null ? 'anonymous' : r.pointsSpent > 0 ? 'spend' : 'earn']++;
    const applied = new Set(r.effects.map((e) => e.campaignId).filter((id): id is string => id !== null));
    sample.campaignsPerReceipt += applied.size;
    for (const id of applied) sample.byCampaign[id] = (sample.byCampaign[id] ?? 0) + 1;
    if (r.memberId !== null) sample.tiers[r.tier?.id ?? 'none'] = (sample.tiers[r.tier?.id ?? 'none'] ?? 0) + 1;
    total += r.total;
    discount += r.discountTotal;
  }
  sample.linesPerReceipt /= sample.receipts;
  sample.campaignsPerReceipt /= sample.receipts;
  sample.discountShare = discount / total;
  log(
    `real program, ${sample.receipts} receipts one at a time: ${sample.linesPerReceipt.toFixed(1)} lines, ${sample.campaignsPerReceipt.toFixed(1)} campaigns applied a receipt, ` +
      `${(100 * sample.discountShare).toFixed(1)} % off; anonymous/earn/spend ${sample.kinds.anonymous}/${sample.kinds.earn}/${sample.kinds.spend}; tiers ${JSON.stringify(sample.tiers)}`,
  );
  return { source, sample };
}

// ---------------------------------------------------------------- phases

interface RoundTrips {
  label: string;
  requests: number;
  perRequest: number;
  /** Statements per request (more than round trips where they are pipelined). */
  statementsPerRequest: number;
  statements: StatementCount[];
}

interface PgPhase {
  /** The simple mix, by concurrency. */
  steps: Step[];
  /** The real program, by concurrency. */
  realSteps: Step[];
  realSample: RealSample | null;
  balance: Step | null;
  rss: { idleMb: number; peakMb: number; hwmMb: number };
  roundTrips: RoundTrips[];
  verify: { code: number; output: string };
  /** Rows in purchases and anonymous_purchases. */
  purchasesInDb: number;
  purchasesAnswered: number;
  /** Requests that may have been in flight when timed purchase steps stopped. */
  inFlightAtStops: number;
}

/**
 * Round trips per request through a counting proxy, with a server of its own on the same database
 * (a short run at concurrency 4 after 8 requests that warm its caches). Returns the purchases it made.
 */
async function countRoundTrips(dbUrl: string, apiKey: string, loads: { label: string; purchases: boolean; request: () => { method: 'POST' | 'GET'; path: string; body?: string } }[]): Promise<{ trips: RoundTrips[]; purchases: number }> {
  log('counting round trips per request through a proxy');
  const proxy = await startCountingProxy({ host: new URL(CFG.pgBase).hostname, port: Number(new URL(CFG.pgBase).port || 5432) });
  const closeProxy = onCleanup('proxy', () => proxy.close());
  const viaProxyUrl = new URL(dbUrl);
  viaProxyUrl.port = String(proxy.port);
  const diag = await startServer('postgres via proxy', { DATABASE_URL: viaProxyUrl.toString(), DB_POOL_SIZE: '4' });
  diag.apiKey = apiKey;
  const trips: RoundTrips[] = [];
  let purchases = 0;
  for (const l of loads) {
    const base = { label: l.label, url: diag.url, apiKey, connections: 4, request: l.request };
    const warm = await runLoad({ ...base, amount: 8 }); // caches warm
    proxy.reset();
    const r = await runLoad({ ...base, amount: 400 });
    if (l.purchases) purchases += warm.ok + r.ok;
    trips.push({ label: r.label, requests: r.ok, perRequest: proxy.roundTrips() / r.ok, statementsPerRequest: proxy.statementsSent() / r.ok, statements: proxy.statements() });
  }
  await diag.stop();
  await closeProxy();
  return { trips, purchases };
}

async function pgPhase(): Promise<PgPhase> {
  const dbName = `kopilka_bench_${runId}`;
  const dropDb = await createDatabase(dbName);
  const dbUrl = `${CFG.pgBase}/${dbName}`;
  const server = await startServer('postgres', { DATABASE_URL: serverDbUrl(dbName), DB_POOL_SIZE: String(CFG.poolSize) });
  if (!server.programId || !server.apiKey) throw new Error('the server did not print a program id and admin key');
  const apiKey = server.apiKey;

  log(`loading ${CFG.members} members into PostgreSQL`);
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const t0 = Date.now();
  const members = await loadMembers((sql, params) => client.query(sql, params), { programId: server.programId, count: CFG.members, tiers: TIER_SHARES });
  await client.end();
  log(`loaded ${members.length} members in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  await smokeTest(server, members);
  let answered = 1;
  let inFlight = 0;
  const idle = memoryOf(server.pid)!;
  const steps: Step[] = [];
  if (runs('mix')) {
    const source = purchaseSource(members, `${runId}-pg`);
    const warm = await runLoad(purchaseLoad(server, source, 16, CFG.warmup, 'warm-up'));
    answered += warm.ok;
    inFlight += 16;
    for (const c of CFG.concurrency) {
      await checkpoint();
      const s = await step('PostgreSQL', server, [dbName], purchaseLoad(server, source, c, CFG.duration));
      answered += s.ok;
      inFlight += c;
      steps.push(s);
    }
  }
  const balanceRead = () => ({ method: 'GET' as const, path: `/v1/members/${members[Math.floor(Math.random() * members.length)]!.memberId}/balance` });
  let balance: Step | null = null;
  if (runs('balance')) {
    await checkpoint();
    balance = await step('PostgreSQL', server, [dbName], { label: 'balance', url: server.url, apiKey, connections: CFG.balanceConcurrency, duration: CFG.duration, request: balanceRead });
  }

  // Round trips of the simple mix, before the real program's rules are published.
  const roundTrips: RoundTrips[] = [];
  if (runs('roundtrips')) {
    const spend = purchaseSource(members, `${runId}-rt-spend`, 'spend');
    const earn = purchaseSource(members, `${runId}-rt-earn`, 'earn');
    const post = (src: { next(): string }) => () => ({ method: 'POST' as const, path: '/v1/purchases', body: src.next() });
    const rt = await countRoundTrips(dbUrl, apiKey, [
      ...(runs('mix') ? [{ label: 'purchase (spends 10 points and earns)', purchases: true, request: post(spend) }, { label: 'purchase (earns only)', purchases: true, request: post(earn) }] : []),
      { label: 'balance read', purchases: false, request: balanceRead },
    ]);
    roundTrips.push(...rt.trips);
    answered += rt.purchases;
  }

  // The real program on the same server and members, after the simple mix.
  const realSteps: Step[] = [];
  let realSample: RealSample | null = null;
  if (runs('real')) {
    const real = await setUpRealProgram(server, members, 'pg');
    realSample = real.sample;
    answered += real.sample.receipts;
    const warm = await runLoad(purchaseLoad(server, real.source, 16, CFG.warmup, 'warm-up'));
    answered += warm.ok;
    inFlight += 16;
    for (const c of CFG.concurrency) {
      await checkpoint();
      const s = await step('PostgreSQL', server, [dbName], purchaseLoad(server, real.source, c, CFG.duration, REAL_LABEL));
      answered += s.ok;
      inFlight += c;
      realSteps.push(s);
    }
    if (runs('roundtrips')) {
      const src = realSource(members, groceryBaskets(), `${runId}-rt-real`);
      const rt = await countRoundTrips(dbUrl, apiKey, [{ label: `purchase (the real program: ${100 * REAL_MIX.anonymous} % anonymous, a third of the rest spending)`, purchases: true, request: () => ({ method: 'POST', path: '/v1/purchases', body: src.next() }) }]);
      roundTrips.push(...rt.trips);
      answered += rt.purchases;
    }
  }
  const mem = memoryOf(server.pid)!;
  const peak = Math.max(...[...steps, ...realSteps, ...(balance ? [balance] : [])].map((s) => s.rssPeakMb ?? 0), 0);
  await server.stop();

  const count = await (async () => {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    try {
      return Number((await c.query('select (select count(*) from purchases)::int + (select count(*) from anonymous_purchases)::int as n')).rows[0].n);
    } finally {
      await c.end();
    }
  })();
  log('kopilka verify on the PostgreSQL database');
  const verify = runCli(['verify'], { DATABASE_URL: dbUrl });
  log(verify.output.split('\n').slice(-1)[0] ?? '');
  await dropDb();
  return { steps, realSteps, realSample, balance, rss: { idleMb: idle.rssMb, peakMb: peak, hwmMb: mem.hwmMb }, roundTrips, verify, purchasesInDb: count, purchasesAnswered: answered, inFlightAtStops: inFlight };
}

interface PgbenchResult {
  tps: number;
  latencyMs: number;
  cpu: CpuWindow;
  command: string;
}

function pgbenchBinary(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  const fixed = '/usr/lib/postgresql/15/bin/pgbench';
  if (fs.existsSync(fixed)) return fixed;
  throw new Error('pgbench not found');
}

async function runProcess(cmd: string, args: string[], onSpawn?: (pid: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) onSpawn?.(child.pid);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
}

async function pgbenchPhase(): Promise<PgbenchResult> {
  const bin = pgbenchBinary();
  const dbName = `kopilka_bench_pgbench_${runId}`;
  const dropDb = await createDatabase(dbName);
  const u = new URL(CFG.pgBase);
  const conn = ['-h', CFG.pgSocketDir ?? u.hostname, '-p', u.port || '5432', '-U', u.username || 'postgres'];
  log(`pgbench: initialising scale ${CFG.pgbenchScale}`);
  await runProcess(bin, ['-i', '-q', '-s', String(CFG.pgbenchScale), ...conn, dbName]);
  await checkpoint();
  await awaitQuiet();
  const args = ['-c', String(CFG.pgbenchClients), '-j', String(CFG.pgbenchThreads), '-T', String(CFG.duration), ...conn, dbName];
  const cpu = cpuWindow(null, [dbName]);
  let pgbenchMs = 0;
  let poller: NodeJS.Timeout | undefined;
  const t0 = Date.now();
  const out = await runProcess(bin, args, (pid) => {
    poller = setInterval(() => (pgbenchMs = Math.max(pgbenchMs, cpuMsOf(pid))), 250);
  });
  clearInterval(poller);
  const c = cpu.stop();
  // pgbench itself is the load generator here (its CPU is polled while it runs).
  c.loadGenerator = (100 * pgbenchMs) / (Date.now() - t0);
  c.other = Math.max(0, c.machine - c.postgres - c.loadGenerator);
  await dropDb();
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? /tps = ([\d.]+)/.exec(out)?.[1]);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1] ?? NaN);
  if (!Number.isFinite(tps)) throw new Error(`could not read pgbench's tps:\n${out}`);
  log(`pgbench TPC-B: ${tps.toFixed(0)} tps, latency average ${latencyMs} ms; CPU postgres ${c.postgres.toFixed(0)} %, pgbench ${c.loadGenerator.toFixed(0)} %, other ${c.other.toFixed(0)} %, machine ${c.machine.toFixed(0)} %, stolen ${c.steal.toFixed(0)} %`);
  return { tps, latencyMs, cpu: c, command: `pgbench ${args.slice(0, 6).join(' ')} (after pgbench -i -s ${CFG.pgbenchScale})` };
}

interface PgliteRun {
  steps: Step[];
  realSteps: Step[];
  realSample: RealSample | null;
  rss: { peakMb: number; hwmMb: number };
  verify: { code: number; output: string };
}

async function pglitePhase(nodeArgs: string[] = [], which = { mix: runs('mix'), real: runs('real') }): Promise<PgliteRun> {
  const dir = fs.mkdtempSync(path.join(env.BENCH_STATE_DIR ?? os.tmpdir(), 'kopilka-bench-'));
  const removeDir = onCleanup(`temp dir ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  const dataDir = path.join(dir, 'data');
  // First start: migrates, makes the program and prints its admin key; then stop, bulk-load
  // the members straight into the data directory, and start again.
  const first = await startServer('pglite (first start)', { DATA_DIR: dataDir });
  const { programId, apiKey } = first;
  await first.stop();
  if (!programId || !apiKey) throw new Error('the PGlite server did not print a program id and admin key');
  log(`loading ${CFG.pgliteMembers} members into PGlite`);
  const db = await PGlite.create({ dataDir });
  const exec: Exec = async (sql, params) => ({ rows: (await db.query<Record<string, unknown>>(sql, params ?? [])).rows });
  const members = await loadMembers(exec, { programId, count: CFG.pgliteMembers, tiers: TIER_SHARES });
  await db.close();

  const server = await startServer('pglite', { DATA_DIR: dataDir }, nodeArgs);
  server.programId = programId;
  server.apiKey = apiKey;
  await smokeTest(server, members);
  const steps: Step[] = [];
  if (which.mix) {
    const source = purchaseSource(members, `${runId}-pglite`);
    await runLoad(purchaseLoad(server, source, 16, CFG.warmup, 'warm-up'));
    for (const c of CFG.pgliteConcurrency) steps.push(await step('PGlite', server, [], purchaseLoad(server, source, c, CFG.duration)));
  }
  // The real program on the same server and members, after the simple mix.
  const realSteps: Step[] = [];
  let realSample: RealSample | null = null;
  if (which.real) {
    const real = await setUpRealProgram(server, members, 'pglite');
    realSample = real.sample;
    await runLoad(purchaseLoad(server, real.source, 16, CFG.warmup, 'warm-up'));
    for (const c of CFG.pgliteConcurrency) realSteps.push(await step('PGlite', server, [], purchaseLoad(server, real.source, c, CFG.duration, REAL_LABEL)));
  }
  const mem = memoryOf(server.pid)!;
  await server.stop();
  log('kopilka verify on the PGlite data directory');
  const verify = runCli(['verify'], { DATA_DIR: dataDir });
  log(verify.output.split('\n').slice(-1)[0] ?? '');
  await removeDir();
  return { steps, realSteps, realSample, rss: { peakMb: Math.max(...[...steps, ...realSteps].map((s) => s.rssPeakMb ?? 0), 0), hwmMb: mem.hwmMb }, verify };
}

// ---------------------------------------------------------------- report

function codeVersion(): string {
  const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const head = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
  return head ? `commit ${head}${dirty ? ` with ${dirty} uncommitted change(s) in src/` : ''}` : 'unknown (no git)';
}

function machineFacts(pgVersion: string) {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: `${os.availableParallelism()} × ${os.cpus()[0]?.model.trim() ?? '?'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    postgres: pgVersion,
    os: `${os.type()} ${os.release()}`,
  };
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

function render(pgv: string, pgp: PgPhase | null, bench: PgbenchResult | null, lite: PgliteRun | null): string {
  const m = machineFacts(pgv);
  const rows: string[] = [];
  const header = '| run | conc. | req/s | p50 ms | p99 ms | non-2xx | errors | CPU server | CPU postgres | CPU load gen. | CPU other | CPU machine | ÷ pgbench TPS |';
  rows.push(header, '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const ratio = (s: Step) => (bench ? `${(s.rps / bench.tps).toFixed(2)} ×` : '–');
  const line = (s: Step, r: string) =>
    `| ${s.phase} ${s.label} | ${s.connections} | ${f0(s.rps)} | ${s.p50} | ${s.p99} | ${s.non2xx} | ${s.errors} | ${f0(s.cpu.server)} % | ${f0(s.cpu.postgres)} % | ${f0(s.cpu.loadGenerator)} % | ${f0(s.cpu.other)} % | ${f0(s.cpu.machine)} % | ${r} |`;
  const pgSteps = pgp ? [...pgp.steps, ...pgp.realSteps] : [];
  const liteSteps = lite ? [...lite.steps, ...lite.realSteps] : [];
  const everyStep = [...pgSteps, ...(pgp?.balance ? [pgp.balance] : []), ...liteSteps];
  for (const s of pgSteps) rows.push(line(s, ratio(s)));
  if (pgp?.balance) rows.push(line(pgp.balance, ''));
  if (bench)
    rows.push(`| pgbench TPC-B (${CFG.pgbenchClients} clients, ${CFG.pgbenchThreads} threads, scale ${CFG.pgbenchScale}) | ${CFG.pgbenchClients} | ${f0(bench.tps)} | avg ${bench.latencyMs} | | | | | ${f0(bench.cpu.postgres)} % | ${f0(bench.cpu.loadGenerator)} % | ${f0(bench.cpu.other)} % | ${f0(bench.cpu.machine)} % | 1.00 × |`);
  for (const s of liteSteps) rows.push(line(s, ''));

  // The simple mix and the real program side by side, per engine and concurrency.
  const perPurchase = (s: Step, cpu: number) => `${((10 * cpu) / s.rps).toFixed(2)} ms`;
  const side = (s: Step | undefined, lite: boolean) =>
    s ? `${f0(s.rps)} | ${s.p50} / ${s.p99} | ${lite ? '' : ratio(s)} | ${perPurchase(s, s.cpu.server)} | ${lite ? '(in the server)' : perPurchase(s, s.cpu.postgres)}` : '– | – | – | – | –';
  const versus = [
    '| engine | conc. | simple mix: purchases/s | p50 / p99 ms | × pgbench | server CPU / purchase | PostgreSQL CPU / purchase | real program: purchases/s | p50 / p99 ms | × pgbench | server CPU / purchase | PostgreSQL CPU / purchase |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [engine, run, levels] of [['PostgreSQL', pgp, CFG.concurrency], ['PGlite', lite, CFG.pgliteConcurrency]] as const) {
    if (!run || (run.steps.length === 0 && run.realSteps.length === 0)) continue;
    for (const c of levels) versus.push(`| ${engine} | ${c} | ${side(run.steps.find((s) => s.connections === c), engine === 'PGlite')} | ${side(run.realSteps.find((s) => s.connections === c), engine === 'PGlite')} |`);
  }
  const samples: [string, RealSample | null | undefined][] = [
    ['PostgreSQL', pgp?.realSample],
    ['PGlite', lite?.realSample],
  ];
  const sampleText = samples
    .filter((x): x is [string, RealSample] => !!x[1])
    .map(([engine, r]) => {
      const byCampaign = Object.entries(r.byCampaign)
        .sort((a, b) => b[1] - a[1])
        .map(([id, n]) => `${id} ${n}`)
        .join(', ');
      const tiers = Object.entries(r.tiers)
        .map(([id, n]) => `${id} ${n}`)
        .join(', ');
      return `${engine}: rules version ${r.version}; ${r.receipts} receipts sent one at a time before the load (the first three one of each kind): ${r.linesPerReceipt.toFixed(1)} lines a receipt, ${r.kinds.anonymous} anonymous, ${r.kinds.earn} earning only, ${r.kinds.spend} spending; ${r.campaignsPerReceipt.toFixed(1)} campaigns applied a receipt, campaigns' and tiers' money off ${(100 * r.discountShare).toFixed(1)} % of the totals; receipts per campaign: ${byCampaign || 'none'}; member receipts by tier: ${tiers}.`;
    });

  // Where the time goes: CPU per request in the server and in PostgreSQL, the server's event
  // loop, and what the database's backends were doing.
  const cost = [
    '| run | conc. | server event loop busy | server CPU per request | server preempted per request | PostgreSQL CPU per request | backends: idle in transaction / active / waiting on WAL | server memory at the end (RSS / V8 heap used / heap total) |',
    '|---|---:|---:|---:|---:|---:|---|---|',
  ];
  const share = (s: Step, f: (w: string) => boolean) => s.waits.filter((w) => f(w.what)).reduce((a, w) => a + w.share, 0);
  const pc = (x: number) => `${(100 * x).toFixed(0)} %`;
  for (const s of everyStep) {
    cost.push(
      `| ${s.phase} ${s.label} | ${s.connections} | ${s.elu === null ? '–' : pc(s.elu)} | ${((10 * s.cpu.server) / s.rps).toFixed(2)} ms | ${s.switches.involuntary.toFixed(1)} × | ${s.phase === 'PGlite' ? '(inside the server)' : `${((10 * s.cpu.postgres) / s.rps).toFixed(2)} ms`} | ${
        s.waits.length ? `${pc(share(s, (w) => w === 'idle in transaction'))} / ${pc(share(s, (w) => w.startsWith('active')))} / ${pc(share(s, (w) => w.includes('WAL')))}` : '–'
      } | ${s.memory ? `${s.memory.rss} / ${s.memory.heapUsed} / ${s.memory.heapTotal} MiB` : '–'} |`,
    );
  }
  if (bench) cost.push(`| pgbench TPC-B | ${CFG.pgbenchClients} | | | | ${((10 * bench.cpu.postgres) / bench.tps).toFixed(2)} ms (pgbench itself ${((10 * bench.cpu.loadGenerator) / bench.tps).toFixed(2)} ms) | | |`);

  const targets = ['| target | measured | |', '|---|---|---|'];
  if (pgp && pgp.steps.length > 0) {
    const best = pgp.steps.filter((s) => s.p99 <= TARGETS.pgP99).sort((a, b) => b.rps - a.rps)[0];
    const bestAny = [...pgp.steps].sort((a, b) => b.rps - a.rps)[0]!;
    const times = (s: Step) => (bench ? ` = ${(s.rps / bench.tps).toFixed(2)} ×` : '');
    targets.push(
      `| purchases (simple mix) on PostgreSQL ≥ ${TARGETS.pgRatio} × pgbench TPS with p99 ≤ ${TARGETS.pgP99} ms | ${
        best ? `${f0(best.rps)}/s at c=${best.connections} (p99 ${best.p99} ms)${bench ? `${times(best)} ${f0(bench.tps)} tps` : ' (pgbench not run)'}` : `no level had p99 ≤ ${TARGETS.pgP99} ms`
      }; best at any p99: ${f0(bestAny.rps)}/s at c=${bestAny.connections} (p99 ${bestAny.p99} ms)${times(bestAny)} | ${bench ? mark(!!best && best.rps >= TARGETS.pgRatio * bench.tps) : '–'} |`,
    );
  }
  if (lite && lite.steps.length > 0) {
    const bestLite = [...lite.steps].sort((a, b) => b.rps - a.rps)[0]!;
    targets.push(`| purchases (simple mix) on PGlite ≥ ${TARGETS.pglite}/s | ${f0(bestLite.rps)}/s at c=${bestLite.connections} (p99 ${bestLite.p99} ms) | ${mark(bestLite.rps >= TARGETS.pglite)} |`);
  }
  if (pgp?.balance) targets.push(`| balance reads on PostgreSQL ≥ ${TARGETS.balance}/s | ${f0(pgp.balance.rps)}/s at c=${pgp.balance.connections} (p99 ${pgp.balance.p99} ms) | ${mark(pgp.balance.rps >= TARGETS.balance)} |`);
  if (pgp)
    targets.push(
      `| server RSS under load on PostgreSQL < ${TARGETS.rssMb} MB | peak VmRSS ${f0(pgp.rss.peakMb)} MiB, VmHWM ${f0(pgp.rss.hwmMb)} MiB (idle after start and load: ${f0(pgp.rss.idleMb)} MiB) | ${mark(pgp.rss.hwmMb < TARGETS.rssMb)} |`,
    );
  const rt = (pgp?.roundTrips ?? []).map((r) => {
    const stmts = r.statements
      .map((s) => ({ ...s, per: s.count / r.requests }))
      .filter((s) => s.per >= 0.05)
      .map((s) => `${s.statement}${Math.abs(s.per - 1) < 0.02 ? '' : ` ×${s.per.toFixed(2)}`} (${s.meanMs.toFixed(2)} ms)`);
    const dbMs = r.statements.reduce((a, s) => a + s.count * s.meanMs, 0) / r.requests;
    return `- ${r.label}: **${r.perRequest.toFixed(2)} round trips** to PostgreSQL per request carrying ${r.statementsPerRequest.toFixed(2)} statements, ${dbMs.toFixed(2)} ms from each statement to its answer summed over the statements (${r.requests} requests at concurrency 4): ${stmts.join('; ')}`;
  });
  const nonOk = everyStep.filter((s) => s.non2xx > 0 || s.errors > 0);
  const ran = [...CFG.steps].join(' ');
  const out = [
    `Run ${m.date} — \`${CFG.command}\` — code measured: ${codeVersion()} (built into bench/.build at the start of the run).${CFG.steps.size < STEP_NAMES.length ? ` Steps run: ${ran} (BENCH_STEPS).` : ''}`,
    '',
    `Machine: ${m.cpus} (nproc ${os.availableParallelism()}), ${m.memory} RAM, ${m.os}; Node ${m.node}; ${m.postgres}. ` +
      `Server started with ${CFG.serverNodeArgs.length ? `\`node ${CFG.serverNodeArgs.join(' ')}\`` : 'no V8 flags'}${CFG.serverNodeArgs.join(' ') === serverNodeFlags().join(' ') ? ' (as `npm start` does)' : ''}. ` +
      `Server, PostgreSQL and the load generator (autocannon, in one Node process) share the machine. ` +
      `Members: ${CFG.members.toLocaleString('en')} on PostgreSQL, ${CFG.pgliteMembers.toLocaleString('en')} on PGlite, each with a phone, half with 5,000 spendable points, their wallets holding the real program's tiers (${TIER_SHARES.map((t) => `${t.id} ${t.percent} %`).join(', ')}; unused by the simple mix, which runs with no tiers). ` +
      `Each step ${CFG.duration} s after a ${CFG.warmup} s warm-up; server pool DB_POOL_SIZE=${CFG.poolSize}; server and pgbench reach PostgreSQL ${CFG.pgSocketDir ? `over its Unix-domain socket (${CFG.pgSocketDir})` : 'over TCP on loopback'}; PostgreSQL durable (fsync on, synchronous_commit on). ` +
      (runs('mix') ? `Simple mix: 5-line receipts by member id, every second one spends 10 points, no campaigns or tiers. ` : '') +
      (!runs('real') ? '' : `Real program (${runs('mix') ? 'after the simple mix, on the same server and members' : 'with no simple mix before it'}; bench/real-program.ts): 12 campaigns and 4 tiers by spend published over the API; receipts of 8–20 lines from the real baskets of ../shared/data/groceries (short baskets padded with further baskets), ${100 * REAL_MIX.anonymous} % anonymous, the rest naming the member by phone, a third of those spending points. `) +
      `CPU columns are shares of one core (200 % = the whole machine); "postgres" counts PostgreSQL's own processes and the backends of the benchmark's database, "other" is everything else that ran meanwhile on the machine.`,
    '',
    ...rows,
    '',
    ...(versus.length > 2 ? [...versus, ''] : []),
    ...(sampleText.length ? [`The real program's receipts — ${sampleText.join(' ')}`, ''] : []),
    ...(targets.length > 2 ? [...targets, ''] : []),
    ...cost,
    '',
    `Time stolen by the hypervisor during the steps (share of one core): ${everyStep.map((s) => `${s.cpu.steal.toFixed(0)} %`).join(', ')}${bench ? `; pgbench ${bench.cpu.steal.toFixed(0)} %` : ''}.`,
    '',
    `Non-2xx answers: ${nonOk.length === 0 ? 'none in any step.' : nonOk.map((s) => `${s.phase} ${s.label} c=${s.connections}: ${s.non2xx} non-2xx ${JSON.stringify(s.statusCodes)}, ${s.errors} errors; sample: \`${s.sampleError}\``).join('; ')}`,
    '',
    ...(pgp
      ? [
          `Purchases answered 2xx on PostgreSQL: ${pgp.purchasesAnswered}; rows in \`purchases\` and \`anonymous_purchases\`: ${pgp.purchasesInDb}` +
            (pgp.purchasesInDb >= pgp.purchasesAnswered && pgp.purchasesInDb - pgp.purchasesAnswered <= pgp.inFlightAtStops
              ? ` (the ${pgp.purchasesInDb - pgp.purchasesAnswered} more are requests in flight when timed steps stopped, at most ${pgp.inFlightAtStops}: autocannon does not count their answers).`
              : ' (**they do not match**).'),
          '',
        ]
      : []),
    `\`kopilka verify\`${pgp ? ` after the PostgreSQL run: ${pgp.verify.output.split('\n').slice(-1)[0]} (exit ${pgp.verify.code})` : ''}${pgp && lite ? ';' : ''}${lite ? ` after the PGlite run: ${lite.verify.output.split('\n').slice(-1)[0]} (exit ${lite.verify.code})` : ''}${pgp || lite ? '.' : ' not run.'}`,
    ...(rt.length
      ? [
          '',
          'Round trips (counted by a proxy on the PostgreSQL wire protocol: a statement is a simple query or an extended-protocol Sync, and a round trip begins with a statement sent while the connection waits for no answer — statements pipelined behind it ride in it; in brackets the mean time from the statement to PostgreSQL\'s ReadyForQuery as the proxy sees it):',
          '',
          ...rt,
        ]
      : []),
  ];
  return out.join('\n');
}

function writeResults(section: string): void {
  const start = '<!-- bench:results:start -->';
  const end = '<!-- bench:results:end -->';
  let text = fs.existsSync(CFG.results) ? fs.readFileSync(CFG.results, 'utf8') : `# Benchmark results\n\n${start}\n${end}\n`;
  if (!text.includes(start) || !text.includes(end)) text = `${text.trimEnd()}\n\n${start}\n${end}\n`;
  const before = text.slice(0, text.indexOf(start) + start.length);
  const after = text.slice(text.indexOf(end));
  fs.writeFileSync(CFG.results, `${before}\n\n## Latest run\n\n${section}\n\n${after}`);
  log(`results written to ${path.relative(process.cwd(), CFG.results)}`);
}

// ---------------------------------------------------------------- profile mode

async function profileMode(): Promise<void> {
  const profDir = path.join(here, '.profiles', runId);
  fs.mkdirSync(profDir, { recursive: true });
  const summaries: string[] = [];
  const summarise = (sub: string, title: string) => {
    const file = fs.readdirSync(path.join(profDir, sub)).find((f) => f.endsWith('.cpuprofile'));
    if (!file) return;
    const text = `=== ${title} ===\n${summariseProfile(path.join(profDir, sub, file), 30)}`;
    console.log(`\n${text}`);
    summaries.push(text);
  };
  const prof = (sub: string) => ['--cpu-prof', '--cpu-prof-dir', path.join(profDir, sub)];
  const dbName = `kopilka_bench_${runId}`;
  const dropDb = await createDatabase(dbName);
  const dbUrl = `${CFG.pgBase}/${dbName}`;
  const pgEnv = { DATABASE_URL: dbUrl, DB_POOL_SIZE: String(CFG.poolSize) };
  const server = await startServer('postgres (profiled)', pgEnv, prof('postgres'));
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const members = await loadMembers((sql, params) => client.query(sql, params), { programId: server.programId!, count: CFG.members });
  await client.end();
  await smokeTest(server, members);
  const source = purchaseSource(members, `${runId}-prof`);
  await runLoad(purchaseLoad(server, source, 16, CFG.warmup, 'warm-up'));
  const c = CFG.concurrency[Math.min(1, CFG.concurrency.length - 1)]!;
  await step('PostgreSQL (profiled)', server, [dbName], purchaseLoad(server, source, c, CFG.duration));
  await server.stop();
  summarise('postgres', `server on PostgreSQL, POST /v1/purchases at c=${c} (whole process life: start-up, ${CFG.warmup} s warm-up, ${CFG.duration} s load)`);

  if (runs('real')) {
    // The real program on its own profiled server (same database and members).
    const realServer = await startServer('postgres, real program (profiled)', pgEnv, prof('real'));
    realServer.apiKey = server.apiKey;
    realServer.programId = server.programId;
    const real = await setUpRealProgram(realServer, members, 'prof');
    await runLoad(purchaseLoad(realServer, real.source, 16, CFG.warmup, 'warm-up'));
    await step('PostgreSQL (profiled)', realServer, [dbName], purchaseLoad(realServer, real.source, c, CFG.duration, REAL_LABEL));
    await realServer.stop();
    summarise('real', `server on PostgreSQL, the real program's POST /v1/purchases at c=${c}`);
  }

  const reader = await startServer('postgres, balance (profiled)', pgEnv, prof('balance'));
  reader.apiKey = server.apiKey;
  const balance = () => ({ method: 'GET' as const, path: `/v1/members/${members[Math.floor(Math.random() * members.length)]!.memberId}/balance` });
  await runLoad({ label: 'warm-up', url: reader.url, apiKey: reader.apiKey!, connections: 16, duration: CFG.warmup, request: balance });
  await step('PostgreSQL (profiled)', reader, [dbName], { label: 'balance', url: reader.url, apiKey: reader.apiKey!, connections: CFG.balanceConcurrency, duration: CFG.duration, request: balance });
  await reader.stop();
  await dropDb();
  summarise('balance', `server on PostgreSQL, GET /v1/members/{id}/balance at c=${CFG.balanceConcurrency}`);

  await pglitePhase(prof('pglite'), { mix: true, real: false });
  summarise('pglite', `server on PGlite, POST /v1/purchases at c=${CFG.pgliteConcurrency.join(', ')}`);
  fs.writeFileSync(path.join(profDir, 'summary.txt'), `${summaries.join('\n\n')}\n`);
  console.log(`\nprofiles and summary.txt kept in ${path.relative(process.cwd(), profDir)} (open a .cpuprofile in Chrome DevTools → Performance)`);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (!fs.existsSync(CFG.serverMain)) throw new Error(`no built server at ${CFG.serverMain}; run bench/run.sh (it builds first)`);
  const pgVersion = String((await adminQuery('show server_version')).rows[0].server_version);
  if (CFG.profile) return profileMode();
  log(`run ${runId}: PostgreSQL ${pgVersion}, ${CFG.members} members, steps of ${CFG.duration} s at c=${CFG.concurrency.join(', ')}`);
  log(`steps: ${[...CFG.steps].join(' ')}`);
  const pgp = runs('mix') || runs('real') || runs('balance') || runs('roundtrips') ? await pgPhase() : null;
  const bench = runs('pgbench') ? await pgbenchPhase() : null;
  const lite = runs('pglite') && (runs('mix') || runs('real')) ? await pglitePhase() : null;
  const section = render(`PostgreSQL ${pgVersion}`, pgp, bench, lite);
  console.log(`\n${section}\n`);
  if (env.BENCH_WRITE_RESULTS !== '0') writeResults(section);
}

main()
  .then(cleanupAll)
  .catch(async (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    await cleanupAll();
    process.exitCode = 1;
  });
