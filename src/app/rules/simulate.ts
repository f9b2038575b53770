import { DomainError } from '../../domain/errors.js';
import { evaluatePurchase, type PurchaseEvaluation } from '../../domain/purchase.js';
import type { MemberFacts } from '../../domain/rules/facts.js';
import { compileRules } from '../../domain/rules/compile.js';
import { inControlGroup } from '../../domain/rules/control-group.js';
import { dateOfDay } from '../../domain/rules/schedule.js';
import { simulationHorizon } from '../../domain/rules/simulation.js';
import { localTime } from '../../domain/calendar.js';
import type { Campaign, RuleSet, Tier } from '../../domain/rules/types.js';
import { availableAt } from '../../domain/ledger.js';
import type { IdentifierKind } from '../../domain/identifiers.js';
import { loadOpenLots } from '../../store/ledger.js';
import type { MemberRow } from '../../store/members.js';
import { listRuleVersionHeads } from '../../store/rules.js';
import type { AppContext } from '../context.js';
import { couponViews } from '../../domain/purchase-plan.js';
import type { MemberRuleState } from '../../domain/purchase-rules.js';
import { readWalletFacts } from '../../store/purchase-loader.js';
import { resolvePurchaseMember } from '../purchases/evaluate.js';
import { loadMemberRuleState, loadRulesContext } from '../purchases/rules.js';
import type { CouponView, PurchaseInput } from '../../domain/purchase-types.js';
import { checkRules } from './engine.js';
import { workingRules } from './versions.js';

export interface SimulateInput {
  receipt: Omit<PurchaseInput, 'receiptId' | 'memberId' | 'identifier' | 'twoPhase'> & { receiptId?: string | undefined };
  /** A real member (their tier, history, usage, balance and control groups), by id or… */
  memberId?: string | undefined;
  /** …by phone, card or another identifier; or… */
  identifier?: { kind: IdentifierKind; value: string } | undefined;
  /** …a hypothetical one, or none of these for a receipt without a member. */
  member?: (Partial<Omit<MemberFacts, 'id' | 'lastPurchaseAt' | 'enrolledAt'>> & { lastPurchaseAt?: string | null; enrolledAt?: string; available?: number }) | undefined;
  /** As if the receipt carried a valid, unused code of each of these coupon series (no real code needed). */
  couponSeriesIds?: string[] | undefined;
  /** Which rules: the version in force (default), a stored version, or the working copy with drafts. */
  rules?: { version?: number | undefined; working?: boolean | undefined; campaigns?: Campaign[] | undefined; tiers?: Tier[] | undefined } | undefined;
}

/** What the receipt comes to in one case of a control group. */
export interface ControlOutcome {
  /** Whether the campaign applied. */
  applied: boolean;
  discountTotal: number;
  pointsEarned: number;
}

/**
 * A campaign whose answer depends on its control group: the member passed every other check.
 * A real member's place is fixed by the hash of their id; a hypothetical member has no id, so
 * both outcomes are given and `inGroup` is null.
 */
export interface ControlGroupView {
  campaignId: string;
  name: string;
  percent: number;
  inGroup: boolean | null;
  outside: ControlOutcome;
  inside: ControlOutcome;
}

export interface SimulateResult {
  ruleVersion: number | null;
  /** The moment simulated (the receipt's occurredAt, or now). */
  occurredAt: string;
  /** Who the receipt was simulated for. */
  member: { kind: 'member' | 'hypothetical' | 'none'; id: string | null; name: string | null; tierId: string | null };
  evaluation: PurchaseEvaluation;
  coupons: CouponView[];
  controlGroups: ControlGroupView[];
  explanation: string[];
}

type Hypothetical = NonNullable<SimulateInput['member']>;

const invalid = (pointer: string, detail: string) => new DomainError('VALIDATION_FAILED', `${pointer} ${detail}`, { errors: [{ pointer, detail }] });

/**
 * Evaluates a receipt without writing anything, with every campaign's trace explained: which
 * rule gave what, why it matched, and why each other one did not. Draft campaigns and tiers can
 * be tried on top of the rules in force, or of the working copy, before they are published; for
 * a real member or a hypothetical one, at any moment up to the simulation horizon
 * (src/domain/rules/simulation.ts), with real coupon codes or a code of a series assumed.
 */
export async function simulate(ctx: AppContext, programId: string, input: SimulateInput): Promise<SimulateResult> {
  const program = await ctx.programs.get(programId);
  const now = ctx.clock();
  const receipt = { receiptId: input.receipt.receiptId ?? 'simulation', ...input.receipt };
  if ((input.memberId !== undefined || input.identifier !== undefined) && input.member !== undefined) throw invalid('/member', 'give a real member (memberId or identifier) or a hypothetical one, not both');
  const occurredAt = receipt.occurredAt === undefined ? now : new Date(receipt.occurredAt);
  if (Number.isNaN(occurredAt.getTime())) throw invalid('/receipt/occurredAt', 'must be an ISO 8601 date-time');

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
    checkDrafts(ruleSet, input.rules);
    version = null;
  }
  const compiled = ruleSet ? compileRules(ruleSet, program.settings) : rc.compiled;
  const horizon = simulationHorizon(
    now,
    compiled.purchase.map((c) => c.source),
    (await listRuleVersionHeads(ctx.db, programId)).map((h) => h.effectiveFrom),
    program.settings.timeZone,
  );
  if (occurredAt > horizon) {
    const local = localTime(horizon, program.settings.timeZone);
    const hhmm = `${String(Math.floor(local.minute / 60)).padStart(2, '0')}:${String(local.minute % 60).padStart(2, '0')}`;
    throw invalid('/receipt/occurredAt', `must be no later than ${dateOfDay(local.day)} ${hhmm} in the program's time zone: a year ahead, or the end of the latest campaign schedule (five years at most)`);
  }
  const context = { ...rc, compiled };
  const place = { storeId: receipt.storeId ?? null, channel: receipt.channel ?? null };

  let memberRow: MemberRow | null = null;
  let available: number | null = null;
  let state: MemberRuleState;
  if (input.memberId !== undefined || input.identifier !== undefined) {
    memberRow = await resolvePurchaseMember(ctx.db, programId, { receiptId: receipt.receiptId, total: 0, lines: [], memberId: input.memberId, identifier: input.identifier });
    const wallet = await readWalletFacts(ctx.db, memberRow!.memberId);
    const lots = await loadOpenLots(ctx.db, memberRow!.memberId);
    available = availableAt(lots.lots, lots.holds, now);
    state = await loadMemberRuleState(ctx.db, context, memberRow, wallet, place, occurredAt);
  } else {
    state = await loadMemberRuleState(ctx.db, context, null, null, place, occurredAt);
    if (input.member) {
      state = { ...state, facts: { ...state.facts, member: hypothetical(input.member, now) } };
      available = input.member.available ?? 0;
    }
  }
  const assumed = (input.couponSeriesIds ?? []).filter((id) => !state.facts.coupons.some((k) => k.seriesId === id));
  if (assumed.length > 0) state = { ...state, facts: { ...state.facts, coupons: [...state.facts.coupons, ...assumed.map((seriesId) => ({ code: `(${seriesId})`, seriesId }))] } };

  const member = state.facts.member;
  /** `held`: the control groups the member is in (undefined: as their id hashes). */
  const run = (held: readonly string[] | undefined, explain: boolean) =>
    evaluatePurchase(compiled, {
      receipt: { total: receipt.total, currency: receipt.currency, lines: receipt.lines },
      member: member ? { status: memberRow?.status ?? 'active', available: available ?? 0 } : null,
      facts: held === undefined ? state.facts : { ...state.facts, controlGroups: held },
      pointsToSpend: receipt.pointsToSpend ?? 0,
      occurredAt,
      explain,
    });
  // A hypothetical member is assumed outside every control group; the views below give the other case.
  const isReal = memberRow !== null;
  const evaluation = run(isReal ? undefined : [], true);

  const controlGroups: ControlGroupView[] = [];
  if (member) {
    const byHash = compiled.purchase.filter((c) => c.controlBasisPoints > 0 && inControlGroup(c.id, member.id, c.source.controlGroupPercent)).map((c) => c.id);
    const held = isReal ? byHash : [];
    const outcome = (ev: PurchaseEvaluation, id: string): ControlOutcome => ({ applied: ev.applied.includes(id), discountTotal: ev.discountTotal, pointsEarned: ev.pointsEarned });
    for (const c of compiled.purchase) {
      if (c.controlBasisPoints === 0) continue;
      const trace = evaluation.trace.find((t) => t.campaignId === c.id);
      if (!trace || !(trace.status === 'applied' || trace.reason === 'control_group')) continue;
      const inGroup = held.includes(c.id);
      const other = run(inGroup ? held.filter((x) => x !== c.id) : [...held, c.id], false);
      controlGroups.push({
        campaignId: c.id,
        name: c.source.name,
        percent: c.source.controlGroupPercent,
        inGroup: isReal ? inGroup : null,
        outside: outcome(inGroup ? other : evaluation, c.id),
        inside: outcome(inGroup ? evaluation : other, c.id),
      });
    }
  }

  const explanation = evaluation.trace.map((t) =>
    t.status === 'applied' ? `${t.name} (${t.campaignId}): applied — ${[...t.matched, t.detail].filter(Boolean).join('; ')}` : `${t.name} (${t.campaignId}): not applied, ${t.reason}${t.pointer ? ` at ${t.pointer}` : ''} — ${t.detail ?? ''}`,
  );
  return {
    ruleVersion: version,
    occurredAt: occurredAt.toISOString(),
    member: { kind: isReal ? 'member' : member ? 'hypothetical' : 'none', id: memberRow?.memberId ?? null, name: memberRow?.name ?? null, tierId: member?.tierId ?? null },
    evaluation,
    coupons: couponViews(state.codes, evaluation),
    controlGroups,
    explanation,
  };
}

/**
 * Checks the rules a simulation runs; errors in a draft point into the request body
 * (`/rules/campaigns/0/effects/0/percent`), so that the builder can show them at their fields.
 */
function checkDrafts(ruleSet: RuleSet, drafts: NonNullable<SimulateInput['rules']>): void {
  try {
    checkRules(ruleSet);
  } catch (e) {
    if (!(e instanceof DomainError) || !e.errors) throw e;
    const errors = e.errors.map((err) => {
      const m = /^\/(campaigns|tiers)\/(\d+)(.*)$/.exec(err.pointer);
      const id = m ? ruleSet[m[1] as 'campaigns' | 'tiers'][Number(m[2])]?.id : undefined;
      const j = m ? (drafts[m[1] as 'campaigns' | 'tiers'] ?? []).findIndex((d) => d.id === id) : -1;
      return j >= 0 ? { ...err, pointer: `/rules/${m![1]}/${j}${m![3]}` } : err;
    });
    throw new DomainError(e.code, e.message, { errors });
  }
}

/** The facts of a member who does not exist: what the form gave, and a fresh member otherwise. */
function hypothetical(m: Hypothetical, now: Date): MemberFacts {
  return {
    // Not a member id: control groups are decided by the simulation, never by hashing this.
    id: 'hypothetical',
    tierId: m.tierId ?? null,
    segmentIds: m.segmentIds ?? [],
    attributes: m.attributes ?? {},
    birthday: m.birthday ?? null,
    purchaseCount: m.purchaseCount ?? 0,
    lastPurchaseAt: m.lastPurchaseAt ? new Date(m.lastPurchaseAt) : null,
    enrolledAt: m.enrolledAt ? new Date(m.enrolledAt) : now,
  };
}
