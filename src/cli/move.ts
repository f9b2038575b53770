import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { isEmptyDataDir, migrateToLatest, moveDatabase, MoveRefused, openDatabase } from '../app/database.js';

export const MOVE_USAGE = 'move --to postgres://… [--from-data-dir ./data] [--batch-size 2000]';

/**
 * `kopilka move`: the embedded database in DATA_DIR (or --from-data-dir) into an empty PostgreSQL
 * database (docs/operations.md, "Moving from the embedded database to PostgreSQL"). Returns the
 * exit code: 0 moved and checked, 1 refused or the check found a difference, 2 wrong usage.
 */
export async function runMove(config: Config, args: string[]): Promise<number> {
  let o: { to?: string | undefined; 'from-data-dir'?: string | undefined; 'batch-size'?: string | undefined };
  try {
    o = parseArgs({ args, options: { to: { type: 'string' }, 'from-data-dir': { type: 'string' }, 'batch-size': { type: 'string' } }, strict: true, allowPositionals: false }).values;
  } catch (err) {
    console.error(`kopilka move: ${(err as Error).message}\nusage: kopilka ${MOVE_USAGE}`);
    return 2;
  }
  const batchSize = o['batch-size'] === undefined ? 2_000 : Number(o['batch-size']);
  if (!o.to || !/^postgres(ql)?:\/\//.test(o.to) || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000) {
    console.error(`kopilka move: --to must be a postgres:// connection string (and --batch-size a whole number up to 50000)\nusage: kopilka ${MOVE_USAGE}`);
    return 2;
  }
  const dataDir = o['from-data-dir'] ?? config.dataDir;
  if (isEmptyDataDir(dataDir)) {
    console.error(`kopilka move: there is no embedded database in ${dataDir} (set --from-data-dir or DATA_DIR)`);
    return 1;
  }
  const source = await openDatabase({ dataDir });
  try {
    const target = await openDatabase({ databaseUrl: o.to, poolSize: 2 });
    try {
      await migrateToLatest(source.db);
      await migrateToLatest(target.db);
      console.log(`moving the embedded database in ${dataDir} to ${redact(o.to)}…`);
      const started = Date.now();
      const report = await moveDatabase(source.db, target.db, {
        batchSize,
        onProgress: (p) => {
          if (p.done && p.rows > 0) console.log(`  ${p.table.padEnd(30)} ${p.rows.toLocaleString('en').padStart(12)} row(s)`);
        },
      });
      console.log(`copied ${report.rows.toLocaleString('en')} row(s) of ${report.tables.length} tables in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`checked ${report.books.programs} program(s), ${report.books.members} member(s), ${report.books.lots} lot(s), ${report.books.entries} entr(ies) on the target`);
      for (const p of report.problems) console.log(`DIFFERENCE ${p}`);
      if (report.problems.length > 0) {
        console.log(`${report.problems.length} difference(s): do not switch to the target; the embedded database is unchanged`);
        return 1;
      }
      console.log('the row counts agree and the books balance on the target, with the same balances');
      console.log(`Start the server on PostgreSQL: DATABASE_URL=${redact(o.to)} npm start (keep ${dataDir} until you are sure)`);
      return 0;
    } finally {
      await target.close();
    }
  } catch (err) {
    if (err instanceof MoveRefused) {
      console.error(`kopilka move: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await source.close();
  }
}

/** The connection string without its password, for printing. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the target';
  }
}
