/**
 * Analytics at scale: `npx tsx bench/analytics.ts` (PostgreSQL on 127.0.0.1:5432, BENCH_PG_URL to
 * change; sizes by BENCH_MEMBERS, BENCH_PURCHASES, BENCH_ANONYMOUS, BENCH_FIT_MEMBERS,
 * BENCH_FIT_PURCHASES; BENCH_KEEP=1 keeps the database).
 *
 * Builds a database with a program of 1,000,000 members and 10,000,000 receipts of members
 * (plus receipts without a member, ledger entries and returns) over two years up to now, and a
 * second program of 115,000 members (about 100,000 of whom buy) for the model fit, by set-based SQL (bench/analytics-data.ts);
 * runs the aggregation job in full; times the queries behind the KPI, cohort, points, blocks,
 * payback, RFM and segment endpoints (the use cases the routes call, warm, several runs: p50 and
 * max); times the jobs (incremental aggregation after new receipts, RFM, rule segments); and fits
 * the models for the 100,000 members from the database. Prints a Markdown report.
 */
import os from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { aggregateProgram } from '../src/app/analytics/aggregate.js';
import { getBlocks, getPayback, getPointsReport } from '../src/app/analytics/economics.js';
import { getCohorts, getKpis } from '../src/app/analytics/kpis.js';
import { fitModels } from '../src/app/analytics/models.js';
import { getRfmReport, recomputeRfm } from '../src/app/analytics/rfm.js';
import { recomputeRuleSegments } from '../src/app/analytics/segment-jobs.js';
import { createSegment, getMemberSegments, getSegmentMembers, getSegments } from '../src/app/analytics/segments.js';
import { createContext } from '../src/app/context.js';
import { runIsolated } from '../src/app/isolated/run.js';
import { createProgram } from '../src/app/programs.js';
import { addDays, dayIn } from '../src/domain/analytics/periods.js';
import { segmentIdsOfMembers } from '../src/store/analytics-segments.js';
import { migrateToLatest, openDatabase } from '../src/store/db.js';
import { generate } from './analytics-data.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const NAME = `kopilka_bench_analytics_${process.pid}`;
// Past the fifth call of each statement on a connection, where PostgreSQL may switch a prepared statement to a generic plan.
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const log = (msg: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${BASE}/postgres` });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

const rows: string[] = [];
/** One warm-up run, then RUNS timed runs; a row of the report. */
async function query(name: string, fn: () => Promise<unknown>): Promise<void> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await timed(fn))[1]);
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length / 2)]!;
  const max = times[times.length - 1]!;
  rows.push(`| ${name} | ${p50.toFixed(0)} | ${max.toFixed(0)} | ${max < 1000 ? 'yes' : '**no**'} |`);
  log(`${name}: p50 ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms`);
}

async function main(): Promise<void> {
  const sizes = { members: env('BENCH_MEMBERS', 1_000_000), purchases: env('BENCH_PURCHASES', 10_000_000), anonymous: env('BENCH_ANONYMOUS', 3_000_000), days: 730, stores: 100 };
  const fitSizes = { members: env('BENCH_FIT_MEMBERS', 115_000), purchases: env('BENCH_FIT_PURCHASES', 1_150_000), anonymous: 0, days: 730, stores: 10 };
  await admin(`create database ${NAME}`);
  const url = `${BASE}/${NAME}`;
  const database = await openDatabase({ databaseUrl: url, poolSize: 8 });
  const jobs: string[] = [];
  try {
    await migrateToLatest(database.db);
    const ctx = createContext(database.db);
    const big = await createProgram(ctx, { name: 'Bench: 1M members', settings: { pendingDays: 0 } });
    const small = await createProgram(ctx, { name: 'Bench: model fit', settings: { pendingDays: 0 } });
    const [, genMs] = await timed(() => generate(url, [{ programId: big.id, sizes }, { programId: small.id, sizes: fitSizes }], new Date(), log));
    jobs.push(`| build the database (set-based SQL, both programs, indexes rebuilt) | ${seconds(genMs)} |`);

    const [full, fullMs] = await timed(() => aggregateProgram(ctx, big.id));
    jobs.push(`| aggregation, first run: every day (${full.days} days) | ${seconds(fullMs)} |`);
    log(`full aggregation ${seconds(fullMs)}`);

    const today = dayIn(new Date(), big.settings.timeZone);
    const yearAgo = addDays(today, -364);
    const pid = big.id;
    await query('KPIs, last 365 days by month, all stores (today live)', () => getKpis(ctx, pid, { from: yearAgo, to: today, interval: 'month' }));
    await query('KPIs, last 365 days by day, all stores (today live)', () => getKpis(ctx, pid, { from: yearAgo, to: today, interval: 'day' }));
    await query('KPIs, two years by week, all stores (today live)', () => getKpis(ctx, pid, { from: addDays(today, -729), to: today, interval: 'week' }));
    await query('KPIs, last 365 days by week, one store (today live)', () => getKpis(ctx, pid, { from: yearAgo, to: today, interval: 'week', storeId: 'S7' }));
    await query('KPIs, a past quarter by day, all stores (stored only)', () => getKpis(ctx, pid, { from: addDays(today, -200), to: addDays(today, -110), interval: 'day' }));
    await query('cohorts, 24 months', () => getCohorts(ctx, pid, { from: addDays(today, -729), to: today }));
    await query('points: liability, redemption, breakage (program life)', () => getPointsReport(ctx, pid, {}));
    await query('blocks against budgets (program life)', () => getBlocks(ctx, pid, {}));
    await query('payback (program life)', () => getPayback(ctx, pid, {}));

    const [rfm, rfmMs] = await timed(() => recomputeRfm(ctx, pid));
    jobs.push(`| RFM recompute (${rfm.members.toLocaleString('en')} members scored, 365-day window) | ${seconds(rfmMs)} |`);
    log(`RFM ${seconds(rfmMs)}`);
    await query('RFM grid and segment sizes', () => getRfmReport(ctx, pid));

    const actor = { programId: pid, role: 'admin' as const, name: 'bench' };
    await createSegment(ctx, actor, { name: 'Moscow regulars', rule: { match: 'all', conditions: [{ kind: 'profile', field: 'city', op: 'in', values: ['Москва'] }, { kind: 'purchases', windowDays: 90, min: 2 }] } });
    await createSegment(ctx, actor, { name: 'Big spenders', rule: { match: 'any', conditions: [{ kind: 'spend', windowDays: 365, min: 2_000_000 }, { kind: 'attribute', name: 'vip', op: 'eq', value: true }] } });
    await createSegment(ctx, actor, { name: 'Lapsed', rule: { match: 'all', conditions: [{ kind: 'last_purchase', minDays: 120 }] } });
    const [seg, segMs] = await timed(() => recomputeRuleSegments(ctx, pid));
    jobs.push(`| rule segments, full recompute (${seg.fullSegments} segments × ${sizes.members.toLocaleString('en')} members) | ${seconds(segMs)} |`);
    log(`segments ${seconds(segMs)}`);
    const segments = (await getSegments(ctx, pid, { limit: 200 })).items;
    const champions = segments.find((s) => s.code === 'rfm:champions')!;
    const firstPage = await getSegmentMembers(ctx, pid, champions.id, 50);
    const someMembers = (await getSegmentMembers(ctx, pid, segments.find((s) => s.name === 'Lapsed')!.id, 64)).items.map((i) => i.memberId);
    await query('segments list with sizes', () => getSegments(ctx, pid, { limit: 50 }));
    await query('members of a segment, first page of 50', () => getSegmentMembers(ctx, pid, champions.id, 50));
    await query('members of a segment, a later page of 50', () => getSegmentMembers(ctx, pid, champions.id, 50, firstPage.items[25]!.memberId));
    await query("a member's segments", () => getMemberSegments(ctx, pid, firstPage.items[0]!.memberId));
    await query('segmentIdsOfMembers, 64 members (the purchase flow)', () => segmentIdsOfMembers(database.db, someMembers));

    // Steady state: 10,000 new receipts arrive, then the job's incremental run.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(
      `insert into purchases (member_id, purchase_id, program_id, receipt_id, status, store_id, occurred_at, total, points_spent, points_earned, result, created_at, updated_at)
       select md5($1::text || 'm' || (i * 97 % $2))::uuid, md5('new' || i)::uuid, $1::uuid, 'N' || i, 'completed', 'S' || (i % 100), now(), 50000, 0, 25, '{"paidTotal": 50000}', now(), now()
       from generate_series(1, 10000) i`,
      [pid, sizes.members],
    );
    await c.end();
    const [inc, incMs] = await timed(() => aggregateProgram(ctx, pid));
    jobs.push(`| aggregation, incremental run after 10,000 new receipts (${inc.days} dirty day(s)) | ${seconds(incMs)} |`);
    const [segInc, segIncMs] = await timed(() => recomputeRuleSegments(ctx, pid));
    jobs.push(`| rule segments, incremental run (${segInc.changedMembers.toLocaleString('en')} changed members) | ${seconds(segIncMs)} |`);

    const [fit, fitMs] = await timed(() => fitModels(ctx, small.id));
    jobs.push(`| **model fit from the database**: ${fit.members.toLocaleString('en')} members (${fit.repeatMembers.toLocaleString('en')} with repeats), load + BG/NBD + Gamma-Gamma + predictions stored + at-risk segment | **${seconds(fitMs)}** |`);
    log(`fit ${seconds(fitMs)}: ${JSON.stringify(fit.bgnbd)}`);
    // The same fit as the server runs it on PostgreSQL: in a worker thread with a heap of its own (docs/adr/0018).
    const isolated = { ...ctx, isolation: { databaseUrl: url, maxHeapMb: 2048 } };
    const [wfit, wfitMs] = await timed(() => runIsolated(isolated, 'fitModels', small.id));
    jobs.push(`| the same fit in a worker thread, as the server runs it (${wfit.members.toLocaleString('en')} members; the process's peak RSS so far ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB) | ${seconds(wfitMs)} |`);
    log(`fit in a worker ${seconds(wfitMs)}`);

    const load = os.loadavg().map((x) => x.toFixed(1)).join(', ');
    const server = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(database.db)).rows[0]?.v;
    console.log(
      [
        `Run ${new Date().toISOString()} — \`npx tsx bench/analytics.ts\`; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}; PostgreSQL ${server}; load average at the end ${load}.`,
        '',
        `Data: ${sizes.members.toLocaleString('en')} members, ${sizes.purchases.toLocaleString('en')} receipts of members, ${sizes.anonymous.toLocaleString('en')} without a member, over ${sizes.days} days and ${sizes.stores} stores; the fit program ${fitSizes.members.toLocaleString('en')} members, ${fitSizes.purchases.toLocaleString('en')} receipts.`,
        '',
        '| query (warm) | p50 ms | max ms | under 1 s |',
        '|---|---:|---:|---|',
        ...rows,
        '',
        '| job | time |',
        '|---|---:|',
        ...jobs,
        '',
        `Fitted on the fit program: BG/NBD ${JSON.stringify(fit.bgnbd)}; Gamma-Gamma ${JSON.stringify(fit.gammaGamma)}.`,
      ].join('\n'),
    );
  } finally {
    await database.close();
    if (process.env.BENCH_KEEP !== '1') await admin(`drop database if exists ${NAME} with (force)`);
    else log(`kept the database ${NAME}`);
  }
}

await main();
