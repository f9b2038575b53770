import { DomainError } from '../../domain/errors.js';
import { evaluatePurchase, type PurchaseEvaluation } from '../../domain/purchase.js';
import type { MemberFacts } from '../../domain/rules/facts.js';
import { compileRules } from '../../domain/rules/compile.js';
import type { Campaign, RuleSet, Tier } from '../../domain/rules/types.js';
import { availableAt } from '../../domain/ledger.js';
import { loadOpenLots } from '../../store/ledger.js';
import type { AppContext } from '../context.js';
import { requireMember } from '../members.js';
import { occurredAtOf } from '../purchases/evaluate.js';
import { couponViews } from '../purchases/evaluate.js';
import { loadMemberRuleState, loadRulesContext, readWalletFacts } from '../purchases/rules.js';
import type { CouponView, PurchaseInput } from '../purchases/types.js';
import { checkRules } from './engine.js';
import { workingRules } from './versions.js';

export interface SimulateInput {
  receipt: Omit<PurchaseInput, 'receiptId' | 'memberId' | 'identifier' | 'twoPhase'> & { receiptId?: string | undefined };
  /** A real member (their tier, history, usage and balance), or… */
  memberId?: string | undefined;
  /** …a hypothetical one, or neither for a receipt without a member. */
  member?: (Partial<Omit<MemberFacts, 'lastPurchaseAt' | 'enrolledAt'>> & { lastPurchaseAt?: string | null; enrolledAt?: string; available?: number }) | undefined;
  /** Which rules: the version in force (default), a stored version, or the working copy with drafts. */
  rules?: { version?: number | undefined; working?: boolean | undefined; campaigns?: Campaign[] | undefined; tiers?: Tier[] | undefined } | undefined;
}

export interface SimulateResult {
  ruleVersion: number | null;
  evaluation: PurchaseEvaluation;
  coupons: CouponView[];
  explanation: string[];
}

/**
 * Evaluates a receipt without writing anything, with every campaign's trace explained: which
 * rule gave what, why it matched, and why each other one did not. Draft campaigns and tiers can
 * be tried on top of the rules in force, or of the working copy, before they are published.
 */
export async function simulate(ctx: AppContext, programId: string, input: SimulateInput): Promise<SimulateResult> {
  const program = await ctx.programs.get(programId);
  const now = ctx.clock();
  const receipt = { receiptId: input.receipt.receiptId ?? 'simulation', ...input.receipt };
  const occurredAt = occurredAtOf(receipt, now);
  const rc = await loadRulesContext(ctx, program, occurredAt, receipt.coupons);
  let ruleSet: RuleSet | null = null;
  let version = rc.version;
  if (input.rules?.version !== undefined) {
    ruleSet = (await ctx.rules.version(programId, input.rules.version).catch(() => {
      throw new DomainError('NOT_FOUND', `no rules version ${input.rules!.version}`);
    })).ruleSet;
    version = input.rules.version;
  } else if (input.rules?.working || input.rules?.campaigns || input.rules?.tiers) {
    const base = input.rules.working ? await workingRules(ctx.db, programId) : (await ctx.rules.inForce(programId, occurredAt)).ruleSet;
    const replace = <T extends { id: string }>(list: T[], drafts: T[] | undefined) => (drafts ? [...list.filter((x) => !drafts.some((d) => d.id === x.id)), ...drafts] : list);
    ruleSet = { ...base, campaigns: replace(base.campaigns, input.rules.campaigns), tiers: replace(base.tiers, input.rules.tiers) };
    checkRules(ruleSet);
    version = null;
  }
  const compiled = ruleSet ? compileRules(ruleSet, program.settings) : rc.compiled;
  const context = { ...rc, compiled };

  let memberRow = null;
  let available: number | null = null;
  let state;
  if (input.memberId) {
    memberRow = await requireMember(ctx.db, programId, input.memberId);
    const wallet = await readWalletFacts(ctx.db, memberRow.memberId);
    const lots = await loadOpenLots(ctx.db, memberRow.memberId);
    available = availableAt(lots.lots, lots.holds, now);
    state = await loadMemberRuleState(ctx.db, context, memberRow, wallet, { storeId: receipt.storeId ?? null, channel: receipt.channel ?? null }, occurredAt);
  } else {
    state = await loadMemberRuleState(ctx.db, context, null, null, { storeId: receipt.storeId ?? null, channel: receipt.channel ?? null }, occurredAt);
    if (input.member) {
      const m = input.member;
      state = {
        ...state,
        facts: {
          ...state.facts,
          member: {
            id: m.id ?? 'hypothetical',
            tierId: m.tierId ?? null,
            segmentIds: m.segmentIds ?? [],
            attributes: m.attributes ?? {},
            birthday: m.birthday ?? null,
            purchaseCount: m.purchaseCount ?? 0,
            lastPurchaseAt: m.lastPurchaseAt ? new Date(m.lastPurchaseAt) : null,
            enrolledAt: m.enrolledAt ? new Date(m.enrolledAt) : now,
          },
        },
      };
      available = m.available ?? 0;
    }
  }
  const hasMember = state.facts.member !== null;
  const evaluation = evaluatePurchase(compiled, {
    receipt: { total: receipt.total, currency: receipt.currency, lines: receipt.lines },
    member: hasMember ? { status: memberRow?.status ?? 'active', available: available ?? 0 } : null,
    facts: state.facts,
    pointsToSpend: receipt.pointsToSpend ?? 0,
    occurredAt,
    explain: true,
  });
  const explanation = evaluation.trace.map((t) =>
    t.status === 'applied' ? `${t.name} (${t.campaignId}): applied — ${[...t.matched, t.detail].filter(Boolean).join('; ')}` : `${t.name} (${t.campaignId}): not applied, ${t.reason}${t.pointer ? ` at ${t.pointer}` : ''} — ${t.detail ?? ''}`,
  );
  return { ruleVersion: version, evaluation, coupons: couponViews(state, evaluation), explanation };
}
