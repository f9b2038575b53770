import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createContext } from '../app/context.js';
import { parseDelimiter, parseMapPair } from '../app/import/options.js';
import { runImport } from '../app/import/run.js';
import type { ImportFormat, ImportOptions, ImportProgress, ImportReport, RejectedRow } from '../app/import/types.js';
import type { Config } from '../config.js';
import { isDomainError } from '../domain/errors.js';
import { ENCODING_OPTIONS, type EncodingOption } from '../domain/import/encoding.js';
import { migrateToLatest, openDatabase, type Database } from '../app/database.js';

export const IMPORT_USAGE = `kopilka import members FILE --program ID [--map COLUMN=FIELD …] [--delimiter ,|;|tab|whitespace]
                 [--update] [--no-header --columns A,B,C] [--encoding auto|utf-8|windows-1251] [--rejects FILE]
kopilka import balances FILE --program ID [--map COLUMN=FIELD …] [--delimiter …] [--rejects FILE]
kopilka import purchases FILE --program ID [--map COLUMN=FIELD …] [--format csv|cdnow] [--amounts minor|major]
                 [--create-members] [--earn] [--delimiter …] [--no-header --columns …] [--rejects FILE]
  FILE - reads standard input. Exit code: 0 imported, 3 imported with rejected rows, 1 failed, 2 wrong usage.
  See docs/import.md.`;

class UsageError extends Error {}

/** `kopilka import members|purchases|balances FILE …`: the same use case as the upload endpoints. */
export async function runImportCommand(config: Config, args: string[]): Promise<number> {
  let parsed: { file: string; programId: string; options: ImportOptions; rejects: string | undefined };
  try {
    parsed = parse(args);
  } catch (err) {
    if (!(err instanceof UsageError) && !isDomainError(err) && !(err instanceof TypeError)) throw err;
    console.error(`kopilka import: ${(err as Error).message}\nusage: ${IMPORT_USAGE}`);
    return 2;
  }
  const { file, programId, options, rejects } = parsed;
  const database = await open(config);
  if (!database) return 1;
  const input: Readable = file === '-' ? process.stdin : fs.createReadStream(file);
  const size = file === '-' ? null : fs.statSync(file).size;
  const sink = rejects ? new RejectsFile(rejects) : null;
  const shown: RejectedRow[] = [];
  const progress = new Progress(size);
  try {
    await migrateToLatest(database.db);
    const report = await runImport(createContext(database.db), { programId, role: 'admin', name: 'cli' }, input, options, {
      onStart: (columns) => sink?.start(columns),
      onReject: (row) => {
        sink?.write(row);
        if (shown.length < 10) shown.push(row);
      },
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    printReport(report, shown, rejects, options.onExisting === 'update');
    return report.rejected > 0 ? 3 : 0;
  } catch (err) {
    progress.stop();
    if (!isDomainError(err)) throw err;
    console.error(`kopilka import: ${err.message}`);
    return err.code === 'INVALID_IMPORT' ? 2 : 1;
  } finally {
    sink?.close();
    if (input !== process.stdin) input.destroy();
    await database.close();
  }
}

function parse(args: string[]) {
  const { values: o, positionals } = parseArgs({
    args,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    options: {
      program: { type: 'string' },
      map: { type: 'string', multiple: true },
      delimiter: { type: 'string' },
      header: { type: 'boolean' },
      columns: { type: 'string' },
      format: { type: 'string' },
      amounts: { type: 'string' },
      'create-members': { type: 'boolean' },
      earn: { type: 'boolean' },
      update: { type: 'boolean' },
      rejects: { type: 'string' },
      'batch-size': { type: 'string' },
      encoding: { type: 'string' },
    },
  });
  const [kind, file, ...extra] = positionals;
  if (kind !== 'members' && kind !== 'purchases' && kind !== 'balances') throw new UsageError('say what the file holds: members, purchases or balances');
  if (!file) throw new UsageError('FILE is required (- for standard input)');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  if (!o.program) throw new UsageError('--program ID is required');
  if (file !== '-' && !fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  if (o.format !== undefined && o.format !== 'csv' && o.format !== 'cdnow') throw new UsageError('--format must be csv or cdnow');
  if (o.amounts !== undefined && o.amounts !== 'minor' && o.amounts !== 'major') throw new UsageError('--amounts must be minor or major');
  if (o.encoding !== undefined && !(ENCODING_OPTIONS as readonly string[]).includes(o.encoding)) throw new UsageError(`--encoding must be one of ${ENCODING_OPTIONS.join(', ')}`);
  const batchSize = o['batch-size'] === undefined ? undefined : Number(o['batch-size']);
  const options: ImportOptions = {
    kind,
    format: o.format as ImportFormat | undefined,
    delimiter: o.delimiter === undefined ? undefined : parseDelimiter(o.delimiter),
    header: o.header,
    columns: o.columns?.split(',').map((c) => c.trim()),
    map: o.map?.map(parseMapPair),
    amounts: o.amounts as 'minor' | 'major' | undefined,
    onExisting: o.update ? 'update' : undefined,
    createMembers: o['create-members'],
    earn: o.earn,
    batchSize,
    encoding: o.encoding as EncodingOption | undefined,
    source: file === '-' ? 'stdin' : path.basename(file),
  };
  return { file, programId: o.program, options, rejects: o.rejects };
}

/** The database, or undefined (with a message) when the embedded one is in use by a server. */
async function open(config: Config): Promise<Database | undefined> {
  try {
    return await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  } catch (err) {
    console.error(`kopilka import: cannot open the database: ${(err as Error).message}\nWith the embedded database, stop the server first, or upload the file to POST /v1/imports/… instead.`);
    return undefined;
  }
}

const n = (x: number) => x.toLocaleString('en-US');

function printReport(r: ImportReport, shown: RejectedRow[], rejectsFile: string | undefined, updating: boolean): void {
  console.log(`import ${r.importId}: ${r.kind} from ${r.source}, ${n(r.rows)} row(s) in ${r.seconds.toFixed(1)} s`);
  console.log(`  encoding   ${r.encoding}`);
  if (r.kind === 'balances') {
    console.log(`  balances   ${n(r.balancesImported)} carried over (${n(r.pointsImported)} points), ${n(r.balancesSkipped)} imported before or zero (skipped)`);
  } else if (r.kind === 'members') {
    console.log(`  members    ${n(r.membersCreated)} created, ${n(r.membersUpdated)} ${updating ? 'updated' : 'filled in'}, ${n(r.membersUnchanged)} ${updating ? 'unchanged' : 'already complete'}`);
  } else {
    console.log(`  purchases  ${n(r.purchasesImported)} imported, ${n(r.purchasesSkipped)} imported before (skipped)`);
    console.log(`  members    ${n(r.membersCreated)} created`);
    if (r.pointsEarned > 0) console.log(`  points     ${n(r.pointsEarned)} earned, ${n(r.pointsExpired)} of them already expired`);
  }
  if (r.ignoredColumns.length > 0) console.log(`  ignored columns: ${r.ignoredColumns.join(', ')}`);
  console.log(`  rejected   ${n(r.rejected)}`);
  for (const row of shown) console.log(`    line ${row.line}: ${row.code} ${row.reason}`);
  if (r.rejected > shown.length) console.log(`    … and ${n(r.rejected - shown.length)} more`);
  if (r.rejected > 0) console.log(rejectsFile ? `  rejected rows with their reasons: ${rejectsFile}` : '  (write them all to a file with --rejects FILE)');
}

/** Rejected rows as CSV: line, code, reason, then the row's own columns — fix them and import the file again. */
class RejectsFile {
  readonly #fd: number;
  #started = false;
  constructor(file: string) {
    this.#fd = fs.openSync(file, 'w');
  }
  start(columns: string[]): void {
    this.#started = true;
    fs.writeSync(this.#fd, csvLine(['line', 'code', 'reason', ...columns]));
  }
  write(row: RejectedRow): void {
    if (!this.#started) this.start([]);
    fs.writeSync(this.#fd, csvLine([String(row.line), row.code, row.reason, ...row.values]));
  }
  close(): void {
    fs.closeSync(this.#fd);
  }
}

const csvLine = (fields: string[]) => `${fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',')}\n`;

/** A progress bar on a terminal; elsewhere a plain line every ten seconds. */
class Progress {
  readonly #bar: cliProgress.SingleBar | null;
  #lastLine = Date.now();
  constructor(private readonly size: number | null) {
    this.#bar = process.stdout.isTTY && size ? new cliProgress.SingleBar({ format: 'import |{bar}| {percentage}% | {rows} rows | {rejected} rejected | {eta_formatted} left', stream: process.stdout, hideCursor: true }, cliProgress.Presets.shades_classic) : null;
    this.#bar?.start(size!, 0, { rows: 0, rejected: 0 });
  }
  update(p: ImportProgress): void {
    if (this.#bar) return this.#bar.update(Math.min(p.bytes, this.size!), { rows: n(p.rows), rejected: n(p.rejected) });
    if (Date.now() - this.#lastLine < 10_000) return;
    this.#lastLine = Date.now();
    console.log(`import: ${n(p.rows)} rows read${this.size ? ` (${Math.round((100 * p.bytes) / this.size)} %)` : ''}, ${n(p.rejected)} rejected`);
  }
  stop(): void {
    this.#bar?.stop();
  }
}
