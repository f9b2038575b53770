/**
 * The campaigns, coupons and tiers around a purchase: the facts the rules engine needs, read
 * before the transaction (rules version, budgets, presented codes) and under the member's lock
 * (usage, coupon uses, tier state); and what a purchase's evaluation writes besides the ledger
 * (effects, usage, coupon uses, budget charges, the wallet's purchase count and tier).
 */
import { couponRefusal, usesPerCodeOf, type CouponRefusal, type CouponSeries } from '../../domain/coupon-series.js';
import { normaliseCode } from '../../domain/coupons.js';
import type { PurchaseEvaluation } from '../../domain/purchase.js';
import { limitPeriodStart } from '../../domain/rules/budget.js';
import type { CompiledRules } from '../../domain/rules/compile.js';
import type { BudgetUsed, CampaignFacts, MemberFacts, PresentedCoupon } from '../../domain/rules/facts.js';
import type { Campaign, Tier } from '../../domain/rules/types.js';
import { decideTier, tierWindows, type QualifyingTotals, type TierDecision } from '../../domain/tiers.js';
import type { AuditRecord } from '../../store/audit.js';
import { budgetsOf, type EffectRow } from '../../store/campaign-state.js';
import { segmentIdsOfMembers } from '../../store/analytics-segments.js';
import { findCoupons, memberSeriesUses } from '../../store/coupons.js';
import type { Executor } from '../../store/executor.js';
import type { MemberRow } from '../../store/members.js';
import { findDefinition } from '../../store/rules.js';
import { membershipsAt, qualifyingTotals } from '../../store/tier-state.js';
import { sql } from 'kysely';
import type { AppContext, CachedProgram } from '../context.js';
import { compile } from '../rules/engine.js';
import { dueTierReviews } from '../rules/tier-reviews.js';

/** A code the customer presented, resolved before the transaction. */
export interface PresentedCode {
  /** As presented. */
  presented: string;
  code: string | null;
  seriesId: string | null;
  series: CouponSeries | null;
  /** The code's row as read (uses are settled under the code's row lock when written). */
  uses: number;
  boundTo: string | null;
  /** Why it cannot count whoever presents it (unknown code, archived series), else null. */
  refusal: CouponRefusal | null;
}

/** What a purchase evaluation needs besides the member: read once, before the transaction. */
export interface RulesContext {
  version: number | null;
  compiled: CompiledRules;
  /** Budget use of the purchase campaigns that have a budget. */
  budgets: Record<string, BudgetUsed>;
  codes: PresentedCode[];
}

export async function loadRulesContext(ctx: AppContext, program: CachedProgram, occurredAt: Date, presented: readonly string[] = []): Promise<RulesContext> {
  return { ...(await loadRulesBase(ctx, program, occurredAt)), codes: await resolveCodes(ctx.db, program.programId, presented) };
}

/** The rules in force at `occurredAt`, compiled, with their budgets' use: the same for every receipt of a batch. */
export async function loadRulesBase(ctx: AppContext, program: CachedProgram, occurredAt: Date): Promise<Omit<RulesContext, 'codes'>> {
  const inForce = await ctx.rules.inForce(program.programId, occurredAt);
  const compiled = compile(`${program.programId}:${inForce.version ?? 0}`, inForce.ruleSet, program.settings);
  const budgeted = [...compiled.purchase, ...[...compiled.events.values()].flat()].filter((c) => c.source.budget).map((c) => c.id);
  const spent = await budgetsOf(ctx.db, program.programId, budgeted);
  const budgets: Record<string, BudgetUsed> = {};
  for (const [id, s] of spent) budgets[id] = { points: s.points, costMinor: s.money };
  return { version: inForce.version, compiled, budgets };
}

async function resolveCodes(db: Executor, programId: string, presented: readonly string[]): Promise<PresentedCode[]> {
  if (presented.length === 0) return [];
  const normalised = presented.map((p) => normaliseCode(p));
  const rows = new Map((await findCoupons(db, programId, normalised.filter((c): c is string => c !== null))).map((r) => [r.code, r]));
  const series = new Map<string, { def: CouponSeries; active: boolean }>();
  for (const r of rows.values()) {
    if (series.has(r.seriesId)) continue;
    const s = await findDefinition<'active' | 'archived'>(db, 'coupon_series', programId, r.seriesId);
    if (s) series.set(r.seriesId, { def: s.definition as CouponSeries, active: s.status === 'active' });
  }
  const seen = new Set<string>();
  return presented.map((p, i) => {
    const code = normalised[i] ?? null;
    const row = code ? rows.get(code) : undefined;
    const s = row ? series.get(row.seriesId) : undefined;
    const duplicate = code !== null && seen.has(code);
    if (code) seen.add(code);
    return {
      presented: p,
      code,
      seriesId: row?.seriesId ?? null,
      series: s?.def ?? null,
      uses: row?.uses ?? 0,
      boundTo: row?.memberId ?? null,
      refusal: !row || !s || duplicate ? 'unknown' : s.active ? null : 'archived',
    };
  });
}

/** The member's wallet columns the rules read (locked with the wallet in create). */
export interface WalletFacts {
  purchaseCount: number;
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
  tierId: string | null;
  tierSince: Date | null;
}

export async function readWalletFacts(db: Executor, memberId: string): Promise<WalletFacts> {
  const r = await db
    .selectFrom('wallets')
    .select(['purchase_count', 'first_purchase_at', 'last_purchase_at', 'tier_id', 'tier_since'])
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return {
    purchaseCount: r?.purchase_count ?? 0,
    firstPurchaseAt: r?.first_purchase_at ?? null,
    lastPurchaseAt: r?.last_purchase_at ?? null,
    tierId: r?.tier_id ?? null,
    tierSince: r?.tier_since ?? null,
  };
}

/** The tier decision before a purchase, and what is needed to decide again after it. */
export interface TierStep {
  /** The tier stored on the wallet before this purchase. */
  walletTierId: string | null;
  /** Reviews due since the wallet's tier was last written down (the tier job had not run yet), each dated when it happened. */
  reviews: TierDecision[];
  before: TierDecision;
  totals: { current: QualifyingTotals; review: QualifyingTotals | null };
  /** The best tier a paid membership gives now, if any. */
  membershipTier: Tier | null;
  /** What the purchase is evaluated with: the better of the qualified and the paid tier. */
  effectiveTierId: string | null;
}

/** Member facts read under the member's lock. */
export interface MemberRuleState {
  facts: CampaignFacts;
  /** Uses of the presented codes' series by this member (held or used). */
  seriesUses: Map<string, number>;
  tier: TierStep | null;
  /** Codes that count for this member, and why the others do not. */
  codes: { code: PresentedCode; refusal: CouponRefusal | null }[];
}

/** The period key a campaign's per-member limit counts in at `at` (null: no limit). */
export const usageKey = (c: Campaign, at: Date, timeZone: string): string | null => {
  const period = c.limits.perMember?.period;
  if (!period) return null;
  const start = limitPeriodStart(period, at, timeZone);
  return start ? start.toISOString() : 'campaign';
};

export async function loadMemberRuleState(
  db: Executor,
  rc: RulesContext,
  member: MemberRow | null,
  wallet: WalletFacts | null,
  input: { storeId: string | null; channel: string | null },
  at: Date,
  campaigns: CompiledRules['purchase'] = rc.compiled.purchase,
): Promise<MemberRuleState> {
  const tz = rc.compiled.settings.timeZone;
  const usage: Record<string, number> = {};
  let tier: TierStep | null = null;
  let seriesUses = new Map<string, number>();
  let segmentIds: string[] = [];
  if (member && wallet) {
    const limited = campaigns.map((c) => ({ id: c.id, key: usageKey(c.source, at, tz) })).filter((x): x is { id: string; key: string } => x.key !== null);
    if (limited.length > 0) {
      const rows = await sql<{ campaign_id: string; period: string; uses: number }>`
        select campaign_id, period, uses from campaign_usage
         where member_id = ${member.memberId} and campaign_id = any(${limited.map((l) => l.id)}::text[]) and period = any(${[...new Set(limited.map((l) => l.key))]}::text[])`.execute(db);
      const keyOf = new Map(limited.map((l) => [l.id, l.key]));
      for (const r of rows.rows) if (keyOf.get(r.campaign_id) === r.period) usage[r.campaign_id] = r.uses;
    }
    const seriesIds = [...new Set(rc.codes.flatMap((c) => (c.seriesId ? [c.seriesId] : [])))];
    seriesUses = await memberSeriesUses(db, member.memberId, seriesIds);
    tier = await tierStep(db, rc.compiled, member.memberId, wallet, at);
    // Segments are read only when some campaign's audience names them.
    if (campaigns.some((c) => c.source.audience.some((a) => a.kind === 'segments'))) {
      segmentIds = (await segmentIdsOfMembers(db, [member.memberId])).get(member.memberId) ?? [];
    }
  }
  const codes = rc.codes.map((c) => ({
    code: c,
    refusal: c.refusal ?? couponRefusal(c.series!, { uses: c.uses, memberId: c.boundTo }, member?.memberId ?? null, seriesUses.get(c.seriesId!) ?? 0, at),
  }));
  const memberFacts: MemberFacts | null = member && wallet
    ? {
        id: member.memberId,
        tierId: tier?.effectiveTierId ?? null,
        segmentIds,
        attributes: member.attributes as MemberFacts['attributes'],
        birthday: member.birthday,
        purchaseCount: wallet.purchaseCount,
        lastPurchaseAt: wallet.lastPurchaseAt,
        enrolledAt: member.createdAt,
      }
    : null;
  const coupons: PresentedCoupon[] = codes.filter((c) => c.refusal === null).map((c) => ({ code: c.code.code!, seriesId: c.code.seriesId! }));
  return { facts: { member: memberFacts, storeId: input.storeId, channel: input.channel, coupons, usage, budgetUsed: rc.budgets }, seriesUses, tier, codes };
}

async function tierStep(db: Executor, rules: CompiledRules, memberId: string, wallet: WalletFacts, at: Date): Promise<TierStep | null> {
  const policy = rules.tierPolicy;
  if (!policy || rules.tierList.length === 0) return null;
  const tz = rules.settings.timeZone;
  // Periods that ended before `at` are reviewed one by one first, each with its own totals.
  const { decisions: reviews, state } = await dueTierReviews(db, rules, memberId, { tierId: wallet.tierId, since: wallet.tierSince }, at);
  const windows = tierWindows(policy, state, at, tz);
  const current = await qualifyingTotals(db, memberId, windows.current.from, windows.current.to);
  const review = windows.review ? await qualifyingTotals(db, memberId, windows.review.from, windows.review.to) : null;
  const totals = { current, review };
  const before = decideTier(rules.tierList, policy, state, totals, at, tz);
  const paid = await membershipsAt(db, memberId, at);
  let membershipTier: Tier | null = null;
  for (const m of paid) {
    const t = rules.tiers.get(m.tierId);
    if (t && (!membershipTier || t.rank > membershipTier.rank)) membershipTier = t;
  }
  const qualified = before.tierId ? (rules.tiers.get(before.tierId) ?? null) : null;
  const effective = membershipTier && (!qualified || membershipTier.rank > qualified.rank) ? membershipTier : qualified;
  return { walletTierId: wallet.tierId, reviews, before, totals, membershipTier, effectiveTierId: effective?.id ?? null };
}

/** The tier decisions a purchase leads to: the reviews and the decision due before it, then an upgrade it earns. */
export function tierAfter(rules: CompiledRules, step: TierStep, purchase: { paid: number; points: number }, at: Date): TierDecision[] {
  const policy = rules.tierPolicy!;
  const tz = rules.settings.timeZone;
  const current = { spend: step.totals.current.spend + purchase.paid, purchases: step.totals.current.purchases + 1, points: step.totals.current.points + purchase.points };
  const after = decideTier(rules.tierList, policy, { tierId: step.before.tierId, since: step.before.since }, { current, review: step.totals.review }, at, tz);
  return after.change === 'upgrade' ? [...step.reviews, step.before, after] : [...step.reviews, step.before];
}

/** The effects of an evaluation as rows for attribution (tier effects are booked to `tier:<id>`). */
export function effectRows(ev: Pick<PurchaseEvaluation, 'effects'>, p: { memberId: string | null; purchaseId: string; occurredAt: Date }): EffectRow[] {
  return ev.effects.map((e, seq) => ({
    memberId: p.memberId,
    purchaseId: p.purchaseId,
    seq,
    campaignId: e.campaignId ?? `tier:${e.tierId}`,
    couponCode: e.couponCode,
    block: e.block,
    kind: e.kind,
    points: e.points,
    discount: e.discount,
    cost: e.costMinor,
    occurredAt: p.occurredAt,
  }));
}

/** What each applied campaign with a budget costs on this purchase. */
export function budgetCharges(rules: CompiledRules, ev: Pick<PurchaseEvaluation, 'effects'>, campaigns: CompiledRules['purchase'] = rules.purchase): { campaignId: string; points: number; money: number; capPoints: number | null; capMoney: number | null }[] {
  const byCampaign = new Map<string, { points: number; money: number }>();
  for (const e of ev.effects) {
    if (!e.campaignId) continue;
    const c = byCampaign.get(e.campaignId) ?? { points: 0, money: 0 };
    c.points += e.points;
    c.money += e.costMinor;
    byCampaign.set(e.campaignId, c);
  }
  const out = [];
  for (const c of campaigns) {
    const spent = byCampaign.get(c.id);
    if (!c.source.budget || !spent) continue;
    out.push({ campaignId: c.id, ...spent, capPoints: c.source.budget.points ?? null, capMoney: c.source.budget.money ?? null });
  }
  return out;
}

/** Per-member usage rows to add: one use of each applied campaign that has a per-member limit. */
export function usageRows(rules: CompiledRules, ev: Pick<PurchaseEvaluation, 'applied'>, memberId: string, at: Date, campaigns: CompiledRules['purchase'] = rules.purchase): { memberId: string; campaignId: string; period: string; uses: number }[] {
  const out = [];
  for (const c of campaigns) {
    if (!ev.applied.includes(c.id)) continue;
    const key = usageKey(c.source, at, rules.settings.timeZone);
    if (key) out.push({ memberId, campaignId: c.id, period: key, uses: 1 });
  }
  return out;
}

export const codeLimit = (c: PresentedCode): number | null => (c.series ? usesPerCodeOf(c.series) : null);

export type BudgetMoves = Map<string, { before: { points: number; money: number }; after: { points: number; money: number } }>;

/**
 * A campaign budget crossing its warning threshold with this purchase's charge is written to the
 * audit log (entity `campaign`, action `budget_warning`) in the purchase's own statement: judged on
 * the budget row as charged under its lock, so exactly one purchase reports each crossing.
 */
export function budgetWarningRows(ctx: AppContext, programId: string, rules: CompiledRules, moves: BudgetMoves | undefined, purchaseId: string, at: Date): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (const [campaignId, m] of moves ?? []) {
    const b = [...rules.purchase, ...[...rules.events.values()].flat()].find((c) => c.id === campaignId)?.source.budget;
    if (!b) continue;
    for (const [budget, cap, before, after] of [['points', b.points, m.before.points, m.after.points], ['money', b.money, m.before.money, m.after.money]] as const) {
      if (cap === undefined || !(before * 100 < cap * b.warnAtPercent && after * 100 >= cap * b.warnAtPercent)) continue;
      out.push({
        programId,
        auditId: ctx.newId(),
        at,
        actor: 'system',
        action: 'budget_warning',
        entity: 'campaign',
        entityId: campaignId,
        before: { used: before },
        after: { used: after, cap, budget, warnAtPercent: b.warnAtPercent, purchaseId },
      });
    }
  }
  return out;
}

/**
 * The main scheme alone, with no campaigns or tiers: what historical purchases are evaluated
 * with when they are imported (today's campaigns did not run when they happened).
 */
export function mainSchemeOnly(program: CachedProgram): RulesContext {
  return { version: null, compiled: compile(`${program.programId}:main-scheme-only`, { campaigns: [], tiers: [] }, program.settings), budgets: {}, codes: [] };
}

/** Rule facts that say nothing: for an evaluation by the main scheme alone. */
export function noRuleState(place: { storeId: string | null; channel: string | null }): MemberRuleState {
  return { facts: { member: null, storeId: place.storeId, channel: place.channel, coupons: [], usage: {}, budgetUsed: {} }, seriesUses: new Map(), tier: null, codes: [] };
}
