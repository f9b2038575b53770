import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import { migrationProvider } from './migrations/index.js';
import type { DB } from './schema.js';
import { PgDialect } from './pg-driver.js';
import { registerScoping, ScopingDialect } from './request-transaction.js';

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  /** The embedded engine, when kind is 'pglite' (for backup). */
  pglite?: PGlite;
  /** The connection string, when kind is 'postgres' (for worker threads that connect on their own). */
  url?: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Data directory of the embedded database; 'memory://' for a throw-away one. */
  dataDir?: string;
  poolSize?: number;
  /**
   * Bounded waits toward PostgreSQL (docs/adr/0019-surviving-the-database.md); absent or 0: no
   * bound (the CLI, migrations and the analytics workers, whose statements may rightly run long).
   */
  timeouts?: DatabaseTimeouts | undefined;
  /** Told of each connection that failed (dropped, reset, timed out); never throws. */
  onConnectionError?: ((err: Error) => void) | undefined;
}

export interface DatabaseTimeouts {
  /** Waiting for a pool connection, or for a new one to connect. */
  connectMs: number;
  /** One statement, enforced by PostgreSQL (`statement_timeout`, lock waits included). */
  statementMs: number;
}

/**
 * A frozen server never answers, so `statement_timeout` cannot fire: the client gives up this much
 * later than the server would have, and the connection is dropped, not reused.
 */
const CLIENT_GRACE_MS = 2_000;
/** A transaction left open by a process that hung or died must not hold its row locks for long. */
const IDLE_IN_TRANSACTION_MS = 60_000;

const INT8 = 20;
const NUMERIC = 1700;
// Points and minor units fit in a double far beyond any real program (2^53); sums arrive as
// numeric and are parsed the same way.
const parseInt8 = (v: string) => Number(v);
// Calendar dates (birthdays) stay 'YYYY-MM-DD' strings: a Date would shift them by the zone.
const DATE = 1082;
const keepText = (v: string) => v;
pg.types.setTypeParser(INT8, parseInt8);
pg.types.setTypeParser(NUMERIC, parseInt8);
pg.types.setTypeParser(DATE, keepText);
const pgliteParsers = { [INT8]: parseInt8, [NUMERIC]: parseInt8, [DATE]: keepText };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const t = options.timeouts;
    const bounded = t && t.statementMs > 0;
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 20,
      keepAlive: true,
      // Statements given to a connection one after another leave together (pg-driver.ts).
      pipeline: true,
      ...(t && t.connectMs > 0 ? { connectionTimeoutMillis: t.connectMs } : {}),
      ...(bounded ? { statement_timeout: t.statementMs, query_timeout: t.statementMs + CLIENT_GRACE_MS, idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS } : {}),
    });
    const report = options.onConnectionError ?? ((err: Error) => console.error(`kopilka: a PostgreSQL connection failed: ${err.message}`));
    // An idle connection that the server drops (restart, failover) must not crash the process;
    // the pool replaces it on the next checkout.
    pool.on('error', report);
    pool.on('connect', (client) => {
      // A connection in use that the server drops emits 'error' too, and pg-pool listens only
      // while the connection is idle: without this listener that error would end the process.
      // The query in flight fails on its own, and the connection is not given back (`release`).
      client.on('error', (err) => {
        markBroken(client);
        report(err);
      });
    });
    const dialect = new ScopingDialect(new PgDialect(releasingBroken(pool), (client, err) => breaksConnection(err) && markBroken(client)));
    const db = new Kysely<DB>({ dialect });
    registerScoping(db, dialect);
    return { db, kind: 'postgres', url: options.databaseUrl, close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? './data';
  let release = () => {};
  let pglite: PGlite;
  if (dataDir.startsWith('memory://')) {
    pglite = await PGlite.create({ parsers: pgliteParsers });
  } else {
    fs.mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
    pglite = await PGlite.create({ dataDir, parsers: pgliteParsers });
  }
  const dialect = new ScopingDialect(new PGliteDialect(pglite));
  const db = new Kysely<DB>({ dialect });
  registerScoping(db, dialect);
  return {
    db,
    kind: 'pglite',
    pglite,
    close: async () => {
      await db.destroy();
      await pglite.close();
      release();
    },
  };
}

const BROKEN = Symbol('kopilka.brokenConnection');
type MaybeBroken = pg.PoolClient & { [BROKEN]?: boolean };
const markBroken = (client: pg.PoolClient) => ((client as MaybeBroken)[BROKEN] = true);

/**
 * A connection whose statement timed out on the client side still has that statement running (or
 * a frozen server behind it), and one that failed is unusable: either is released with an error,
 * so that pg-pool closes it instead of handing it to the next request.
 */
function releasingBroken(pool: pg.Pool) {
  return {
    connect: async () => {
      const client = (await pool.connect()) as MaybeBroken;
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => release(err ?? (client[BROKEN] ? new Error('the connection failed or timed out') : undefined));
      return client;
    },
    end: () => pool.end(),
  };
}

/** Errors that leave a connection unusable whatever the pool thinks of it. */
function breaksConnection(err: unknown): boolean {
  const message = (err as Error | undefined)?.message ?? '';
  return message === 'Query read timeout' || message.startsWith('Connection terminated');
}

/**
 * One process owns an embedded data directory. The lock file holds the owner's pid; a lock left
 * by a process that no longer runs is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'kopilka.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(lockPath, 'utf8'));
      if (owner && owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `the data directory ${dataDir} is in use by process ${owner}; stop it first (one process owns an embedded database)`,
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock the data directory ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableName: 'kopilka_migrations', migrationLockTableName: 'kopilka_migrations_lock' });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
