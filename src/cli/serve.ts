import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import closeWithGrace from 'close-with-grace';
import { createContext, DEFAULT_AUTH, type AuthSettings } from '../app/context.js';
import { firstStart, firstStartLines } from '../app/first-start.js';
import { serverNodeFlags, type Config } from '../config.js';
import { buildApp } from '../http/app.js';
import { startOutbox } from '../jobs/outbox.js';
import { startJobs } from '../jobs/scheduler.js';
import { transportsFromConfig } from '../jobs/transports.js';
import { databaseFailure, migrateToLatest, openDatabase } from '../app/database.js';

/** Sessions and code delivery as the configuration sets them (docs/auth.md). */
export function authSettings(config: Config): AuthSettings {
  return {
    ...DEFAULT_AUTH,
    adminSession: { ...DEFAULT_AUTH.adminSession, idleMs: config.adminSessionIdleMinutes * 60_000, maxMs: config.adminSessionMaxHours * 3_600_000 },
    memberSession: { ...DEFAULT_AUTH.memberSession, idleMs: config.memberSessionDays * 86_400_000 },
    delivery: { email: Boolean(config.smtp) || !config.production, sms: Boolean(config.smsWebhook) || !config.production },
    operatorKeyHashes: config.operatorKeyHashes,
  };
}

/** The built web apps: <package>/dist/web, whether this runs compiled (dist/cli) or from source (src/cli). */
const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** `kopilka serve`: migrate, make a demo program on first start, listen, run the jobs and the outbox. */
export async function serve(config: Config): Promise<void> {
  const dropped = droppedConnectionLog();
  if (config.databaseUrl) await migratePostgres(config.databaseUrl);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.poolSize,
    timeouts: { connectMs: config.dbConnectTimeoutMs, statementMs: config.dbStatementTimeoutMs },
    onConnectionError: dropped.note,
  });
  if (!config.databaseUrl) await migrateToLatest(database.db);
  // On PostgreSQL the analytics tasks run in worker threads with heaps of their own (src/app/isolated/run.ts).
  const isolation = config.databaseUrl ? { databaseUrl: config.databaseUrl, maxHeapMb: config.analyticsHeapMb } : undefined;
  const ctx = createContext(database.db, { auth: authSettings(config), idempotencyRetentionMs: config.idempotencyRetentionHours * 3_600_000, ...(isolation ? { isolation } : {}) });
  const app = await buildApp(ctx, { logger: { level: config.logLevel }, purchaseBatchSize: config.purchaseBatchSize, trustProxy: config.trustProxy, webRoot: WEB_ROOT, requestTimeoutMs: config.requestTimeoutMs });
  dropped.logTo(app.log);
  const where = database.kind === 'pglite' ? `embedded database in ${config.dataDir} (PGlite; no fsync — for trials, development and small single-store use; back it up with \`kopilka backup\`)` : 'PostgreSQL';
  app.log.info(`storage: ${where}`);
  const heapMb = Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
  if (database.kind === 'postgres' && heapMb > 1024) {
    // Uncapped, V8 lets a loaded server's heap grow far past what it uses (docs/operations.md, "Memory").
    app.log.warn(`the server's heap is not capped (${heapMb} MB): under load it may use more memory than it needs; start it as \`npm start\` does (node ${serverNodeFlags().join(' ')} …)`);
  } else {
    app.log.info(`heap limit ${heapMb} MB; analytics tasks ${database.kind === 'postgres' ? `in worker threads of up to ${config.analyticsHeapMb} MB` : 'in this process (embedded database)'}`);
  }

  const lines = firstStartLines(await firstStart(ctx, { production: config.production }));
  if (lines.length > 0) console.log(['', ...lines, ''].join('\n'));

  const transports = transportsFromConfig(config, app.log);
  for (const channel of ['email', 'sms'] as const) {
    const t = transports[channel];
    if (t && !config.production && !(channel === 'email' ? config.smtp : config.smsWebhook)) {
      app.log.warn(`development mode (NODE_ENV is not production): member sign-in codes by ${channel === 'sms' ? 'SMS' : 'e-mail'} are written to the log, not sent`);
    } else if (t) {
      app.log.info(`member sign-in codes: ${t.description}`);
    } else {
      app.log.warn(`no ${channel === 'sms' ? 'SMS (SMS_WEBHOOK_URL)' : 'e-mail (SMTP_HOST)'} delivery is configured: members cannot get sign-in codes by ${channel === 'sms' ? 'phone' : 'e-mail'}`);
    }
  }

  const stopJobs = startJobs(ctx, config.jobIntervalSeconds, app.log);
  const stopOutbox = startOutbox(ctx, transports, config.outboxIntervalSeconds, app.log, config.outboxMaxAttempts);
  const address = await app.listen({ port: config.port, host: config.host });
  console.log(`Kopilka listens on ${address}  (member app: ${address}/app, admin panel: ${address}/admin, API reference: ${address}/docs, health: ${address}/health)`);

  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    await stopOutbox();
    await stopJobs();
    await app.close();
    await database.close();
  });
}

/**
 * Migrations on a connection of their own without the server's statement bound (an index on a
 * large table may rightly take minutes), retried while the database is still starting: several
 * servers and their database often start together. Kysely's migration lock serialises them.
 */
async function migratePostgres(databaseUrl: string): Promise<void> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const database = await openDatabase({ databaseUrl, poolSize: 1, onConnectionError: () => {} });
    try {
      await migrateToLatest(database.db);
      return;
    } catch (err) {
      if (databaseFailure(err) !== 'unavailable' || Date.now() - started > START_WAIT_MS) throw err;
      if (attempt === 1) console.error(`kopilka: waiting for PostgreSQL (${(err as Error).message}); giving up after ${START_WAIT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await database.close();
    }
  }
}

/** How long a starting server waits for PostgreSQL to accept connections. */
const START_WAIT_MS = 60_000;

/**
 * Connections the database dropped (a restart drops every idle one at once): one log line per
 * ten seconds with a count, instead of one per connection.
 */
function droppedConnectionLog() {
  let log: { warn(obj: object, msg: string): void } | undefined;
  let count = 0;
  let last = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (count === 0) return;
    const line = { dropped: count, reason: last };
    if (log) log.warn(line, 'PostgreSQL dropped connections; the pool opens new ones as they are needed');
    else console.error(`kopilka: PostgreSQL dropped ${count} connection(s): ${last}`);
    count = 0;
  };
  return {
    // The first drop is logged at once; the others of the next ten seconds together after them.
    note: (err: Error) => {
      count++;
      last = err.message;
      if (timer) return;
      flush();
      timer = setTimeout(() => {
        timer = undefined;
        flush();
      }, 10_000);
      timer.unref();
    },
    logTo: (l: { warn(obj: object, msg: string): void }) => {
      log = l;
    },
  };
}
