/**
 * Loads what deciding members' purchases needs, for a whole batch at once: the tier reviews due
 * (reads only when one is), then the members' ledgers, rule reads and tier qualification totals in
 * one statement (store/purchase-loader.ts). Returns, per item, the ledger and the rule state the
 * domain decides with.
 *
 * The purchase path reads before it knows the wallets (`readsBeforeLock`, sent with the claim and
 * lock in one round trip) and finishes with what the lock returned (`statesFrom`): the reads are
 * what `loadDecisionStates` would ask for unless a tier review is due, and a member whose review
 * is due is read again the long way.
 */
import type { CompiledRules } from '../../domain/rules/compile.js';
import type { MemberLedger } from '../../domain/purchase-plan.js';
import { limitedCampaigns, needsSegments, presentedSeries, ruleStateOf, tierStepOf, type MemberRuleState, type RuleMember, type RulesContext, type TierStep, type WalletFacts } from '../../domain/purchase-rules.js';
import { decideTier, nextReviewAt, tierWindows } from '../../domain/tiers.js';
import type { Executor } from '../../store/executor.js';
import { loadMemberReads, type MemberReadRequest, type MemberReads } from '../../store/purchase-loader.js';
import { dueTierReviews } from './tier-reviews.js';

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
  // Tier reviews due before each purchase (they read only when one is), and the windows to total.
  const tiers: (TierPrep | null)[] = [];
  for (const i of items) tiers.push(await tierPrep(db, i));
  const reads = await loadMemberReads(
    db,
    items.map((i, k) => {
      const t = tiers[k];
      return readRequest(i, t ? [t.windows.current, ...(t.windows.review ? [t.windows.review] : [])] : []);
    }),
  );
  return statesOf(items, tiers, reads);
}

/** What a purchase reads before its member's wallet is locked and known (the current tier window only). */
export type ReadItem = Omit<DecisionItem, 'member' | 'wallet'> & { memberId: string };

export function readsBeforeLock(items: readonly ReadItem[]): MemberReadRequest[] {
  return items.map((i) => {
    const rules = i.rc.compiled;
    const policy = rules.tierPolicy;
    const windows = policy && rules.tierList.length > 0 ? [tierWindows(policy, { tierId: null, since: null }, i.occurredAt, rules.settings.timeZone).current] : [];
    return readRequest(i, windows);
  });
}

/**
 * The decision states from the reads made before the lock (`readsBeforeLock`, same items in the
 * same order). With no tier review due, a member's windows are just the current one, so the reads
 * are exactly what `loadDecisionStates` reads; members with a review due are loaded again by it.
 */
export async function statesFrom(db: Executor, items: readonly DecisionItem[], reads: Map<string, MemberReads>): Promise<DecisionState[]> {
  const due = items.map(reviewDue);
  const again = due.some(Boolean) ? await loadDecisionStates(db, items.filter((_, k) => due[k])) : [];
  const ready = items.filter((_, k) => !due[k]);
  const tiers = ready.map((i): TierPrep | null => {
    const rules = i.rc.compiled;
    const policy = rules.tierPolicy;
    if (!policy || rules.tierList.length === 0) return null;
    const state = { tierId: i.wallet.tierId, since: i.wallet.tierSince };
    return { reviews: { decisions: [], state }, windows: tierWindows(policy, state, i.occurredAt, rules.settings.timeZone) };
  });
  const fast = statesOf(ready, tiers, reads);
  let [a, b] = [0, 0];
  return items.map((_, k) => (due[k] ? again[a++]! : fast[b++]!));
}

/** Whether a tier review falls due before the item's purchase (the wallet's period has ended). */
function reviewDue(i: DecisionItem): boolean {
  const rules = i.rc.compiled;
  const policy = rules.tierPolicy;
  if (!policy || rules.tierList.length === 0) return false;
  return nextReviewAt(policy, { tierId: i.wallet.tierId, since: i.wallet.tierSince }, i.occurredAt, rules.settings.timeZone) !== null;
}

function readRequest(i: Omit<DecisionItem, 'member' | 'wallet'> & { memberId?: string; member?: RuleMember }, windows: { from: Date; to: Date }[]): MemberReadRequest {
  const campaigns = i.campaigns ?? i.rc.compiled.purchase;
  return {
    memberId: i.memberId ?? i.member!.memberId,
    usage: limitedCampaigns(campaigns, i.occurredAt, i.rc.compiled.settings.timeZone).map((l) => ({ campaignId: l.id, period: l.key })),
    seriesIds: presentedSeries(i.rc),
    segments: needsSegments(campaigns),
    membershipsAt: windows.length > 0 ? i.occurredAt : null,
    windows,
  };
}

/** The states from the reads; a member's windows' totals come back in the order asked, item after item. */
function statesOf(items: readonly DecisionItem[], tiers: readonly (TierPrep | null)[], reads: Map<string, MemberReads>): DecisionState[] {
  const taken = new Map<string, number>();
  return items.map((i, k) => {
    const r = reads.get(i.member.memberId)!;
    const t = tiers[k];
    let tier: TierStep | null = null;
    if (t) {
      const at = taken.get(i.member.memberId) ?? 0;
      const current = r.totals[at]!;
      const review = t.windows.review ? r.totals[at + 1]! : null;
      taken.set(i.member.memberId, at + (review ? 2 : 1));
      const rules = i.rc.compiled;
      const before = decideTier(rules.tierList, rules.tierPolicy!, t.reviews.state, { current, review }, i.occurredAt, rules.settings.timeZone);
      tier = tierStepOf(rules, i.wallet.tierId, t.reviews.decisions, before, { current, review }, r.membershipTierIds);
    }
    return {
      ledger: r.ledger,
      rules: ruleStateOf(i.rc, i.member, i.wallet, { usage: r.usage, seriesUses: r.seriesUses, segmentIds: r.segmentIds, tier }, i.place, i.occurredAt),
    };
  });
}

interface TierPrep {
  reviews: Awaited<ReturnType<typeof dueTierReviews>>;
  windows: ReturnType<typeof tierWindows>;
}

/** The reviews due before the purchase and the windows its tier is decided on (null: the program has no tiers). */
async function tierPrep(db: Executor, i: DecisionItem): Promise<TierPrep | null> {
  const rules = i.rc.compiled;
  const policy = rules.tierPolicy;
  if (!policy || rules.tierList.length === 0) return null;
  // Periods that ended before the purchase are reviewed one by one first, each with its own totals.
  const reviews = await dueTierReviews(db, rules, i.member.memberId, { tierId: i.wallet.tierId, since: i.wallet.tierSince }, i.occurredAt);
  return { reviews, windows: tierWindows(policy, reviews.state, i.occurredAt, rules.settings.timeZone) };
}
