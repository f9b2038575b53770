import type { Executor } from './executor.js';
import { json } from './executor.js';

export interface ProgramRow {
  programId: string;
  name: string;
  settings: unknown;
  createdAt: Date;
  updatedAt: Date;
}

const toProgram = (r: { program_id: string; name: string; settings: unknown; created_at: Date; updated_at: Date }): ProgramRow => ({
  programId: r.program_id,
  name: r.name,
  settings: r.settings,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function insertProgram(db: Executor, p: { programId: string; name: string; settings: unknown; at: Date }): Promise<void> {
  await db
    .insertInto('programs')
    .values({ program_id: p.programId, name: p.name, settings: json(p.settings), created_at: p.at, updated_at: p.at })
    .execute();
}

export async function findProgram(db: Executor, programId: string): Promise<ProgramRow | undefined> {
  const row = await db.selectFrom('programs').selectAll().where('program_id', '=', programId).executeTakeFirst();
  return row && toProgram(row);
}

export async function listPrograms(db: Executor): Promise<ProgramRow[]> {
  const rows = await db.selectFrom('programs').selectAll().orderBy('created_at').execute();
  return rows.map(toProgram);
}

export async function updateProgram(db: Executor, programId: string, p: { name: string; settings: unknown; at: Date }): Promise<void> {
  await db
    .updateTable('programs')
    .set({ name: p.name, settings: json(p.settings), updated_at: p.at })
    .where('program_id', '=', programId)
    .execute();
}
