import { DomainError } from '../domain/errors.js';
import { normaliseIdentifier, maskIdentifier } from '../domain/identifiers.js';
import { questionnaireErrors } from '../domain/settings.js';
import { checkSend, CODE_RULES, codeError, generateCode, judgeCode } from '../domain/member-codes.js';
import { codeMessage } from '../domain/messages.js';
import { checkSession, sessionEnd } from '../domain/sessions.js';
import { codesSentSince, consumeMemberCode, countWrongAttempt, insertMemberCode, latestMemberCode, lockIdentifierCodes, type MemberCodeRow } from '../store/member-codes.js';
import { findMemberIdByIdentifier } from '../store/members.js';
import type { Tx } from '../store/executor.js';
import { deleteMemberSession, findMemberSession, insertMemberSession, touchMemberSession } from '../store/sessions.js';
import type { Actor, AppContext } from './context.js';
import { enrolMemberIn, getMember, isUuid, type MemberInput, type MemberView } from './members.js';
import { enqueueMessage } from './outbox.js';
import { newToken, randomBelow, sameDigest, sha256 } from './secrets.js';

/** Where a code goes: a phone (by SMS) or an e-mail address. */
export type CodeTarget = { programId: string; phone: string; email?: undefined } | { programId: string; email: string; phone?: undefined };

interface Target {
  programId: string;
  kind: 'phone' | 'email';
  value: string;
  channel: 'sms' | 'email';
}

function target(input: CodeTarget): Target {
  if (!isUuid(input.programId)) throw new DomainError('PROGRAM_NOT_FOUND');
  if (input.phone !== undefined) return { programId: input.programId, kind: 'phone', value: normaliseIdentifier('phone', input.phone), channel: 'sms' };
  return { programId: input.programId, kind: 'email', value: normaliseIdentifier('email', input.email), channel: 'email' };
}

const codeHash = (codeId: string, code: string) => sha256(`${codeId}:${code}`);

export interface CodeSent {
  channel: 'sms' | 'email';
  sentTo: string;
  expiresAt: string;
  resendAfter: string;
}

/**
 * Sends a one-time code to a phone or e-mail: the code (hashed) and the message to deliver are
 * written in one transaction; the delivery worker sends it. The answer is the same whether or not
 * a member has this phone or e-mail (the member app's join needs a code for a new one too).
 */
export async function requestCode(ctx: AppContext, input: CodeTarget): Promise<CodeSent> {
  const t = target(input);
  const program = await ctx.programs.get(t.programId);
  if (!ctx.auth.delivery[t.channel === 'sms' ? 'sms' : 'email']) {
    throw new DomainError('DELIVERY_NOT_CONFIGURED', `no ${t.channel === 'sms' ? 'SMS' : 'e-mail'} delivery is configured on this server, so no code can be sent to a ${t.kind}`);
  }
  const now = ctx.clock();
  const code = generateCode(randomBelow);
  await ctx.db.transaction().execute(async (trx) => {
    await lockIdentifierCodes(trx, t.programId, t.kind, t.value);
    checkSend(await codesSentSince(trx, t.programId, t.kind, t.value, new Date(now.getTime() - 3_600_000)), now);
    const codeId = ctx.newId();
    await insertMemberCode(trx, { programId: t.programId, codeId, kind: t.kind, value: t.value, codeHash: codeHash(codeId, code), at: now, expiresAt: new Date(now.getTime() + CODE_RULES.ttlMs) });
    const message = codeMessage(program.settings.locale, program.name, code, t.channel, CODE_RULES.ttlMs / 60_000);
    await enqueueMessage(trx, ctx, {
      programId: t.programId,
      channel: t.channel,
      recipient: t.value,
      subject: t.channel === 'email' ? message.subject : null,
      body: message.text,
      payload: { purpose: 'member_code', codeId, secret: true },
    });
  });
  return {
    channel: t.channel,
    sentTo: maskIdentifier(t.kind, t.value),
    expiresAt: new Date(now.getTime() + CODE_RULES.ttlMs).toISOString(),
    resendAfter: new Date(now.getTime() + CODE_RULES.resendAfterMs).toISOString(),
  };
}

type CodeCheck = { ok: true; code: MemberCodeRow } | { ok: false; error: DomainError };

/** Judges the code typed for the identifier; a wrong one counts against the code's attempts. */
async function checkCode(trx: Tx, t: Target, typed: string, now: Date): Promise<CodeCheck> {
  const stored = await latestMemberCode(trx, t.programId, t.kind, t.value);
  const matches = stored !== undefined && /^\d+$/.test(typed) && sameDigest(codeHash(stored.codeId, typed), stored.codeHash);
  const verdict = judgeCode(stored, matches, now);
  if (verdict === 'ok') return { ok: true, code: stored! };
  if (verdict === 'wrong') await countWrongAttempt(trx, t.programId, stored!.codeId);
  return { ok: false, error: codeError(verdict, verdict === 'wrong' ? CODE_RULES.maxAttempts - stored!.attempts - 1 : 0) };
}

export interface MemberSignIn {
  /** `kms_<member id>_<secret>`: sent as a cookie and in the body, for the PWA to keep. */
  token: string;
  expiresAt: string;
  member: MemberView;
}

async function openSession(trx: Tx, ctx: AppContext, programId: string, memberId: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken(`kms_${memberId}_`);
  const expiresAt = sessionEnd(now, now, ctx.auth.memberSession);
  await insertMemberSession(trx, { memberId, tokenHash: sha256(token), programId, at: now, expiresAt });
  return { token, expiresAt };
}

/**
 * Signs a member in with the code sent to their phone or e-mail. A phone or e-mail that no
 * member has yet answers NOT_ENROLLED only to the one who typed the right code (who owns it, so
 * nothing is revealed); the code stays valid for POST /v1/auth/member/join.
 */
export async function verifyCode(ctx: AppContext, input: CodeTarget & { code: string }): Promise<MemberSignIn> {
  const t = target(input);
  const now = ctx.clock();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const check = await checkCode(trx, t, input.code, now);
    if (!check.ok) return check;
    const memberId = await findMemberIdByIdentifier(trx, t.programId, t.kind, t.value);
    if (!memberId) return { ok: false as const, error: new DomainError('NOT_ENROLLED', `no member has this ${t.kind} yet; join with POST /v1/auth/member/join and the same code`) };
    await consumeMemberCode(trx, t.programId, check.code.codeId, now);
    return { ok: true as const, memberId, ...(await openSession(trx, ctx, t.programId, memberId, now)) };
  });
  if (!outcome.ok) throw outcome.error;
  return { token: outcome.token, expiresAt: outcome.expiresAt.toISOString(), member: await getMember(ctx, { programId: t.programId, role: 'member', name: 'member' }, outcome.memberId) };
}

/** The questionnaire of the member app's join: the verified phone or e-mail comes from the code. */
export type JoinProfile = Pick<MemberInput, 'name' | 'birthday' | 'gender' | 'city' | 'consents' | 'attributes' | 'agreements'>;

/**
 * Enrols a new member with the phone or e-mail the code was sent to, through the same enrolment
 * as the till's, and signs them in; all in one transaction with the code's use.
 */
export async function joinProgram(ctx: AppContext, input: CodeTarget & { code: string; profile: JoinProfile }): Promise<MemberSignIn> {
  const t = target(input);
  const { settings } = await ctx.programs.get(input.programId);
  const missing = questionnaireErrors(settings.questionnaire, input.profile);
  if (missing.length > 0) throw new DomainError('VALIDATION_FAILED', `the program asks for ${missing.map((e) => e.pointer.slice(1)).join(', ')}`, { errors: missing });
  const now = ctx.clock();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const check = await checkCode(trx, t, input.code, now);
    if (!check.ok) return check;
    if (await findMemberIdByIdentifier(trx, t.programId, t.kind, t.value)) {
      return { ok: false as const, error: new DomainError('IDENTIFIER_TAKEN', `a member already has this ${t.kind}; sign in with POST /v1/auth/member/verify and the same code`) };
    }
    const member = await enrolMemberIn(trx, ctx, t.programId, { ...input.profile, [t.kind]: t.value }, { channel: 'app', actor: 'member', requiredAgreements: settings.requiredAgreements });
    await consumeMemberCode(trx, t.programId, check.code.codeId, now);
    return { ok: true as const, member, ...(await openSession(trx, ctx, t.programId, member.id, now)) };
  });
  if (!outcome.ok) throw outcome.error;
  return { token: outcome.token, expiresAt: outcome.expiresAt.toISOString(), member: outcome.member };
}

const TOKEN = /^kms_([0-9a-f-]{36})_[A-Za-z0-9_-]{43}$/;

/** The member behind a session token; slides the session's end forward when it is used. */
export async function authenticateMemberSession(ctx: AppContext, token: string): Promise<Actor> {
  const memberId = TOKEN.exec(token)?.[1];
  const tokenHash = sha256(token);
  const session = memberId && isUuid(memberId) ? await findMemberSession(ctx.db, memberId, tokenHash) : undefined;
  if (!session || !memberId) throw new DomainError('UNAUTHORIZED', 'sign in to the member app');
  const now = ctx.clock();
  const check = checkSession(session, now, ctx.auth.memberSession);
  if (!check.valid) {
    await deleteMemberSession(ctx.db, memberId, tokenHash);
    throw new DomainError('SESSION_EXPIRED');
  }
  if (check.renew) await touchMemberSession(ctx.db, memberId, tokenHash, check.renew);
  return { programId: session.programId, role: 'member', name: `member:${memberId}`, memberId };
}

export async function signOutMember(ctx: AppContext, token: string): Promise<void> {
  const memberId = TOKEN.exec(token)?.[1];
  if (memberId && isUuid(memberId)) await deleteMemberSession(ctx.db, memberId, sha256(token));
}
