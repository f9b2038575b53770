import { deleteFeedbackOf, feedbackOfMember } from '../store/feedback.js';
import { lockWallet } from '../store/ledger.js';
import { anonymiseMemberRow, deleteMemberSessionsOf, purchasesOfMember } from '../store/member-data.js';
import { listIdentifiers, releaseIdentifier } from '../store/members.js';
import { DomainError } from '../domain/errors.js';
import { memberAgreements } from './agreements.js';
import { memberUpdated } from './members.js';
import { audit } from './audit.js';
import type { Actor, AppContext } from './context.js';
import { getBalance, getLedger } from './ledger.js';
import { getMe, memberOf } from './me.js';
import { getMemberTier } from './rules/member-tier.js';

const EXPORT_LIMIT = 100_000;

/** Everything the program keeps about the signed-in member, as one JSON document ("export my data"). */
export async function exportMyData(ctx: AppContext, actor: Actor) {
  const memberId = memberOf(actor);
  const profile = await getMe(ctx, actor);
  const ledger: Awaited<ReturnType<typeof getLedger>>['items'] = [];
  let cursor: string | undefined;
  do {
    const page = await getLedger(ctx, actor, memberId, { limit: 500, cursor });
    ledger.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ledger.length < EXPORT_LIMIT);
  const [balance, tier, purchases, feedback, agreements] = await Promise.all([
    getBalance(ctx, actor, memberId),
    getMemberTier(ctx, actor.programId, memberId),
    purchasesOfMember(ctx.db, memberId, EXPORT_LIMIT),
    feedbackOfMember(ctx.db, memberId),
    memberAgreements(ctx, actor, memberId),
  ]);
  return {
    exportedAt: ctx.clock().toISOString(),
    profile,
    identifiers: profile.identifiers,
    balance,
    tier,
    ledger,
    purchases,
    /** The program's texts accepted and the history of acceptances and withdrawals (docs/legal.md). */
    agreements,
    feedback: feedback.map((f) => ({ id: f.feedbackId, topic: f.topic, message: f.message, storeId: f.storeId, createdAt: f.createdAt.toISOString() })),
  };
}

/**
 * "Delete my account": the person's data goes, the books stay. The profile is cleared and marked
 * anonymised, every identifier (phone, e-mail, cards, card token) is released so nothing resolves
 * to the member any more, sessions end and feedback is deleted. Ledger entries, lots and
 * purchases stay as they are, pointing at an anonymous member id, so `kopilka verify` still
 * balances; the remaining points stay on the books until they expire.
 */
export async function deleteMe(ctx: AppContext, actor: Actor): Promise<void> {
  const memberId = memberOf(actor);
  await ctx.db.transaction().execute(async (trx) => {
    if ((await lockWallet(trx, memberId)) === undefined) throw new DomainError('MEMBER_NOT_FOUND');
    const at = ctx.clock();
    const identifiers = await listIdentifiers(trx, memberId);
    for (const i of identifiers) await releaseIdentifier(trx, { programId: actor.programId, kind: i.kind, value: i.value, memberId });
    await anonymiseMemberRow(trx, memberId, at);
    await deleteFeedbackOf(trx, memberId);
    await deleteMemberSessionsOf(trx, memberId);
    await audit(ctx, trx, actor, { action: 'anonymise', entity: 'member', entityId: memberId, before: { identifiers: identifiers.length }, after: { status: 'anonymised' }, at });
    await memberUpdated(ctx, trx, { memberId, programId: actor.programId }, ['status', 'profile', 'identifiers'], 'anonymised', at);
  });
}
