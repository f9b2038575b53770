import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { checkBooks } from '../../src/store/verify.js';
import { openDatabase } from '../../src/store/db.js';
import { OwnPostgres } from '../support/own-postgres.js';
import { ServerProcess } from '../support/server-process.js';

/*
 * Issue 11: the server survives its database going away — backends terminated, a restart, a crash,
 * a frozen server — while purchases are in flight. It keeps running, answers 503 with a stable code
 * and Retry-After while the database is away, serves purchases again within a second of its
 * return, and no acknowledged purchase is lost or doubled (retries use the same receipt id).
 */

const AWAY_CODES = new Set(['DATABASE_UNAVAILABLE', 'DATABASE_TIMEOUT', 'REQUEST_TIMEOUT']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sent {
  body: string;
  purchaseId?: string;
}

/** Purchases from `concurrency` tills, each receipt retried later (same id) when it was not acknowledged. */
class Tills {
  readonly receipts = new Map<string, Sent>();
  readonly statuses = new Map<string, number>();
  readonly unexpected: string[] = [];
  #stop = false;
  #workers: Promise<void>[] = [];
  #n = 0;

  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly phones: string[],
  ) {}

  start(concurrency: number): void {
    this.#stop = false;
    for (let w = 0; w < concurrency; w++) {
      this.#workers.push(
        (async () => {
          while (!this.#stop) {
            const n = this.#n++;
            const receiptId = `R-${n}`;
            const body = JSON.stringify({
              receiptId,
              identifier: { kind: 'phone', value: this.phones[n % this.phones.length] },
              total: 10_000 + (n % 7) * 100,
              lines: [{ sku: 'MILK', quantity: 1, price: 10_000 + (n % 7) * 100 }],
            });
            this.receipts.set(receiptId, { body });
            await this.send(receiptId);
          }
        })(),
      );
    }
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await Promise.all(this.#workers);
    this.#workers = [];
  }

  /** Sends (or resends) a receipt; true when acknowledged. */
  async send(receiptId: string): Promise<boolean> {
    const sent = this.receipts.get(receiptId)!;
    let res: Response;
    try {
      res = await fetch(`${this.url}/v1/purchases`, { method: 'POST', headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' }, body: sent.body, signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      this.count('network');
      this.unexpected.push(`${receiptId}: no answer (${(err as Error).message})`);
      await sleep(50);
      return false;
    }
    const body = (await res.json()) as { purchaseId?: string; code?: string };
    if (res.status === 200 || res.status === 201) {
      this.count('ok');
      if (sent.purchaseId && sent.purchaseId !== body.purchaseId) this.unexpected.push(`${receiptId}: a retry answered another purchase`);
      sent.purchaseId = body.purchaseId!;
      return true;
    }
    this.count(`${res.status} ${body.code}`);
    if (res.status !== 503 || !AWAY_CODES.has(body.code ?? '') || !res.headers.get('retry-after')) this.unexpected.push(`${receiptId}: ${res.status} ${JSON.stringify(body)}`);
    await sleep(50);
    return false;
  }

  count(what: string): void {
    this.statuses.set(what, (this.statuses.get(what) ?? 0) + 1);
  }

  /** Time from now until a purchase is acknowledged again. */
  async msUntilServed(limitMs: number): Promise<number> {
    const t0 = Date.now();
    for (let i = 0; Date.now() - t0 < limitMs; i++) {
      const receiptId = `probe-${t0}-${i}`;
      this.receipts.set(receiptId, { body: JSON.stringify({ receiptId, identifier: { kind: 'phone', value: this.phones[0] }, total: 5_000, lines: [{ sku: 'BREAD', quantity: 1, price: 5_000 }] }) });
      if (await this.send(receiptId)) return Date.now() - t0;
    }
    return Infinity;
  }
}

async function timedHealth(url: string): Promise<{ ms: number; status: number; body: { database?: string } }> {
  const t0 = Date.now();
  const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) });
  return { ms: Date.now() - t0, status: res.status, body: (await res.json()) as { database?: string } };
}

describe('the server survives PostgreSQL going away (a server of the test\'s own)', () => {
  let db: OwnPostgres;
  let server: ServerProcess;
  let url: string;
  let tills: Tills;

  before(async () => {
    db = await OwnPostgres.start();
    server = new ServerProcess({
      DATABASE_URL: db.url,
      DB_POOL_SIZE: '6',
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_STATEMENT_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '5000',
      JOB_INTERVAL_SECONDS: '1',
      OUTBOX_INTERVAL_SECONDS: '1',
    });
    url = await server.url();
    const key = (await server.waitFor(/admin API key: (\S+)/))[1]!;
    const phones: string[] = [];
    for (let i = 0; i < 12; i++) {
      const phone = `+7916555${String(1000 + i)}`;
      const res = await fetch(`${url}/v1/members`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `Till ${i}`, phone }) });
      assert.equal(res.status, 201, await res.text());
      phones.push(phone);
    }
    tills = new Tills(url, key, phones);
  });

  after(async () => {
    await tills?.stop();
    await server?.stop();
    db?.destroy();
  });

  test('backends terminated, a restart, a crash and a freeze under load: it keeps running, answers 503, recovers within a second, loses and doubles nothing', async (t) => {
    tills.start(6);
    await sleep(800);

    // 1. Every backend of the database terminated while purchases are in flight.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = 'kopilka' and pid <> pg_backend_pid()`);
    await admin.end();
    await sleep(800);
    assert.ok(server.running, `the server exited after pg_terminate_backend:\n${server.output}`);

    // 2. pg_ctl restart -m fast.
    db.restart();
    await sleep(800);
    assert.ok(server.running, `the server exited after a restart:\n${server.output}`);

    // 3. A crash; the database stays away for a while, then comes back.
    db.stop('immediate');
    await sleep(1_500);
    assert.ok(server.running, `the server exited after a crash:\n${server.output}`);
    const whileAway = await timedHealth(url);
    assert.equal(whileAway.status, 200, 'liveness answers while the database is away');
    assert.equal(whileAway.body.database, 'down');
    const ready = await fetch(`${url}/health/ready`);
    assert.equal(ready.status, 503);
    db.start();
    const crashBack = await tills.msUntilServed(10_000);
    assert.ok(crashBack < 1_000, `purchases served again ${crashBack} ms after the database came back from a crash`);
    await sleep(500);

    // 4. A database that stops answering (SIGSTOP): waits are bounded, liveness does not wait.
    db.signalAll('SIGSTOP');
    const frozenAt = Date.now();
    await sleep(200);
    const healthFrozen = await timedHealth(url);
    const probe = await fetch(`${url}/v1/members?limit=1`, { headers: { authorization: `Bearer ${(tills as unknown as { key: string }).key}` } });
    const probeMs = Date.now() - frozenAt;
    await sleep(Math.max(0, 4_000 - (Date.now() - frozenAt)));
    db.signalAll('SIGCONT');
    assert.equal(healthFrozen.status, 200);
    assert.ok(healthFrozen.ms < 500, `/health took ${healthFrozen.ms} ms while the database was frozen`);
    assert.equal(probe.status, 503, 'a read while the database is frozen answers 503');
    assert.ok(probeMs < 4_000, `the read answered after ${probeMs} ms (bounded waits: 1 s per statement and connection)`);
    const frozenBack = await tills.msUntilServed(10_000);
    assert.ok(frozenBack < 1_000, `purchases served again ${frozenBack} ms after the database thawed`);
    await sleep(500);
    await tills.stop();
    assert.ok(server.running, `the server exited:\n${server.output}`);

    // Every receipt not acknowledged is sent again with the same id, as a till does.
    for (const [receiptId, sent] of tills.receipts) {
      for (let attempt = 0; !sent.purchaseId; attempt++) {
        assert.ok(attempt < 20, `${receiptId} was never acknowledged`);
        await tills.send(receiptId);
      }
    }
    t.diagnostic(`answers: ${JSON.stringify(Object.fromEntries(tills.statuses))}; served again ${crashBack} ms after a crash, ${frozenBack} ms after a freeze; a read during the freeze answered in ${probeMs} ms, /health in ${healthFrozen.ms} ms`);
    const refused = [...tills.statuses].filter(([k]) => k.startsWith('503')).reduce((n, [, v]) => n + v, 0);
    assert.ok(refused > 0, `the tills saw no 503 while the database was away: ${JSON.stringify([...tills.statuses])}`);
    assert.deepEqual(tills.unexpected, [], `answers other than success or 503 with a code: ${JSON.stringify([...tills.statuses])}`);

    // Each acknowledged purchase is in the books once, nothing else is, and the books balance.
    const check = await openDatabase({ databaseUrl: db.url, poolSize: 2 });
    try {
      const rows = await check.db.selectFrom('purchases').select(['receipt_id', 'purchase_id']).execute();
      const stored = new Map(rows.map((r) => [r.receipt_id, r.purchase_id]));
      assert.equal(rows.length, stored.size, 'no receipt is stored twice');
      assert.equal(stored.size, tills.receipts.size, 'every receipt sent is stored once, and no other');
      for (const [receiptId, sent] of tills.receipts) assert.equal(stored.get(receiptId), sent.purchaseId, `${receiptId}: the stored purchase is the one acknowledged`);
      const books = await checkBooks(check.db);
      assert.deepEqual(books.mismatches, []);
    } finally {
      await check.close();
    }

    // The outage is logged in a few lines, not a stack per request.
    assert.doesNotMatch(server.output, /unhandled error/);
    const outageLines = server.output.split('\n').filter((l) => l.includes('requests get 503')).length;
    assert.ok(outageLines >= 1 && outageLines <= 8, `${outageLines} outage lines for 4 outages:\n${server.output.slice(0, 4000)}`);
  });
});
