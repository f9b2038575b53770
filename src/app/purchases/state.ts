/**
 * Loads what deciding members' purchases needs, for a whole batch at once: the members' ledgers
 * and rule reads in one statement (store/purchase-loader.ts), the tier reviews due (reads only
 * when one is), and the tier qualification totals of every member in one more. Returns, per item,
 * the ledger and the rule state the domain decides with.
 */
import type { CompiledRules } from '../../domain/rules/compile.js';
import type { MemberLedger } from '../../domain/purchase-plan.js';
import { limitedCampaigns, needsSegments, presentedSeries, ruleStateOf, tierStepOf, type MemberRuleState, type RuleMember, type RulesContext, type TierStep, type WalletFacts } from '../../domain/purchase-rules.js';
import { decideTier, tierWindows } from '../../domain/tiers.js';
import type { Executor } from '../../store/executor.js';
import { loadMemberReads, qualifyingTotalsMany } from '../../store/purchase-loader.js';
import { dueTierReviews } from '../rules/tier-reviews.js';

export interface DecisionItem {
  rc: RulesContext;
  member: RuleMember;
  wallet: WalletFacts;
  place: { storeId: string | null; channel: string | null };
  occurredAt: Date;
  /** The campaigns that may apply (default: the purchase campaigns). */
  campaigns?: CompiledRules['purchase'];
}

export interface DecisionState {
  ledger: MemberLedger;
  rules: MemberRuleState;
}

export async function loadDecisionStates(db: Executor, items: readonly DecisionItem[]): Promise<DecisionState[]> {
  const reads = await loadMemberReads(
    db,
    items.map((i) => {
      const campaigns = i.campaigns ?? i.rc.compiled.purchase;
      const tiers = i.rc.compiled.tierPolicy !== null && i.rc.compiled.tierList.length > 0;
      return {
        memberId: i.member.memberId,
        usage: limitedCampaigns(campaigns, i.occurredAt, i.rc.compiled.settings.timeZone).map((l) => ({ campaignId: l.id, period: l.key })),
        seriesIds: presentedSeries(i.rc),
        segments: needsSegments(campaigns),
        membershipsAt: tiers ? i.occurredAt : null,
      };
    }),
  );
  const tiers = await tierSteps(db, items, (memberId) => reads.get(memberId)!.membershipTierIds);
  return items.map((i, k) => {
    const r = reads.get(i.member.memberId)!;
    return {
      ledger: r.ledger,
      rules: ruleStateOf(i.rc, i.member, i.wallet, { usage: r.usage, seriesUses: r.seriesUses, segmentIds: r.segmentIds, tier: tiers[k] ?? null }, i.place, i.occurredAt),
    };
  });
}

/** Each item's tier step (null where the program has no tiers): the reviews due, then the totals of every member's windows in one statement. */
async function tierSteps(db: Executor, items: readonly DecisionItem[], memberships: (memberId: string) => string[]): Promise<(TierStep | null)[]> {
  const pending: { k: number; reviews: Awaited<ReturnType<typeof dueTierReviews>>; windows: ReturnType<typeof tierWindows> }[] = [];
  for (const [k, i] of items.entries()) {
    const rules = i.rc.compiled;
    const policy = rules.tierPolicy;
    if (!policy || rules.tierList.length === 0) continue;
    // Periods that ended before the purchase are reviewed one by one first, each with its own totals.
    const reviews = await dueTierReviews(db, rules, i.member.memberId, { tierId: i.wallet.tierId, since: i.wallet.tierSince }, i.occurredAt);
    pending.push({ k, reviews, windows: tierWindows(policy, reviews.state, i.occurredAt, rules.settings.timeZone) });
  }
  const asked = pending.flatMap((p) => {
    const memberId = items[p.k]!.member.memberId;
    const w = [{ memberId, from: p.windows.current.from, to: p.windows.current.to }];
    if (p.windows.review) w.push({ memberId, from: p.windows.review.from, to: p.windows.review.to });
    return w;
  });
  const totals = await qualifyingTotalsMany(db, asked);
  const out: (TierStep | null)[] = items.map(() => null);
  let n = 0;
  for (const p of pending) {
    const i = items[p.k]!;
    const rules = i.rc.compiled;
    const current = totals[n++]!;
    const review = p.windows.review ? totals[n++]! : null;
    const before = decideTier(rules.tierList, rules.tierPolicy!, p.reviews.state, { current, review }, i.occurredAt, rules.settings.timeZone);
    out[p.k] = tierStepOf(rules, i.wallet.tierId, p.reviews.decisions, before, { current, review }, memberships(i.member.memberId));
  }
  return out;
}
