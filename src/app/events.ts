import { expiresAt as expiryOf } from '../domain/calendar.js';
import { DomainError } from '../domain/errors.js';
import { normaliseIdentifier, type IdentifierKind } from '../domain/identifiers.js';
import { earnInto, LedgerDraft } from '../domain/ledger-draft.js';
import { budgetWarnings, effectRows, usageRows } from '../domain/purchase-rules.js';
import { evaluateEvent, type EventResult } from '../domain/rules/event.js';
import type { AttributeValue } from '../domain/rules/facts.js';
import { addUsageQuery, insertEffectsQuery } from '../store/campaign-state.js';
import { loadOpenLots, lockWallet, postEntriesMany } from '../store/ledger.js';
import { insertMemberEventQuery } from '../store/member-events.js';
import { findMemberByIdentifier } from '../store/members.js';
import { readWalletFacts } from '../store/purchase-loader.js';
import { insertBudgetWarningsQuery } from '../store/purchase-writer.js';
import type { Actor, AppContext } from './context.js';
import { requireMember } from './members.js';
import { occurredAtOf } from './purchases/evaluate.js';
import { loadMemberRuleState, loadRulesBase } from './purchases/rules.js';
import { settle } from './purchases/settle.js';

/** Something a member did other than buying, sent by the merchant: "filled in the questionnaire", "left a review". */
export interface EventInput {
  type: string;
  memberId?: string | undefined;
  identifier?: { kind: IdentifierKind; value: string } | undefined;
  attributes?: Record<string, AttributeValue> | undefined;
  occurredAt?: string | undefined;
}

export interface EventOutcome {
  eventId: string;
  memberId: string;
  type: string;
  occurredAt: string;
  points: number;
  effects: EventResult['effects'];
  /** Campaigns of this event type that did not apply, and why. */
  notApplied: { campaignId: string; reason: string | null }[];
  ruleVersion: number | null;
  balanceAfter: number;
}

/**
 * Records an event and gives the points its campaigns grant (same rules engine, limits, budgets
 * and control groups as purchases). Idempotent by the Idempotency-Key header, so a retried call
 * never gives the points twice.
 */
export async function recordEvent(ctx: AppContext, actor: Actor, input: EventInput): Promise<EventOutcome> {
  const program = await ctx.programs.get(actor.programId);
  const settings = program.settings;
  const occurredAt = occurredAtOf({ receiptId: '', total: 0, lines: [], occurredAt: input.occurredAt }, ctx.clock());
  let memberId = input.memberId;
  if (!memberId && input.identifier) {
    const m = await findMemberByIdentifier(ctx.db, actor.programId, input.identifier.kind, normaliseIdentifier(input.identifier.kind, input.identifier.value));
    if (!m) throw new DomainError('MEMBER_NOT_FOUND', `no member with ${input.identifier.kind} ${input.identifier.value}`);
    memberId = m.memberId;
  }
  if (!memberId) throw new DomainError('VALIDATION_FAILED', 'an event needs memberId or identifier', { errors: [{ pointer: '/memberId', detail: 'memberId or identifier is required' }] });
  const base = await loadRulesBase(ctx, program, occurredAt);
  const rc = { ...base, codes: [] };
  const campaigns = base.compiled.events.get(input.type) ?? [];
  return ctx.db.transaction().execute(async (trx) => {
    const member = await requireMember(trx, actor.programId, memberId);
    if (member.status !== 'active') throw new DomainError('MEMBER_BLOCKED', `the member is ${member.status}`);
    await lockWallet(trx, member.memberId);
    const now = ctx.clock();
    const wallet = await readWalletFacts(trx, member.memberId);
    const first = await loadMemberRuleState(trx, rc, member, wallet, { storeId: null, channel: null }, occurredAt, campaigns);
    const attributes = input.attributes ?? {};
    const { evaluation, budgets } = await settle(
      trx,
      actor.programId,
      rc,
      first,
      (r) => ({ ...evaluateEvent(base.compiled, input.type, attributes, r.facts, occurredAt), couponsUsed: [] }),
      now,
      campaigns,
    );
    const eventId = ctx.newId();
    const { lots, holds } = await loadOpenLots(trx, member.memberId);
    const change = new LedgerDraft(ctx.newId);
    const available = occurredAt.getTime() > now.getTime() ? occurredAt : now;
    earnInto(change, lots, evaluation.points, { purchaseId: null, availableAt: available, expiresAt: expiryOf(available, settings.expiry, settings.timeZone), reason: `event:${input.type}`, actor: actor.name });
    const outcome: EventOutcome = {
      eventId,
      memberId: member.memberId,
      type: input.type,
      occurredAt: occurredAt.toISOString(),
      points: evaluation.points,
      effects: evaluation.effects,
      notApplied: evaluation.trace.filter((t) => t.status !== 'applied').map((t) => ({ campaignId: t.campaignId, reason: t.reason })),
      ruleVersion: base.version,
      balanceAfter: change.availableAfter(lots, holds, now),
    };
    await postEntriesMany(trx, { programId: actor.programId, at: now }, [{ memberId: member.memberId, newLots: change.newLots, entries: change.entries }], [
      insertMemberEventQuery({ memberId: member.memberId, eventId, programId: actor.programId, type: input.type, attributes, occurredAt, points: evaluation.points, result: outcome }),
      ...insertEffectsQuery(actor.programId, effectRows(evaluation, { memberId: member.memberId, purchaseId: eventId, occurredAt })),
      ...addUsageQuery(actor.programId, now, eventId, usageRows(base.compiled, evaluation, member.memberId, occurredAt, campaigns)),
      ...insertBudgetWarningsQuery(
        trx,
        actor.programId,
        budgetWarnings(base.compiled, budgets).map((w) => ({ ...w, auditId: ctx.newId(), purchaseId: eventId, at: now })),
      ),
    ]);
    return outcome;
  });
}
