import type { Executor } from './executor.js';
import { json } from './executor.js';

/** The program's stored analytics settings (as saved; the caller fills defaults), or undefined. */
export async function findAnalyticsSettings(db: Executor, programId: string): Promise<unknown> {
  const r = await db.selectFrom('analytics_settings').select('settings').where('program_id', '=', programId).executeTakeFirst();
  return r?.settings;
}

export async function saveAnalyticsSettings(db: Executor, programId: string, settings: unknown, at: Date): Promise<void> {
  await db
    .insertInto('analytics_settings')
    .values({ program_id: programId, settings: json(settings), updated_at: at })
    .onConflict((oc) => oc.column('program_id').doUpdateSet({ settings: json(settings), updated_at: at }))
    .execute();
}
