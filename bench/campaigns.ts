/**
 * Per-campaign analytics at scale: `npx tsx bench/campaigns.ts` (PostgreSQL on 127.0.0.1:5432,
 * BENCH_PG_URL to change; sizes by BENCH_MEMBERS and BENCH_PURCHASES, default 200,000 and
 * 2,000,000; the database is dropped at the end, unless BENCH_KEEP=1 keeps it for a look with psql).
 *
 * Builds a program whose members enrol over 400 days and buy over a year up to 10 March 2026 (rows
 * inserted in time order, as a live program writes them), and a campaign with a 50 % control group
 * on 2–8 March whose effect rows cover the treated half of that week's receipts, and a second
 * campaign with a control group running through March (no effects: it is there for the job's
 * incremental step). Times GET /v1/analytics/campaigns and /campaigns/{id} through their use
 * cases (3 runs) with the comparison read live, as before the job has run, and the comparison's
 * population query alone, and prints its plan: both reads of purchases should go through
 * purchases (program_id, occurred_at) (at 1M members PostgreSQL scans the table for the lookback
 * instead: bench/RESULTS.md). Then the stored comparisons (docs/adr/0017): the job's first run
 * (fills both populations), the report reading them (BENCH_RUNS runs, default 7), and the job's
 * incremental step after BENCH_NEW receipts (default 10,000) arrive on 10 March, five minutes later.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { aggregateCampaignComparisons } from '../src/app/analytics/campaign-comparisons.js';
import { getCampaignResults, listCampaignResults } from '../src/app/analytics/campaigns.js';
import { createContext } from '../src/app/context.js';
import { createProgram } from '../src/app/programs.js';
import { populationOutcomes } from '../src/store/analytics-campaigns.js';
import { migrateToLatest, openDatabase } from '../src/store/db.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 200_000);
const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 2_000_000);
const NEW = Number(process.env.BENCH_NEW ?? 10_000);
const server = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const name = `kopilka_bench_campaigns_${process.pid}`;
const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(server);
url.pathname = `/${name}`;
const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;
try {
  await migrateToLatest(database.db);
  let now = new Date('2026-03-10T09:00:00Z');
  const ctx = createContext(database.db, { clock: () => now });
  const p = (await createProgram(ctx, { name: 'bench', settings: {} })).id;
  let t = performance.now();
  await sql`insert into members (member_id, program_id, status, created_at, updated_at)
    select gen_random_uuid(), ${p}::uuid, 'active', timestamptz '2025-01-01' + (i % 400) * interval '1 day', now() from generate_series(1, ${MEMBERS}::int) i`.execute(database.db);
  await sql`create unlogged table bench_numbered as select row_number() over () as n, member_id from members`.execute(database.db);
  await sql`insert into purchases (member_id, purchase_id, program_id, receipt_id, status, occurred_at, total, points_spent, points_earned, result, created_at, updated_at)
    select m.member_id, gen_random_uuid(), ${p}::uuid, 'R' || g.i, 'completed', g.at, (1000 + random() * 100000)::bigint, 0, 0, '{}', g.at, g.at
      from (select i, timestamptz '2025-03-10' + random() * interval '365 days' as at from generate_series(1, ${PURCHASES}::int) i) g
      join bench_numbered m on m.n = 1 + (g.i::bigint * 7919) % ${MEMBERS}::int
     order by g.at`.execute(database.db);
  const spring = { id: 'spring', name: 'Spring', kind: 'purchase', block: 'mass', schedule: { from: '2026-03-02', to: '2026-03-08' }, audience: [], conditions: [], effects: [{ kind: 'points_fixed', points: 100 }], limits: {}, priority: 0, stacking: 'stack', controlGroupPercent: 50 };
  const march = { ...spring, id: 'march', name: 'March', schedule: { from: '2026-03-01', to: '2026-03-31' } };
  for (const c of [spring, march]) {
    await sql`insert into campaigns (program_id, campaign_id, status, definition, created_at, updated_at) values (${p}::uuid, ${c.id}, 'active', ${JSON.stringify(c)}::jsonb, now(), now())`.execute(database.db);
  }
  // "Treated": a stand-in for the hash (the report splits by the real one): the effects only need realistic volume.
  await sql`insert into campaign_effects (member_id, purchase_id, seq, program_id, campaign_id, block, kind, points, discount, cost, occurred_at)
    select member_id, purchase_id, 0, program_id, 'spring', 'mass', 'points_fixed', 100, 0, 10000, occurred_at from purchases
     where program_id = ${p}::uuid and occurred_at >= '2026-03-01 21:00Z' and occurred_at < '2026-03-08 21:00Z' and get_byte(uuid_send(member_id), 0) < 128`.execute(database.db);
  await sql`analyze`.execute(database.db);
  console.log(`built ${MEMBERS.toLocaleString('en')} members, ${PURCHASES.toLocaleString('en')} purchases in ${ms(t)}`);
  const range = { from: '2026-03-01', to: '2026-03-31' };
  let live: Awaited<ReturnType<typeof getCampaignResults>> | undefined;
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const r = await getCampaignResults(ctx, p, 'spring', range);
    const detail = ms(t);
    live ??= r;
    t = performance.now();
    await listCampaignResults(ctx, p, range);
    console.log(`run ${i + 1}: campaign ${detail} (${r.comparison!.source}, population ${r.comparison!.treatment.members + r.comparison!.control.members}, reached ${r.membersReached}, effects' receipts ${r.receipts}); list ${ms(t)}`);
  }
  const q = { programId: p, timeZone: 'Europe/Moscow', lookbackStart: new Date('2026-02-01T21:00Z'), populationStart: new Date('2026-03-01T21:00Z'), windowStart: new Date('2026-03-01T21:00Z'), windowEnd: new Date('2026-03-08T21:00Z') };
  t = performance.now();
  const rows = await populationOutcomes(database.db, q);
  console.log(`population query alone: ${ms(t)}, ${rows.length} members`);
  const plan = await sql<{ 'QUERY PLAN': string }>`explain (costs off)
    with population as (
      select member_id from purchases where program_id = ${p}::uuid and status = 'completed' and occurred_at >= ${q.lookbackStart} and occurred_at < ${q.populationStart}
      union
      select member_id from members where program_id = ${p}::uuid and created_at >= ${q.populationStart} and created_at < ${q.windowEnd}
    ), outcome as (
      select member_id, sum(total)::bigint as spend, count(distinct (occurred_at at time zone 'Europe/Moscow')::date)::int as visits
        from purchases where program_id = ${p}::uuid and status = 'completed' and occurred_at >= ${q.windowStart} and occurred_at < ${q.windowEnd} group by member_id)
    select m.member_id, o.spend, o.visits from population m left join outcome o on o.member_id = m.member_id`.execute(database.db);
  console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));

  // The stored comparisons: the job's first run fills them, the report reads them.
  t = performance.now();
  const fill = await aggregateCampaignComparisons(ctx, p);
  console.log(`job, first run: ${ms(t)} — ${fill.campaigns} campaigns filled, ${fill.members.toLocaleString('en')} members`);
  await sql`analyze campaign_comparison_members`.execute(database.db);
  const RUNS = Number(process.env.BENCH_RUNS ?? 7);
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    const r = await getCampaignResults(ctx, p, 'spring', range);
    console.log(`run ${i + 1}: campaign ${ms(t)} (${r.comparison!.source}, population ${r.comparison!.treatment.members + r.comparison!.control.members})`);
    const figures = (x: typeof r) => JSON.stringify({ ...x.comparison, source: null, asOf: null });
    if (i === 0) console.log(`stored figures ${figures(r) === figures(live!) ? 'equal' : 'DIFFER FROM'} the live ones${figures(r) === figures(live!) ? '' : `:\n${figures(live!)}\n${figures(r)}`}`);
  }
  t = performance.now();
  const partial = await getCampaignResults(ctx, p, 'spring', { from: '2026-03-04', to: '2026-03-31' });
  console.log(`a part of the window (4–8 March), read live: ${ms(t)} (${partial.comparison!.source})`);
  const moments = await sql<{ 'QUERY PLAN': string }>`explain (analyze, costs off, timing off)
    select bucket < 5000 as control, count(*), avg(spend::float8), var_pop(spend::float8) * count(*), avg(visits::float8), var_pop(visits::float8) * count(*)
      from campaign_comparison_members where program_id = ${p}::uuid and campaign_id = 'spring' group by 1`.execute(database.db);
  console.log(moments.rows.map((r) => r['QUERY PLAN']).join('\n'));

  // New receipts on 10 March, created five minutes after the first run; then the incremental step.
  now = new Date('2026-03-10T09:05:00Z');
  await sql`insert into purchases (member_id, purchase_id, program_id, receipt_id, status, occurred_at, total, points_spent, points_earned, result, created_at, updated_at)
    select m.member_id, gen_random_uuid(), ${p}::uuid, 'N' || g.i, 'completed', g.at, (1000 + random() * 100000)::bigint, 0, 0, '{}', g.at, g.at
      from (select i, timestamptz '2026-03-10 09:00Z' + random() * interval '5 minutes' as at from generate_series(1, ${NEW}::int) i) g
      join bench_numbered m on m.n = 1 + (g.i::bigint * 104729) % ${MEMBERS}::int
     order by g.at`.execute(database.db);
  for (let i = 0; i < 2; i++) {
    t = performance.now();
    const step = await aggregateCampaignComparisons(ctx, p);
    console.log(`job, incremental step ${i + 1} after ${NEW.toLocaleString('en')} new receipts: ${ms(t)} — ${step.members.toLocaleString('en')} members recomputed, ${step.changed.toLocaleString('en')} rows changed, ${step.filled} filled`);
    now = new Date(now.getTime() + 60_000);
  }
  t = performance.now();
  const after = await getCampaignResults(ctx, p, 'march', { from: '2026-03-01', to: '2026-03-31' });
  console.log(`the running campaign's report after the step: ${ms(t)} (${after.comparison!.source}, window ${after.comparison!.windowFrom} – ${after.comparison!.windowTo}, population ${after.comparison!.treatment.members + after.comparison!.control.members})`);
} finally {
  await database.close();
  if (process.env.BENCH_KEEP === '1') console.log(`kept the database ${name}`);
  else await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
