/**
 * Set-based generation of a large program for bench/analytics.ts: members, receipts with and
 * without a member, ledger entries and returns, written by INSERT … SELECT over generate_series
 * (not through the API). Members enrol evenly over the period; each buys at a rate of their own
 * until a lifetime of their own ends (so that some are gone, as in any program). random() is
 * seeded, and the statements run without parallel workers, so the same sizes give the same data.
 *
 * The bulk load drops the indexes and keys of the tables it fills and builds them again at the
 * end (the usual way to load millions of rows); foreign keys are left off, and lots and wallets are
 * not generated (the analytics do not read them): this database is for timing the analytics only,
 * `kopilka verify` is not meant to pass on it.
 */
import pg from 'pg';

export interface Sizes {
  members: number;
  purchases: number;
  anonymous: number;
  /** Days of history up to `end`. */
  days: number;
  stores: number;
}

const TABLES = ['members', 'purchases', 'anonymous_purchases', 'entries', 'returns'];

/** Drops the indexes, keys and foreign keys touching the tables; returns the statements that restore the indexes and keys. */
async function dropIndexes(c: pg.Client): Promise<string[]> {
  const cons = await c.query<{ rel: string; name: string; def: string; type: string }>(
    `select conrelid::regclass::text as rel, conname as name, pg_get_constraintdef(oid) as def, contype as type from pg_constraint
     where contype in ('p', 'u', 'f') and (conrelid::regclass::text = any($1) or confrelid::regclass::text = any($1))`,
    [TABLES],
  );
  const idx = await c.query<{ name: string; def: string }>(
    `select indexname as name, indexdef as def from pg_indexes where tablename = any($1) and schemaname = 'public'
       and indexname not in (select conname from pg_constraint where contype in ('p', 'u'))`,
    [TABLES],
  );
  const fks = cons.rows.filter((r) => r.type === 'f');
  const keys = cons.rows.filter((r) => r.type !== 'f');
  for (const f of fks) await c.query(`alter table ${f.rel} drop constraint ${f.name}`);
  for (const k of keys) await c.query(`alter table ${k.rel} drop constraint ${k.name}`);
  for (const i of idx.rows) await c.query(`drop index ${i.name}`);
  return [
    ...keys.map((k) => `alter table ${k.rel} add constraint ${k.name} ${k.def}`),
    ...idx.rows.map((i) => i.def),
  ];
}

/** Fills the programs with generated histories ending at `end`; logs each step's time. */
export async function generate(url: string, programs: { programId: string; sizes: Sizes }[], end: Date, log: (msg: string) => void): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const step = async (name: string, text: string, values: unknown[] = []) => {
    const t = Date.now();
    const r = await c.query(text, values);
    log(`  ${name}: ${r.rowCount ?? 0} rows, ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  try {
    await c.query(`set max_parallel_workers_per_gather = 0; set maintenance_work_mem = '1GB'; set work_mem = '256MB'; set synchronous_commit = off`);
    await c.query('select setseed(0.42)');
    const restore = await dropIndexes(c);
    for (const p of programs) {
      log(`  program ${p.programId}: ${JSON.stringify(p.sizes)}`);
      await fill(p.programId, p.sizes);
    }
    const t = Date.now();
    for (const statement of restore) await c.query(statement);
    log(`  indexes and keys rebuilt: ${restore.length} statements, ${((Date.now() - t) / 1000).toFixed(1)} s`);
    // As autovacuum would have done on a live table: statistics, and the visibility map that index-only scans need.
    await step('vacuum analyze', 'vacuum analyze');
  } finally {
    await c.end();
  }

  async function fill(programId: string, sizes: Sizes): Promise<void> {
    const start = new Date(end.getTime() - sizes.days * 86_400_000);
    const span = (end.getTime() - start.getTime()) / 1000;
    const common = [programId, start.toISOString(), span];
    // Member k enrols at start + k/N of the span.
    await step(
      'members',
      `insert into members (member_id, program_id, status, gender, city, attributes, consents, created_at, updated_at)
       select md5($1::text || 'm' || k)::uuid, $1::uuid, 'active', case when k % 2 = 0 then 'female' else 'male' end,
         (array['Москва', 'Санкт-Петербург', 'Казань', 'Екатеринбург', 'Новосибирск'])[1 + k % 5],
         jsonb_build_object('vip', k % 50 = 0), '{"sms": true}'::jsonb, t, t
       from generate_series(0, $4 - 1) k, lateral (select $2::timestamptz + (k::float8 / $4) * $3 * interval '1 second' as t) x`,
      [...common, sizes.members],
    );
    // Each member buys at a rate of their own (exponential across members) from enrolment until
    // their lifetime ends (exponential, mean 400 days) or the history does, spending around a
    // mean of their own. The P receipts are
    // shared out in proportion to rate × active time (largest remainders, so exactly P), placed
    // at random in the member's active time, and written in time order.
    await step(
      'member rates and lifetimes',
      `create temporary table bench_members as
       select k, c, act, w, spend from (
         select k, c, least(-ln(1 - random()) * 400 * 86400, extract(epoch from ($1::timestamptz + $2 * interval '1 second') - c)) as act, -ln(1 - random()) as rate,
           0.25 - ln(1 - random()) as spend
         from generate_series(0, $3 - 1) k, lateral (select $1::timestamptz + (k::float8 / $3) * $2 * interval '1 second' as c) x
       ) m, lateral (select rate * act as w) y`,
      [start.toISOString(), span, sizes.members],
    );
    await step(
      'purchases',
      `insert into purchases (member_id, purchase_id, program_id, receipt_id, status, store_id, channel, occurred_at, total, points_spent, points_earned, result, created_at, updated_at)
       select md5($1::text || 'm' || k)::uuid, md5($1::text || 'p' || k || '-' || j)::uuid, $1::uuid, 'R' || k || '-' || j, 'completed',
         'S' || case when j % 5 = 0 then (k + j) % $3 else k % $3 end, 'pos', t, total, spent, (total - spent * 100) / 2000,
         jsonb_build_object('paidTotal', total - spent * 100), t, t
       from (
         -- Volatile expressions in a select list run per row (in a LATERAL that does not name j
         -- they would run once per member).
         select k, j, c + random() * act * interval '1 second' as t, (10000 + floor(-ln(1 - random()) * 80000 * spend))::bigint as total
         from (select k, c, act, spend, floor($2 * (cw / tw)) - floor($2 * ((cw - w) / tw)) as n
               from (select k, c, act, w, spend, sum(w) over (order by k) as cw, sum(w) over () as tw from bench_members) q) m,
           generate_series(1, n::int) j
       ) x,
         lateral (select case when j % 10 = 0 then least(100, total / 1000) else 0 end::bigint as spent) y
       order by t`,
      [programId, sizes.purchases, sizes.stores],
    );
    await c.query('drop table bench_members');
    await step(
      'anonymous purchases',
      `insert into anonymous_purchases (program_id, purchase_id, receipt_id, store_id, channel, occurred_at, total, result, created_at)
       select $1::uuid, md5($1::text || 'a' || j)::uuid, 'A' || j, 'S' || (j % $5), 'pos', t, total, jsonb_build_object('paidTotal', total), t
       from generate_series(0, $4 - 1) j,
         lateral (select $2::timestamptz + (j::float8 / $4) * $3 * interval '1 second' as t, (10000 + floor(-ln(1 - random()) * 80000))::bigint as total) x`,
      [...common, sizes.anonymous, sizes.stores],
    );
    // Earned and spent points as entries, a third of what was earned on receipts over a year old
    // expiring a year later, in the order they were written.
    await step(
      'entries',
      `insert into entries (member_id, entry_id, program_id, lot_id, account, kind, amount, purchase_id, created_at)
       select member_id, md5(kind || purchase_id::text)::uuid, program_id, md5('l' || member_id::text)::uuid, account, kind, amount, purchase_id, at
       from (
         select member_id, program_id, purchase_id, 'issued' as account, 'earn' as kind, points_earned as amount, created_at as at from purchases where program_id = $1::uuid and points_earned > 0
         union all
         select member_id, program_id, purchase_id, 'redeemed', 'redeem', -points_spent, created_at from purchases where program_id = $1::uuid and points_spent > 0
         union all
         select member_id, program_id, purchase_id, 'expired', 'expire', -(points_earned / 3), created_at + interval '365 days' from purchases
           where program_id = $1::uuid and points_earned >= 3 and created_at + interval '365 days' < $2::timestamptz + $3 * interval '1 second'
       ) e order by at`,
      common,
    );
    await step(
      'returns',
      `insert into returns (member_id, return_id, program_id, purchase_id, lines, result, created_at)
       select member_id, md5('r' || purchase_id::text)::uuid, program_id, purchase_id, '[]'::jsonb, jsonb_build_object('refund', total), created_at + interval '3 days'
       from purchases where program_id = $1::uuid and ('x' || substr(purchase_id::text, 1, 2))::bit(8)::int < 3
         and created_at + interval '3 days' < $2::timestamptz + $3 * interval '1 second'
       order by created_at`,
      common,
    );
  }
}
