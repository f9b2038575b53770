import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { lockDataDir, migrateToLatest, type Database } from './db.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

/*
 * Backup and restore of the embedded database (PGlite). A backup is PGlite's own dump of the
 * data directory: a gzip-compressed tar of the PostgreSQL cluster. PostgreSQL proper is backed
 * up with its own tools (pg_dump, base backups), never with these.
 */

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** The lock file of src/store/db.ts: it must not travel inside a dump. */
const LOCK_FILE = 'kopilka.lock';

/** A directory that does not exist, or holds nothing but a stale lock file, counts as empty. */
export function isEmptyDataDir(dataDir: string): boolean {
  if (!fs.existsSync(dataDir)) return true;
  return fs.readdirSync(dataDir).every((f) => f === LOCK_FILE);
}

/**
 * Writes a consistent dump of an open embedded database to `file`. The caller holds the data
 * directory's lock (openDatabase takes it), so nothing else writes while the dump is taken; a
 * checkpoint first puts every committed change into the data files, so that the dump starts
 * without crash recovery. The file is written beside its final name and renamed into place:
 * an interrupted backup never leaves a truncated file under the name asked for.
 */
export async function backupEmbedded(database: Database, file: string): Promise<{ bytes: number; file: string }> {
  const pglite = database.pglite;
  if (database.kind !== 'pglite' || !pglite) throw new Error('only the embedded database can be backed up this way; use pg_dump for PostgreSQL');
  await sql`checkpoint`.execute(database.db);
  const dump = await pglite.dumpDataDir('gzip');
  const bytes = Buffer.from(await dump.arrayBuffer());
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.partial-${process.pid}`;
  try {
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, target);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return { bytes: bytes.length, file: target };
}

export interface RestoreResult {
  dataDir: string;
  bytes: number;
  /** Where the data directory that was there before went (with force), or null. */
  movedAside: string | null;
  migrationsApplied: string[];
  programs: number;
  members: number;
}

/**
 * Loads a dump made by backupEmbedded into `dataDir`, then brings its schema up to date. The
 * directory must be empty or absent; with `force` a non-empty one is moved aside to
 * `<dataDir>.old-<timestamp>` (never deleted). If the restore fails, the new directory is
 * removed and the old one is moved back.
 */
export async function restoreEmbedded(file: string, dataDir: string, options: { force?: boolean; now?: Date } = {}): Promise<RestoreResult> {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new RestoreRefused(`the backup file ${source} does not exist`);
  const bytes = fs.readFileSync(source);
  if (bytes.length < 2 || bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) {
    throw new RestoreRefused(`${source} is not a kopilka backup (expected a gzip-compressed dump made by \`kopilka backup\`)`);
  }
  const target = path.resolve(dataDir);
  let movedAside: string | null = null;
  if (!isEmptyDataDir(target)) {
    if (!options.force) {
      throw new RestoreRefused(
        `the data directory ${target} is not empty; restore only loads into an empty directory. ` +
          `Point DATA_DIR at a new directory, or add --force to move the existing one aside (to ${target}.old-<timestamp>) first`,
      );
    }
    // Moving a directory that a running server owns would pull it from under the server.
    try {
      lockDataDir(target)();
    } catch (err) {
      throw new RestoreRefused(`${(err as Error).message}. Stop the server before restoring into its data directory`);
    }
    movedAside = `${target}.old-${timestampOf(options.now ?? new Date())}`;
    fs.renameSync(target, movedAside);
  }
  const createdDir = !fs.existsSync(target);
  fs.mkdirSync(target, { recursive: true });
  let release: (() => void) | undefined;
  try {
    release = lockDataDir(target);
  } catch (err) {
    const aside = movedAside ? ` (the previous directory is at ${movedAside})` : '';
    throw new RestoreRefused(`${(err as Error).message}${aside}`);
  }
  try {
    const pglite = await PGlite.create({ dataDir: target, loadDataDir: new Blob([bytes]) });
    // The dump carries the lock file of the process that made it: the lock is ours again.
    fs.writeFileSync(path.join(target, LOCK_FILE), String(process.pid));
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    try {
      const migrations = await migrateToLatest(db);
      const counts = await sql<{ programs: number; members: number }>`
        select (select count(*) from programs)::int as programs, (select count(*) from members)::int as members`.execute(db);
      return {
        dataDir: target,
        bytes: bytes.length,
        movedAside,
        migrationsApplied: (migrations.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
        programs: counts.rows[0]?.programs ?? 0,
        members: counts.rows[0]?.members ?? 0,
      };
    } finally {
      await db.destroy();
      await pglite.close();
    }
  } catch (err) {
    release?.();
    release = undefined;
    // Leave things as they were: drop the half-loaded directory, bring the old one back.
    fs.rmSync(target, { recursive: true, force: true });
    if (movedAside) fs.renameSync(movedAside, target);
    else if (!createdDir) fs.mkdirSync(target, { recursive: true });
    throw err;
  } finally {
    release?.();
  }
}

/** A restore that was refused before anything was touched. */
export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

function timestampOf(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
