import type { Executor } from './executor.js';
import { json } from './executor.js';
import type { ImportsTable } from './schema.js';

/** Records the start of an import run. */
export async function insertImportRun(
  db: Executor,
  r: { programId: string; importId: string; kind: ImportsTable['kind']; source: string; options: unknown; actor: string; at: Date },
): Promise<void> {
  await db
    .insertInto('imports')
    .values({
      program_id: r.programId,
      import_id: r.importId,
      kind: r.kind,
      source: r.source,
      options: json(r.options),
      actor: r.actor,
      status: 'running',
      counts: json({}),
      error: null,
      started_at: r.at,
      finished_at: null,
    })
    .execute();
}

/** Records how an import run ended. */
export async function finishImportRun(
  db: Executor,
  r: { programId: string; importId: string; status: 'completed' | 'failed'; counts: Record<string, number>; error: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('imports')
    .set({ status: r.status, counts: json(r.counts), error: r.error, finished_at: r.at })
    .where('program_id', '=', r.programId)
    .where('import_id', '=', r.importId)
    .execute();
}

export interface ImportRunRow {
  importId: string;
  kind: ImportsTable['kind'];
  source: string;
  status: 'running' | 'completed' | 'failed';
  counts: Record<string, number>;
  startedAt: Date;
  finishedAt: Date | null;
}

export async function listImportRuns(db: Executor, programId: string, limit: number): Promise<ImportRunRow[]> {
  const rows = await db.selectFrom('imports').selectAll().where('program_id', '=', programId).orderBy('started_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ importId: r.import_id, kind: r.kind, source: r.source, status: r.status, counts: r.counts, startedAt: r.started_at, finishedAt: r.finished_at }));
}
