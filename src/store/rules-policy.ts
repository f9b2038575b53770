import type { Executor } from './executor.js';
import { json } from './executor.js';

/** The program's tier policy (qualification window and grace), part of the rules' working copy. */
export async function findTierPolicy(db: Executor, programId: string): Promise<unknown> {
  const row = await db.selectFrom('programs').select('tier_policy').where('program_id', '=', programId).executeTakeFirst();
  return row?.tier_policy ?? null;
}

export async function setTierPolicy(db: Executor, programId: string, policy: unknown): Promise<void> {
  await db.updateTable('programs').set({ tier_policy: policy === null ? null : json(policy) }).where('program_id', '=', programId).execute();
}
