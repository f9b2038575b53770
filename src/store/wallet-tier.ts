import type { Executor } from './executor.js';

/**
 * The member's tier as their wallet holds it, or undefined without a wallet. (A reader of the tier
 * columns that tier-state.ts writes; it lives apart only while tier-state.ts is being rewritten in
 * the purchase-path work, issue 13, and may join it then.)
 */
export async function walletTier(db: Executor, memberId: string): Promise<{ tierId: string | null; since: Date | null } | undefined> {
  const w = await db.selectFrom('wallets').select(['tier_id', 'tier_since']).where('member_id', '=', memberId).executeTakeFirst();
  return w && { tierId: w.tier_id, since: w.tier_since };
}
