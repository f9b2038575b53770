import type { AppContext } from '../context.js';
import { requireMember } from '../members.js';
import { readWalletFacts } from '../../store/purchase-loader.js';
import { loadMemberRuleState, loadRulesContext } from '../purchases/rules.js';
import { tierChangesOf } from '../../store/tier-state.js';

export interface MemberTierView {
  memberId: string;
  /** The tier the member's purchases are evaluated with now (a paid membership may lift it). */
  tier: { id: string; name: string; rank: number; benefits: unknown } | null;
  /** The tier earned by qualification, and the one paid for, if any. */
  qualifiedTierId: string | null;
  membershipTierId: string | null;
  /** When the tier is reviewed next, and, in grace, when it would drop. */
  reviewAt: string | null;
  graceUntil: string | null;
  /** What the member did in the current window, and what the next tier up asks for. */
  window: { spend: number; purchases: number; points: number };
  next: { id: string; name: string; metric: string; min: number; current: number; missing: number } | null;
  history: { at: string; from: string | null; to: string | null; reason: string }[];
}

/** The member's tier as of now (right whether or not a review was written), progress and history. */
export async function getMemberTier(ctx: AppContext, programId: string, memberId: string): Promise<MemberTierView> {
  const program = await ctx.programs.get(programId);
  const member = await requireMember(ctx.db, programId, memberId);
  const now = ctx.clock();
  const rc = await loadRulesContext(ctx, program, now);
  const wallet = await readWalletFacts(ctx.db, memberId);
  const state = await loadMemberRuleState(ctx.db, rc, member, wallet, { storeId: null, channel: null }, now);
  const history = (await tierChangesOf(ctx.db, memberId, 50)).map((c) => ({ at: c.at.toISOString(), from: c.fromTier, to: c.toTier, reason: c.reason }));
  const step = state.tier;
  if (!step) return { memberId, tier: null, qualifiedTierId: null, membershipTierId: null, reviewAt: null, graceUntil: null, window: { spend: 0, purchases: 0, points: 0 }, next: null, history };
  const effective = step.effectiveTierId ? rc.compiled.tiers.get(step.effectiveTierId) : undefined;
  const current = step.totals.current;
  const rank = effective?.rank ?? -1;
  const up = rc.compiled.tierList.find((t) => t.rank > rank);
  const has = up ? current[up.qualification.metric] : 0;
  return {
    memberId,
    tier: effective ? { id: effective.id, name: effective.name, rank: effective.rank, benefits: effective.benefits } : null,
    qualifiedTierId: step.before.tierId,
    membershipTierId: step.membershipTier?.id ?? null,
    reviewAt: step.before.reviewAt?.toISOString() ?? null,
    graceUntil: step.before.graceUntil?.toISOString() ?? null,
    window: current,
    next: up ? { id: up.id, name: up.name, metric: up.qualification.metric, min: up.qualification.min, current: has, missing: Math.max(0, up.qualification.min - has) } : null,
    history,
  };
}
