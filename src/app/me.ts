import { randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { lockWallet } from '../store/ledger.js';
import { claimIdentifier, identifiersOfKind, releaseIdentifier } from '../store/members.js';
import type { Actor, AppContext } from './context.js';
import { editMember, getMember, type MemberInput, type MemberView } from './members.js';

/** The member a member session belongs to (routes under /v1/me admit only member sessions). */
export function memberOf(actor: Actor): string {
  if (!actor.memberId) throw new DomainError('FORBIDDEN', 'only a signed-in member has a /v1/me');
  return actor.memberId;
}

export const getMe = (ctx: AppContext, actor: Actor): Promise<MemberView> => getMember(ctx, actor, memberOf(actor));

/**
 * What a member may change about themselves: name, birthday, gender, city and consents (merged
 * into the ones they have). The phone and the e-mail are identifiers that a code proved; they
 * change only with a new code (not offered yet).
 */
export type MyProfilePatch = Pick<MemberInput, 'name' | 'birthday' | 'gender' | 'city' | 'consents'> & {
  /** Preferred channels and hours for messages, kept in the attributes as `messagePreferences`. */
  messagePreferences?: { channels: string[]; from: string; to: string } | undefined;
};

export async function patchMe(ctx: AppContext, actor: Actor, patch: MyProfilePatch): Promise<MemberView> {
  const memberId = memberOf(actor);
  const { messagePreferences, ...profile } = patch;
  const current = patch.consents || messagePreferences ? await getMember(ctx, actor, memberId) : undefined;
  const consents = patch.consents ? { ...current!.consents, ...patch.consents } : undefined;
  const attributes = messagePreferences ? { ...current!.attributes, messagePreferences } : undefined;
  return editMember(ctx, actor, memberId, { ...profile, ...(consents ? { consents } : {}), ...(attributes ? { attributes } : {}) });
}

export interface CardToken {
  kind: 'member_token';
  /** What the virtual card's QR code holds; the till resolves it like any identifier. */
  value: string;
  createdAt: string;
}

const newCardToken = () => `kmt_${randomBytes(20).toString('base64url')}`;

/**
 * The member's virtual-card token, made on first use. Writes for one member are serialised on
 * their wallet row, so two first views at once make one token.
 */
export async function getCard(ctx: AppContext, actor: Actor): Promise<CardToken> {
  return cardChange(ctx, actor, false);
}

/** Replaces the card token: the old one stops resolving at once (a screenshot of the QR is dead). */
export async function rotateCard(ctx: AppContext, actor: Actor): Promise<CardToken> {
  return cardChange(ctx, actor, true);
}

async function cardChange(ctx: AppContext, actor: Actor, rotate: boolean): Promise<CardToken> {
  const memberId = memberOf(actor);
  return ctx.db.transaction().execute(async (trx) => {
    if ((await lockWallet(trx, memberId)) === undefined) throw new DomainError('MEMBER_NOT_FOUND');
    const at = ctx.clock();
    const current = await identifiersOfKind(trx, memberId, 'member_token');
    if (!rotate && current.length > 0) return { kind: 'member_token', value: current[0]!.value, createdAt: current[0]!.createdAt.toISOString() };
    for (const c of current) await releaseIdentifier(trx, { programId: actor.programId, kind: 'member_token', value: c.value, memberId });
    const value = newCardToken();
    if (!(await claimIdentifier(trx, { programId: actor.programId, kind: 'member_token', value, memberId, at }))) throw new Error('a fresh card token collided');
    return { kind: 'member_token', value, createdAt: at.toISOString() };
  });
}
