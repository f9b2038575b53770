import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createApiKey } from '../../src/app/api-keys.js';
import { createContext, type AppContext } from '../../src/app/context.js';
import { createProgram } from '../../src/app/programs.js';
import type { ProgramSettings } from '../../src/domain/settings.js';
import { buildApp, type App } from '../../src/http/app.js';
import { migrateToLatest, openDatabase, type Database, type DatabaseKind } from '../../src/store/db.js';
import { checkBooks } from '../../src/store/verify.js';

/** The PostgreSQL server tests may create databases on (scripts/test.sh provides it). */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every integration suite runs on both databases. */
export const DATABASES: DatabaseKind[] = ['pglite', 'postgres'];

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public current = new Date('2026-03-02T09:00:00Z')) {}
  now = (): Date => new Date(this.current.getTime());
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
}

let dbCounter = 0;

/** A fresh database of the given kind, migrated; dropped when the test file ends. */
export async function freshDatabase(kind: DatabaseKind, poolSize = 10): Promise<Database> {
  if (kind === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(database.db);
    return database;
  }
  const name = `kopilka_t_${process.pid}_${Date.now().toString(36)}_${dbCounter++}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize });
  await migrateToLatest(database.db);
  const close = database.close;
  database.close = async () => {
    await close();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    // pg's pool.end() resolves before its sockets have closed: wait for them, then drop.
    for (let i = 0; i < 50; i++) {
      const { rows } = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  return database;
}

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestServer {
  kind: DatabaseKind;
  url: string;
  app: App;
  ctx: AppContext;
  database: Database;
  clock: TestClock;
  programId: string;
  adminKey: string;
  posKey: string;
  readonlyKey: string;
  /** A request as a till would send it; `key` defaults to the POS key. */
  request<T = any>(method: string, path: string, body?: unknown, options?: { key?: string | null; headers?: Record<string, string> }): Promise<Response<T>>;
  /** Asserts that `kopilka verify` finds the books balanced. */
  assertBooksBalance(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real server on loopback over a real database, with one program and keys of each role.
 * Close it in the suite's `after` hook.
 */
export async function startServer(kind: DatabaseKind, settings: Partial<ProgramSettings> = {}, options: { poolSize?: number; webRoot?: string } = {}): Promise<TestServer> {
  const database = await freshDatabase(kind, options.poolSize);
  const clock = new TestClock();
  const ctx = createContext(database.db, { clock: clock.now, settingsTtlMs: 0 });
  const program = await createProgram(ctx, { name: 'Test program', settings });
  const [admin, pos, readonly] = await Promise.all(
    (['admin', 'pos', 'readonly'] as const).map((role) => createApiKey(ctx, { programId: program.id, role })),
  );
  const app = await buildApp(ctx, { webRoot: options.webRoot });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const server: TestServer = {
    kind,
    url,
    app,
    ctx,
    database,
    clock,
    programId: program.id,
    adminKey: admin!.key,
    posKey: pos!.key,
    readonlyKey: readonly!.key,
    async request(method, path, body, opts = {}) {
      const key = opts.key === undefined ? pos!.key : opts.key;
      const headers: Record<string, string> = { ...opts.headers };
      if (key) headers.authorization = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
    async assertBooksBalance() {
      const report = await checkBooks(database.db);
      assert.deepEqual(report.mismatches, [], 'the books must balance');
    },
    /** Closes the server; every suite ends by checking that the books balance. */
    async close() {
      try {
        const report = await checkBooks(database.db);
        assert.deepEqual(report.mismatches, [], `the books must balance at the end of the ${kind} suite`);
      } finally {
        await app.close();
        await database.close();
      }
    },
  };
  return server;
}

/** A receipt line: `price` in roubles for readability, sent in kopecks. */
export const line = (sku: string, quantity: number, priceRub: number, extra: Record<string, unknown> = {}) => ({ sku, quantity, price: priceRub * 100, ...extra });

export const totalOf = (lines: { quantity: number; price: number; discount?: number }[]) => lines.reduce((s, l) => s + l.quantity * l.price - (l.discount ?? 0), 0);

let receiptCounter = 0;
/** A receipt whose total adds up, with a fresh receipt id. */
export function receipt(lines: ReturnType<typeof line>[], extra: Record<string, unknown> = {}) {
  return { receiptId: `R-${process.pid}-${++receiptCounter}`, total: totalOf(lines), lines, ...extra };
}

/** Enrols a member through the API and returns its id. */
export async function enrol(server: TestServer, profile: Record<string, unknown> = {}): Promise<string> {
  const res = await server.request('POST', '/v1/members', profile);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/** Gives a member spendable points by a manual credit. */
export async function credit(server: TestServer, memberId: string, points: number): Promise<void> {
  const res = await server.request('POST', `/v1/members/${memberId}/adjustments`, { points, reason: 'test credit' }, { key: server.adminKey });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}
