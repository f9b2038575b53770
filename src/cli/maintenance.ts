import { parseArgs, type ParseArgsConfig } from 'node:util';
import { fillDemo, DemoRefused } from '../app/demo/fill.js';
import type { Config } from '../config.js';
import { backupEmbedded, type Database, isEmptyDataDir, migrateToLatest, openDatabase, restoreEmbedded, RestoreRefused } from '../app/database.js';

/** backup, restore and demo. Returns the exit code: 0 done, 1 failed or refused, 2 wrong usage. */
export async function runMaintenance(config: Config, command: string, args: string[]): Promise<number> {
  switch (command) {
    case 'backup':
      return backup(config, args);
    case 'restore':
      return restore(config, args);
    case 'demo':
      return demo(config, args);
  }
  console.error(`kopilka: unknown command ${command}`);
  return 2;
}

class UsageError extends Error {}

function options<T extends NonNullable<ParseArgsConfig['options']>>(command: string, usage: string, args: string[], spec: T) {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(`kopilka ${command}: ${(err as Error).message}\nusage: kopilka ${usage}`);
  }
}

async function usage(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}

const BACKUP_USAGE = 'backup --out FILE';
const RESTORE_USAGE = 'restore --from FILE [--force]';
const DEMO_USAGE = 'demo [--program ID] [--members 2000] [--months 6] [--seed 1]';

function backup(config: Config, args: string[]): Promise<number> {
  return usage(async () => {
    const o = options('backup', BACKUP_USAGE, args, { out: { type: 'string' } });
    if (!o.out) throw new UsageError(`kopilka backup: --out FILE is required\nusage: kopilka ${BACKUP_USAGE}`);
    if (config.databaseUrl) {
      console.error(
        'kopilka backup: DATABASE_URL is set, and this command backs up only the embedded database (DATA_DIR).\n' +
          'Back up PostgreSQL with its own tools, e.g.  pg_dump --format=custom --file=kopilka.dump "$DATABASE_URL"',
      );
      return 2;
    }
    if (isEmptyDataDir(config.dataDir)) {
      console.error(`kopilka backup: nothing to back up: the data directory ${config.dataDir} does not exist or is empty (check DATA_DIR)`);
      return 1;
    }
    const database = await openExclusively(config, 'backup');
    if (!database) return 1;
    try {
      const started = Date.now();
      const { bytes, file } = await backupEmbedded(database, o.out);
      console.log(`backup written: ${file} (${formatBytes(bytes)}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      console.log(`restore it with: DATA_DIR=<an empty directory> kopilka restore --from ${file}`);
      return 0;
    } finally {
      await database.close();
    }
  });
}

/** Opens the embedded database for a command that needs it to itself, or explains why it cannot. */
async function openExclusively(config: Config, command: string): Promise<Database | undefined> {
  try {
    return await openDatabase({ dataDir: config.dataDir });
  } catch (err) {
    console.error(
      `kopilka ${command}: cannot open the data directory ${config.dataDir}: ${(err as Error).message}\n` +
        `The ${command} needs the embedded database to itself: stop the server (kopilka serve) and any other kopilka command using this DATA_DIR, then run it again.`,
    );
    return undefined;
  }
}

function restore(config: Config, args: string[]): Promise<number> {
  return usage(async () => {
    const o = options('restore', RESTORE_USAGE, args, { from: { type: 'string' }, force: { type: 'boolean' } });
    if (!o.from) throw new UsageError(`kopilka restore: --from FILE is required\nusage: kopilka ${RESTORE_USAGE}`);
    if (config.databaseUrl) {
      console.error(
        'kopilka restore: DATABASE_URL is set, and this command restores only the embedded database (DATA_DIR).\n' +
          'Restore PostgreSQL with its own tools, e.g.  pg_restore --dbname="$DATABASE_URL" kopilka.dump',
      );
      return 2;
    }
    try {
      const started = Date.now();
      const r = await restoreEmbedded(o.from, config.dataDir, { force: o.force === true });
      if (r.movedAside) console.log(`the previous data directory was moved aside to ${r.movedAside}`);
      console.log(`restored ${o.from} (${formatBytes(r.bytes)}) into ${r.dataDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(r.migrationsApplied.length > 0 ? `migrations applied: ${r.migrationsApplied.join(', ')}` : 'the schema is up to date');
      console.log(`the database holds ${r.programs} program(s) and ${r.members} member(s); check it with: kopilka verify`);
      return 0;
    } catch (err) {
      if (err instanceof RestoreRefused) console.error(`kopilka restore: ${err.message}`);
      else console.error(`kopilka restore: could not restore from ${o.from}: ${(err as Error).message} (is it a complete backup made by kopilka backup?). ${config.dataDir} was left as it was.`);
      return 1;
    }
  });
}

function demo(config: Config, args: string[]): Promise<number> {
  return usage(async () => {
    const o = options('demo', DEMO_USAGE, args, {
      program: { type: 'string' },
      members: { type: 'string', default: '2000' },
      months: { type: 'string', default: '6' },
      seed: { type: 'string', default: '1' },
    });
    const int = (name: string, raw: string, min: number, max: number) => {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`kopilka demo: --${name} must be a whole number from ${min} to ${max}\nusage: kopilka ${DEMO_USAGE}`);
      return n;
    };
    const members = int('members', o.members, 1, 1_000_000);
    const months = int('months', o.months, 1, 60);
    const seed = int('seed', o.seed, 0, 2 ** 32 - 1);
    const database = config.databaseUrl
      ? await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 4 })
      : await openExclusively(config, 'demo');
    if (!database) return 1;
    try {
      await migrateToLatest(database.db);
      const started = Date.now();
      const s = await fillDemo(database.db, { programId: o.program, members, months, seed, onProgress: (line) => console.log(line) });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const money = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: s.currency });
      const minor = 10 ** (money.resolvedOptions().maximumFractionDigits ?? 2);
      const n = (x: number) => x.toLocaleString('en-US');
      console.log(`demo: done in ${seconds} s`);
      console.log(`  program    ${s.programId} (${s.programName}${s.programCreated ? ', created now' : ''})`);
      console.log(`  period     ${s.from.toISOString().slice(0, 10)} … ${s.to.toISOString().slice(0, 10)}`);
      console.log(`  stores     ${s.stores}`);
      console.log(`  members    ${n(s.members)}`);
      console.log(`  purchases  ${n(s.purchases)} (${n(s.memberPurchases)} by members, ${n(s.anonymousPurchases)} without a member; ${n(s.purchasesSpendingPoints)} paid partly with points)`);
      console.log(`  returns    ${n(s.returns)}`);
      console.log(`  revenue    ${money.format(s.revenue / minor)}`);
      console.log(`  points     issued ${n(s.pointsIssued)}, redeemed ${n(s.pointsRedeemed)}, expired ${n(s.pointsExpired)}; members hold ${n(s.memberBalances)}`);
      console.log(s.booksBalance ? '  the books balance' : '  THE BOOKS DO NOT BALANCE: run kopilka verify for the details');
      return s.booksBalance ? 0 : 1;
    } catch (err) {
      if (!(err instanceof DemoRefused)) throw err;
      console.error(`kopilka demo: ${err.message}`);
      return 1;
    } finally {
      await database.close();
    }
  });
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
