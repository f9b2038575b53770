/**
 * What a purchase is decided with, as loaded: the rules in force (compiled, with their budgets'
 * use) and the presented codes, read before the transaction; the member's rule state through the
 * batched loader (state.ts). The decisions themselves are in domain/purchase-rules.ts.
 */
import { normaliseCode } from '../../domain/coupons.js';
import type { CouponSeries } from '../../domain/coupon-series.js';
import { ruleStateOf, type MemberRuleState, type PresentedCode, type RulesContext, type WalletFacts } from '../../domain/purchase-rules.js';
import type { BudgetUsed } from '../../domain/rules/facts.js';
import type { CompiledRules } from '../../domain/rules/compile.js';
import { budgetsOf } from '../../store/campaign-state.js';
import { findCoupons } from '../../store/coupons.js';
import type { Executor } from '../../store/executor.js';
import type { MemberRow } from '../../store/members.js';
import { findDefinition } from '../../store/rules.js';
import type { AppContext, CachedProgram } from '../context.js';
import { compile } from './compiled.js';
import { loadDecisionStates } from './state.js';


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


/**
 * The member's rule state for one evaluation (calculate, simulate, event campaigns): the batched
 * loader (state.ts) for one member.
 */
export async function loadMemberRuleState(
  db: Executor,
  rc: RulesContext,
  member: MemberRow | null,
  wallet: WalletFacts | null,
  place: { storeId: string | null; channel: string | null },
  at: Date,
  campaigns: CompiledRules['purchase'] = rc.compiled.purchase,
): Promise<MemberRuleState> {
  if (!member || !wallet) return ruleStateOf(rc, null, null, null, place, at);
  const [state] = await loadDecisionStates(db, [{ rc, member, wallet, place, occurredAt: at, campaigns }]);
  return state!.rules;
}

/**
 * The main scheme alone, with no campaigns or tiers: what historical purchases are evaluated
 * with when they are imported (today's campaigns did not run when they happened).
 */
export function mainSchemeOnly(program: CachedProgram): RulesContext {
  return { version: null, compiled: compile(`${program.programId}:main-scheme-only`, { campaigns: [], tiers: [] }, program.settings), budgets: {}, codes: [] };
}
