import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createContext } from '../../src/app/context.js';
import { runJobRound } from '../../src/app/job-rounds.js';
import { claimJobRound, listJobRounds } from '../../src/store/job-rounds.js';
import { DATABASES, PG_URL, TestClock, freshDatabase } from '../support/harness.js';
import { ServerProcess } from '../support/server-process.js';

/*
 * Issue 11: several servers on one database. A first start happens once whatever the number of
 * servers; each round of a background job runs on one server; a stalled database (a held lock)
 * gets bounded waits and a /health that still answers.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An empty database on the test server; dropped by `drop`. */
async function emptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `kopilka_fleet_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

describe('three servers start together on an empty PostgreSQL database', () => {
  const servers: ServerProcess[] = [];
  let drop: (() => Promise<void>) | undefined;
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await drop?.();
  });

  test('one program, one owner and one key, printed by exactly one of them; each job round runs on one server', async (t) => {
    const empty = await emptyDatabase();
    drop = empty.drop;
    for (let i = 0; i < 3; i++) servers.push(new ServerProcess({ DATABASE_URL: empty.url, DB_POOL_SIZE: '4', JOB_INTERVAL_SECONDS: '1', LOG_LEVEL: 'debug' }));
    const urls = await Promise.all(servers.map((s) => s.url()));
    for (const s of servers) assert.ok(s.running, s.output);

    const printedKey = servers.filter((s) => /admin API key: kpk_/.test(s.output));
    const printedPassword = servers.filter((s) => /password: \S+/.test(s.output));
    assert.equal(printedKey.length, 1, 'exactly one server prints the admin key');
    assert.equal(printedPassword.length, 1, 'exactly one server prints the owner\'s password');
    const key = printedKey[0]!.output.match(/admin API key: (\S+)/)![1]!;

    const check = new pg.Client({ connectionString: empty.url });
    await check.connect();
    try {
      const count = async (table: string) => Number((await check.query(`select count(*)::int as n from ${table}`)).rows[0].n);
      assert.equal(await count('programs'), 1);
      assert.equal(await count('admin_users'), 1);
      assert.equal(await count('api_keys'), 1);
      // The key works on every server.
      for (const url of urls) assert.equal((await fetch(`${url}/v1/program`, { headers: { authorization: `Bearer ${key}` } })).status, 200);

      // Jobs: let every server tick for a few rounds, then compare what ran where with the claims.
      await sleep(5_500);
      const ran = new Map<string, number>();
      for (const s of servers) {
        for (const m of s.output.matchAll(/"job":"(\w+)","round":(\d+),"msg":"job round ran here"/g)) ran.set(`${m[1]}:${m[2]}`, (ran.get(`${m[1]}:${m[2]}`) ?? 0) + 1);
      }
      const rounds = (await check.query(`select job, round::text as round, holder, started_at, finished_at, outcome from job_rounds order by job, round`)).rows as { job: string; round: string; holder: string; started_at: Date; finished_at: Date | null; outcome: string | null }[];
      t.diagnostic(`${rounds.length} job rounds by ${new Set(rounds.map((r) => r.holder)).size} server(s)`);
      assert.ok(rounds.filter((r) => r.job === 'ledger').length >= 3, 'the ledger jobs ran every second');
      assert.ok(rounds.some((r) => r.job === 'analytics'), 'the analytics job ran');
      for (const [round, times] of ran) assert.equal(times, 1, `round ${round} ran on ${times} servers`);
      for (const r of rounds.filter((r) => r.finished_at)) {
        assert.equal(ran.get(`${r.job}:${r.round}`), 1, `the claimed round ${r.job}:${r.round} ran once`);
        assert.equal(r.outcome, 'done');
      }
      // No two rounds of a job overlapped in time.
      for (const job of ['ledger', 'analytics']) {
        const mine = rounds.filter((r) => r.job === job && r.finished_at);
        for (let i = 1; i < mine.length; i++) assert.ok(mine[i]!.started_at >= mine[i - 1]!.finished_at!, `${job} rounds ${mine[i - 1]!.round} and ${mine[i]!.round} overlapped`);
      }
      for (const s of servers) assert.doesNotMatch(s.output, /job failed|duplicate key/);
    } finally {
      await check.end();
    }
  });
});

describe('a stalled database: a lock held on the wallets', () => {
  const servers: ServerProcess[] = [];
  let drop: (() => Promise<void>) | undefined;
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await drop?.();
  });

  test('purchases answer 503 within the bounds, /health answers at once, and all is well when the lock goes', async (t) => {
    const empty = await emptyDatabase();
    drop = empty.drop;
    // One server bounds statements and pool waits at 1 s; the other bounds whole requests at 1 s.
    const bounded = new ServerProcess({ DATABASE_URL: empty.url, DB_POOL_SIZE: '2', DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '1000' });
    servers.push(bounded);
    const url = await bounded.url();
    const key = (await bounded.waitFor(/admin API key: (\S+)/))[1]!;
    const deadline = new ServerProcess({ DATABASE_URL: empty.url, DB_POOL_SIZE: '2', DB_STATEMENT_TIMEOUT_MS: '30000', REQUEST_TIMEOUT_MS: '1000' });
    servers.push(deadline);
    const deadlineUrl = await deadline.url();
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const member = await fetch(`${url}/v1/members`, { method: 'POST', headers, body: JSON.stringify({ name: 'Анна', phone: '+79165550101' }) });
    assert.equal(member.status, 201);
    let n = 0;
    const purchase = async (base: string) => {
      const t0 = Date.now();
      const res = await fetch(`${base}/v1/purchases`, { method: 'POST', headers, body: JSON.stringify({ receiptId: `S-${n++}`, identifier: { kind: 'phone', value: '+79165550101' }, total: 10_000, lines: [{ sku: 'MILK', quantity: 1, price: 10_000 }] }) });
      return { ms: Date.now() - t0, status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { code?: string } };
    };

    const locker = new pg.Client({ connectionString: empty.url });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table wallets in access exclusive mode');
    try {
      const t0 = Date.now();
      const [answers, health] = await Promise.all([
        Promise.all([purchase(url), purchase(url), purchase(url), purchase(url), purchase(deadlineUrl)]),
        sleep(300).then(async () => {
          const h0 = Date.now();
          const res = await fetch(`${url}/health`);
          return { ms: Date.now() - h0, status: res.status };
        }),
      ]);
      t.diagnostic(`answers under the lock: ${JSON.stringify(answers.map((a) => [a.status, a.body.code, a.ms]))}; /health ${health.ms} ms`);
      assert.equal(health.status, 200);
      assert.ok(health.ms < 500, `/health took ${health.ms} ms with the pool stuck behind a lock`);
      for (const a of answers.slice(0, 4)) {
        assert.equal(a.status, 503);
        assert.ok(a.body.code === 'DATABASE_TIMEOUT', `code ${a.body.code}`);
        assert.equal(a.retryAfter, '2');
        // Two wait 1 s on the lock; two wait 1 s for a connection, then (at most) 1 s on the lock.
        assert.ok(a.ms < 3_500, `answered after ${a.ms} ms`);
      }
      const late = answers[4]!;
      assert.equal(late.status, 503);
      assert.equal(late.body.code, 'REQUEST_TIMEOUT');
      assert.ok(late.ms < 2_500, `the request deadline answered after ${late.ms} ms`);
      assert.ok(Date.now() - t0 < 5_000);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    // The lock is gone: purchases go through at once, on both servers.
    const ok = await purchase(url);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    // The request that timed out may still have finished behind its 503 (its statements are not
    // bounded on that server): a retry with the same receipt id gives its result, not a second one.
    assert.equal((await purchase(deadlineUrl)).status, 201);
  });
});

for (const kind of DATABASES) {
  describe(`job rounds on ${kind}`, () => {
    test('three servers ticking together: each round runs once; a round still running elsewhere holds the next one back until its heartbeat is stale', async () => {
      const database = await freshDatabase(kind);
      try {
        const clock = new TestClock(new Date('2026-12-07T10:00:00Z'));
        const ctx = createContext(database.db, { clock: clock.now });
        let runs = 0;
        for (let round = 0; round < 10; round++) {
          const results = await Promise.all(
            ['a', 'b', 'c'].map((holder) =>
              runJobRound(ctx, 'ledger', 1_000, holder, async () => {
                runs++;
                await sleep(5);
              }),
            ),
          );
          assert.equal(results.filter((r) => r.ran).length, 1, `round ${round}`);
          clock.advance(1_000);
        }
        assert.equal(runs, 10);
        assert.equal((await listJobRounds(database.db, 'ledger')).length, 10);

        // Server a claims a round of the analytics job and dies without finishing it.
        const at = clock.now();
        assert.ok(await claimJobRound(database.db, { job: 'analytics', round: 1, holder: 'a', at, staleBefore: new Date(at.getTime() - 300_000) }));
        clock.advance(60_000);
        assert.deepEqual(await runJobRound(ctx, 'analytics', 60_000, 'b', async () => 'ran'), { ran: false });
        clock.advance(5 * 60_000);
        const later = await runJobRound(ctx, 'analytics', 60_000, 'b', async () => 'ran');
        assert.equal(later.ran, true);
      } finally {
        await database.close();
      }
    });
  });
}
