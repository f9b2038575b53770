import type { Readable } from 'node:stream';
import { DomainError } from '../../domain/errors.js';
import { resolveMapping } from '../../domain/import/mapping.js';
import { finishImportRun, insertImportRun, listImportRuns, type ImportRunRow } from '../../store/imports.js';
import type { Actor, AppContext } from '../context.js';
import { BalanceImporter } from './balances.js';
import { addCounts, rejectAll, type BatchOutcome, type Importer, type Item } from './batch.js';
import { decodeInput, type DecodedInput } from './decode.js';
import { MemberImporter } from './members.js';
import { recordedOptions, resolveOptions, type ResolvedOptions } from './options.js';
import { PurchaseImporter } from './purchases.js';
import { RecordSource, type SourceRecord } from './source.js';
import { emptyCounts, type ImportCounts, type ImportHooks, type ImportOptions, type ImportReport, type RejectedRow } from './types.js';

/**
 * Imports a file of members, purchases or opening balances (the CLI's `kopilka import` and the upload endpoints).
 * The file is read as a stream and written in batches, each one transaction; while a batch is
 * written the next one is read and checked, so at most two batches are in memory. A row that
 * fails a check is refused before its batch is written; a batch that fails for a reason no row
 * explains is written again row by row, so only the row at fault is refused. Every run is
 * recorded in `imports`. Throws INVALID_IMPORT (nothing written) when the options or the mapping
 * cannot work.
 */
export async function runImport(ctx: AppContext, actor: Actor, input: Readable, options: ImportOptions, hooks: ImportHooks = {}): Promise<ImportReport> {
  const started = Date.now();
  let decoded: DecodedInput | undefined;
  try {
    const o = resolveOptions(options);
    const program = await ctx.programs.get(actor.programId);
    decoded = await decodeInput(input, o.encoding);
    const source = new RecordSource(decoded.stream, o.delimiter);
    const records = source.records();
    let columns = o.columns;
    if (o.header) {
      const first = await firstRecord(records);
      if (!first) throw new DomainError('INVALID_IMPORT', 'the file is empty: not even a header line');
      columns ??= first.values.map((v) => v.trim());
    }
    const mapping = resolveMapping(o.kind, columns!, o.map);
    const importId = ctx.newId();
    const importer: Importer<Item> =
      o.kind === 'members'
        ? new MemberImporter(ctx, program, mapping, columns!, o.onExisting)
        : o.kind === 'balances'
          ? new BalanceImporter(ctx, program, mapping, columns!, { importId, actor: actor.name })
          : new PurchaseImporter(ctx, program, mapping, columns!, { amounts: o.amounts, createMembers: o.createMembers, earn: o.earn });
    await insertImportRun(ctx.db, { programId: program.programId, importId, kind: o.kind, source: o.source, options: recordedOptions(o), actor: actor.name, at: ctx.clock() });
    hooks.onStart?.(columns!);
    const run = new Run(importer, o, source, hooks);
    try {
      await run.readAll(records);
    } catch (err) {
      await finishImportRun(ctx.db, { programId: program.programId, importId, status: 'failed', counts: { ...run.counts }, error: (err as Error).message, at: ctx.clock() });
      throw err;
    }
    await finishImportRun(ctx.db, { programId: program.programId, importId, status: 'completed', counts: { ...run.counts }, error: null, at: ctx.clock() });
    return { importId, kind: o.kind, source: o.source, encoding: decoded.encoding, ...run.counts, ignoredColumns: mapping.ignored, seconds: (Date.now() - started) / 1000 };
  } catch (err) {
    // What is left of the input is read and dropped, so that an upload's connection stays usable.
    if (decoded) decoded.drain();
    else input.resume();
    throw err;
  }
}

async function firstRecord(records: AsyncGenerator<SourceRecord>): Promise<SourceRecord | undefined> {
  for (;;) {
    const next = await records.next();
    if (next.done) return undefined;
    if (!next.value.error) return next.value;
  }
}

/** One import's reading, batching and writing, and its counts. */
class Run {
  readonly counts: ImportCounts = emptyCounts();
  #batch: Item[] = [];
  #writing: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | null = null;

  constructor(
    private readonly importer: Importer<Item>,
    private readonly o: ResolvedOptions,
    private readonly source: RecordSource,
    private readonly hooks: ImportHooks,
  ) {}

  async readAll(records: AsyncGenerator<SourceRecord>): Promise<void> {
    let firstData = true;
    for await (const record of records) {
      if (this.#failure) throw this.#failure.error;
      if (record.error !== undefined) {
        this.counts.rows++;
        this.#reject({ line: record.line, code: 'INVALID_ROW', reason: record.error, values: record.values });
        continue;
      }
      if (firstData && this.o.skipHeaderLike?.(record.values)) {
        firstData = false;
        continue;
      }
      firstData = false;
      this.counts.rows++;
      this.#take(this.importer.add(record));
      if (this.#batch.length >= this.o.batchSize) await this.#flush();
    }
    this.#take(this.importer.end());
    await this.#flush();
    await this.#writing;
    if (this.#failure) throw this.#failure.error;
  }

  #take(ready: { items: Item[]; rejects: RejectedRow[] }): void {
    for (const r of ready.rejects) this.#reject(r);
    this.#batch.push(...ready.items);
  }

  #reject(r: RejectedRow): void {
    this.counts.rejected++;
    this.hooks.onReject?.(r);
  }

  /** Starts writing the batch gathered so far, once the one before it is written. */
  async #flush(): Promise<void> {
    await this.#writing;
    const items = this.#batch;
    this.#batch = [];
    if (items.length === 0) return;
    this.#writing = this.#write(items).catch((error: unknown) => {
      this.#failure = { error };
    });
  }

  async #write(items: Item[]): Promise<void> {
    try {
      this.#apply(await this.importer.write(items));
    } catch (batchError) {
      // Something no single row explains: each row on its own, so only the one at fault is refused.
      let failed = 0;
      const refused: RejectedRow[] = [];
      for (const item of items) {
        try {
          this.#apply(await this.importer.write([item]));
        } catch (err) {
          failed++;
          refused.push(...rejectAll(item, 'INTERNAL', `could not be written: ${(err as Error).message}`));
        }
      }
      // Every row failing alike is the database, not the rows: stop, refusing none of them.
      if (items.length > 1 && failed === items.length) throw batchError;
      for (const r of refused) this.#reject(r);
    }
    this.hooks.onProgress?.({ rows: this.counts.rows, rejected: this.counts.rejected, bytes: this.source.bytes });
  }

  #apply(outcome: BatchOutcome): void {
    addCounts(this.counts, outcome.counts);
    for (const r of outcome.rejects) for (const row of rejectAll(r.item, r.code, r.reason)) this.#reject(row);
  }
}

/** The program's recent imports, newest first (at most `limit`). */
export async function recentImports(ctx: AppContext, programId: string, limit: number): Promise<ImportRunRow[]> {
  return listImportRuns(ctx.db, programId, limit);
}
