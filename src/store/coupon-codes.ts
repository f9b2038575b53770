import type { Executor } from './executor.js';

/**
 * Which of these codes the series holds (after an insert that skipped codes already taken). It lives
 * apart from coupons.ts only while that file is being rewritten in the purchase-path work, issue 13,
 * and may join it then.
 */
export async function codesOfSeries(db: Executor, programId: string, seriesId: string, codes: string[]): Promise<string[]> {
  const rows = await db.selectFrom('coupons').select('code').where('program_id', '=', programId).where('series_id', '=', seriesId).where('code', 'in', codes).execute();
  return rows.map((r) => r.code);
}
