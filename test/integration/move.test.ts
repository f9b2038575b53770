import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createContext } from '../../src/app/context.js';
import { fillDemo } from '../../src/app/demo/fill.js';
import { buildApp } from '../../src/http/app.js';
import type { Database } from '../../src/store/db.js';
import { moveDatabase, tableShapes } from '../../src/store/move.js';
import { checkBooks } from '../../src/store/verify.js';
import { campaign } from '../support/campaigns.js';
import { enrol, freshDatabase, line, PG_URL, receipt, startServer, type TestServer } from '../support/harness.js';

/*
 * A program that outgrew the embedded database moves to PostgreSQL: every table is copied (found in
 * the catalogue, so tables added later move too), the copy is checked — rows per table, the books,
 * the balances — and the server then works on the target as it did on the source.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('moving the embedded database to PostgreSQL', () => {
  let s: TestServer;
  let target: Database;
  let memberId: string;
  let adminCookie: string;
  let firstReceipt: ReturnType<typeof receipt>;
  let firstPurchaseId: string;

  before(async () => {
    s = await startServer('pglite');
    // A few months of a living program: stores, members, purchases, points spent, returns, expiry.
    await fillDemo(s.database.db, { programId: s.programId, members: 60, months: 3, seed: 7, now: s.clock.now() });
    const admin = { key: s.adminKey };
    assert.equal((await s.request('POST', '/v1/coupon-series', { id: 'spring', name: 'Весна', kind: 'unique', count: 50, prefix: 'SPR' }, admin)).status, 201);
    const bonus = campaign('double', { audience: [{ kind: 'member' }], effects: [{ kind: 'points_fixed', points: 100 }] });
    assert.equal((await s.request('POST', '/v1/campaigns', { campaign: bonus, status: 'active' }, admin)).status, 201);
    memberId = await enrol(s, { name: 'Анна', phone: '+79161234567' });
    firstReceipt = receipt([line('MILK', 2, 100), line('BREAD', 1, 800)], { identifier: { kind: 'phone', value: '+79161234567' } });
    const bought = await s.request('POST', '/v1/purchases', firstReceipt);
    assert.equal(bought.status, 201, JSON.stringify(bought.body));
    firstPurchaseId = bought.body.purchaseId;
    assert.equal((await s.request('POST', `/v1/purchases/${bought.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] })).status, 201);
    assert.equal((await s.request('PATCH', '/v1/program', { name: 'Лавка' }, admin)).status, 200);
    const created = await s.request('POST', '/v1/admin-users', { email: 'anna@lavka.ru', role: 'owner', password: 'a long enough password 1' }, admin);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const signIn = await fetch(`${s.url}/v1/auth/admin/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kopilka-csrf': '1' },
      body: JSON.stringify({ programId: s.programId, email: 'anna@lavka.ru', password: 'a long enough password 1' }),
    });
    assert.equal(signIn.status, 200);
    adminCookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    target = await freshDatabase('postgres');
  });
  after(async () => {
    await target?.close();
    await s.close();
  });

  test('every row moves in small batches, and the row counts, the books and the balances agree', async () => {
    const seen = new Map<string, number>();
    const report = await moveDatabase(s.database.db, target.db, { batchSize: 50, onProgress: (p) => seen.set(p.table, p.rows) });
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.books.mismatches, []);
    const tables = (await tableShapes(s.database.db)).map((t) => t.name);
    assert.deepEqual(report.tables.map((t) => t.name).sort(), [...tables].sort(), 'every table of the schema is moved');
    for (const t of report.tables) assert.equal(t.target, t.source, t.name);
    const rows = Object.fromEntries(report.tables.map((t) => [t.name, t.target]));
    for (const name of ['members', 'purchases', 'returns', 'anonymous_purchases', 'lots', 'entries', 'stores', 'campaigns', 'rule_versions', 'coupons', 'admin_sessions', 'audit_log', 'api_keys']) {
      assert.ok(rows[name]! > 0, `${name} has rows to move`);
    }
    assert.ok(rows.entries! > 50 && seen.get('entries') === rows.entries, 'the ledger went over in several batches');
    assert.deepEqual((await checkBooks(target.db)).accounts, (await checkBooks(s.database.db)).accounts);
  });

  test('the server works on the target: the same keys, sessions, balances and purchases', async () => {
    const ctx = createContext(target.db, { clock: s.clock.now, settingsTtlMs: 0 });
    const app = await buildApp(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const get = async (p: string, headers: Record<string, string>) => fetch(`${url}${p}`, { headers }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
      const before = await s.request('GET', `/v1/members/${memberId}`);
      const moved = await get(`/v1/members/${memberId}`, { authorization: `Bearer ${s.posKey}` });
      assert.equal(moved.status, 200);
      assert.deepEqual(moved.body, before.body);
      assert.equal((await get('/v1/program', { cookie: adminCookie })).body.name, 'Лавка', 'the admin session moved');
      const bought = await fetch(`${url}/v1/purchases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.posKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(receipt([line('MILK', 1, 1000)], { identifier: { kind: 'phone', value: '+79161234567' } })),
      });
      assert.equal(bought.status, 201, await bought.text());
      const again = await fetch(`${url}/v1/purchases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.posKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(firstReceipt),
      });
      assert.equal(((await again.json()) as { purchaseId: string }).purchaseId, firstPurchaseId, 'a receipt moved is recognised on the target: its retry replays');
      assert.deepEqual((await checkBooks(target.db)).mismatches, []);
    } finally {
      await app.close();
    }
  });

  test('a target that is not empty is refused, and nothing is written to it', async () => {
    const before = (await checkBooks(target.db)).entries;
    await assert.rejects(moveDatabase(s.database.db, target.db), /the target database is not empty \(rows in .*programs/);
    assert.equal((await checkBooks(target.db)).entries, before);
  });
});

describe('kopilka move (command line)', () => {
  let tmp: string;
  let dbName: string;
  let url: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kopilka-move-'));
    dbName = `kopilka_move_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = `/${dbName}`;
    url = u.toString();
  });
  after(async () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  const kopilka = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', DATA_DIR: path.join(tmp, 'data') };
      delete env.DATABASE_URL;
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });

  test('moves a demo program, checks it, and refuses to move twice', async () => {
    const demo = await kopilka(['demo', '--members', '30', '--months', '2', '--seed', '2']);
    assert.equal(demo.code, 0, demo.out);
    const moved = await kopilka(['move', '--to', url, '--batch-size', '100']);
    assert.equal(moved.code, 0, moved.out);
    assert.match(moved.out, /members +30 row\(s\)/);
    assert.match(moved.out, /the row counts agree and the books balance on the target/);
    const twice = await kopilka(['move', '--to', url]);
    assert.equal(twice.code, 1, twice.out);
    assert.match(twice.out, /the target database is not empty/);
  });
});
