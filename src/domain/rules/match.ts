/**
 * Whether one campaign concerns this receipt or event, checked in a fixed order: schedule,
 * coupon, member, audience, conditions, per-member limit, budget, control group. The first that
 * fails is the reason in the trace. Stacking and the effects' size come after (evaluate.ts).
 */
import { budgetLeft, type BudgetLeft } from './budget.js';
import type { CompiledCampaign } from './compile.js';
import { controlBucket } from './control-group.js';
import type { CampaignFacts, CampaignTrace, PresentedCoupon, TraceReason } from './facts.js';
import type { MatchContext } from './predicates.js';
import { describeMiss } from './schedule.js';

export interface Candidate {
  c: CompiledCampaign;
  coupon: PresentedCoupon | null;
  budget: BudgetLeft;
  trace: CampaignTrace;
}

export function newTrace(c: CompiledCampaign): CampaignTrace {
  return { campaignId: c.id, name: c.source.name, status: 'not_applied', reason: null, pointer: null, detail: null, matched: [] };
}

/** Marks a trace as not applied for `reason`; the detail is computed only when explaining. */
export function refuse(trace: CampaignTrace, reason: TraceReason, pointer: string | null, detail: (() => string) | null, explain: boolean): CampaignTrace {
  trace.status = 'not_applied';
  trace.reason = reason;
  trace.pointer = pointer;
  trace.detail = explain && detail ? detail() : null;
  return trace;
}

/** The campaign as a candidate, or its trace saying why it does not concern this receipt. */
export function match(c: CompiledCampaign, ctx: MatchContext, facts: CampaignFacts, explain: boolean): Candidate | CampaignTrace {
  const trace = newTrace(c);
  const src = c.source;
  const miss = c.schedule.check(ctx.now);
  if (miss) return refuse(trace, 'schedule', '/schedule', () => describeMiss(miss, ctx.now, c.schedule), explain);
  if (explain) trace.matched.push(`schedule: ${c.schedule.text}`);
  let coupon: PresentedCoupon | null = null;
  if (src.couponSeriesId !== undefined) {
    coupon = facts.coupons.find((k) => k.seriesId === src.couponSeriesId) ?? null;
    if (!coupon) return refuse(trace, 'coupon', '/couponSeriesId', () => `no coupon of series ${src.couponSeriesId} was presented`, explain);
    if (explain) trace.matched.push(`coupon ${coupon.code}`);
  }
  if (c.needsMember && ctx.member === null) return refuse(trace, 'member', null, () => 'needs a member on the receipt', explain);
  for (const check of c.audience) {
    if (!check.test(ctx)) return refuse(trace, 'audience', check.pointer, () => check.explain(ctx), explain);
    if (explain) trace.matched.push(`audience ${check.pointer}: ${check.explain(ctx)}`);
  }
  for (const check of c.conditions) {
    if (!check.test(ctx)) return refuse(trace, 'condition', check.pointer, () => check.explain(ctx), explain);
    if (explain) trace.matched.push(`condition ${check.pointer}: ${check.explain(ctx)}`);
  }
  const limit = src.limits.perMember;
  if (limit && ctx.member) {
    const used = facts.usage[c.id] ?? 0;
    if (used >= limit.count) return refuse(trace, 'limit', '/limits/perMember', () => `used ${used} of ${limit.count} times per ${limit.period}`, explain);
    if (explain) trace.matched.push(`limit: used ${used} of ${limit.count} times per ${limit.period}`);
  }
  const budget = budgetLeft(src, facts.budgetUsed[c.id]);
  if (budget.points <= 0 || budget.money <= 0) return refuse(trace, 'budget', '/budget', () => 'the budget is spent', explain);
  if (c.controlBasisPoints > 0 && ctx.member) {
    const assumed = facts.controlGroups;
    const bucket = assumed ? null : controlBucket(c.id, ctx.member.id);
    const held = assumed ? assumed.includes(c.id) : bucket! < c.controlBasisPoints;
    const where = () => (bucket === null ? 'as the simulation assumes' : `bucket ${bucket} of 10000`);
    if (held) return refuse(trace, 'control_group', '/controlGroupPercent', () => `the member is in the ${src.controlGroupPercent} % control group (${where()})`, explain);
    if (explain) trace.matched.push(`control group: the member is outside the ${src.controlGroupPercent} % control group (${where()})`);
  }
  return { c, coupon, budget, trace };
}
