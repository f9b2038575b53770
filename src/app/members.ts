import { DomainError } from '../domain/errors.js';
import { normaliseIdentifier, type Identifier, type IdentifierKind } from '../domain/identifiers.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../domain/list-paging.js';
import type { Executor, Tx } from '../store/executor.js';
import { afterRow } from '../store/keyset.js';
import { draftEvent } from '../domain/events/catalogue.js';
import { insertEvents } from '../store/domain-events.js';
import { insertWallet, lockWallet } from '../store/ledger.js';
import {
  claimIdentifier,
  findMember,
  findMemberIdByIdentifier,
  insertMember,
  listIdentifiers,
  listMembers,
  releaseIdentifier,
  updateMember,
  type MemberProfile,
  type MemberRow,
} from '../store/members.js';
import type { AcceptanceInput, AgreementChannel, DocumentKind } from '../domain/agreements.js';
import { acceptAtEnrolment, channelOf } from './agreements.js';
import type { Actor, AppContext } from './context.js';

/** A member as the API shows it: the stored row with its identifiers, instants as ISO strings. */
export type MemberView = Omit<MemberRow, 'memberId' | 'programId' | 'createdAt' | 'updatedAt'> & {
  id: string;
  identifiers: Identifier[];
  createdAt: string;
  updatedAt: string;
};

export type MemberInput = Partial<MemberProfile> & {
  identifiers?: { kind: IdentifierKind; value: string }[];
  /** The program's texts the person accepted on enrolling (docs/legal.md); recorded with their versions. */
  agreements?: AcceptanceInput[] | undefined;
};

const view = (m: MemberRow, identifiers: { kind: string; value: string }[]): MemberView => ({
  id: m.memberId,
  status: m.status,
  name: m.name,
  phone: m.phone,
  email: m.email,
  birthday: m.birthday,
  gender: m.gender,
  city: m.city,
  attributes: m.attributes,
  consents: m.consents,
  identifiers: identifiers as Identifier[],
  blockReason: m.blockReason,
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
});

/** The profile's phone and e-mail are identifiers too: a member can be found by them. */
function identifiersOf(input: MemberInput, phone: string | null, email: string | null): Identifier[] {
  const list: Identifier[] = [];
  if (phone) list.push({ kind: 'phone', value: phone });
  if (email) list.push({ kind: 'email', value: email });
  for (const i of input.identifiers ?? []) {
    const value = normaliseIdentifier(i.kind, i.value);
    if (!list.some((x) => x.kind === i.kind && x.value === value)) list.push({ kind: i.kind, value });
  }
  return list;
}

async function claimAll(trx: Executor, programId: string, memberId: string, ids: Identifier[], at: Date): Promise<void> {
  for (const [i, id] of ids.entries()) {
    if (!(await claimIdentifier(trx, { programId, kind: id.kind, value: id.value, memberId, at }))) {
      const owner = await findMemberIdByIdentifier(trx, programId, id.kind, id.value);
      if (owner === memberId) continue;
      throw new DomainError('IDENTIFIER_TAKEN', `${id.kind} ${id.value} already belongs to another member`, {
        errors: [{ pointer: id.kind === 'phone' ? '/phone' : id.kind === 'email' ? '/email' : `/identifiers/${i}`, detail: 'already belongs to another member' }],
      });
    }
  }
}

export async function enrolMember(ctx: AppContext, actor: Actor, input: MemberInput): Promise<MemberView> {
  // Read before the transaction: on the embedded database a read outside it would wait for it.
  const { requiredAgreements } = (await ctx.programs.get(actor.programId)).settings;
  return ctx.db.transaction().execute((trx) => enrolMemberIn(trx, ctx, actor.programId, input, { channel: channelOf(actor), actor: actor.name, requiredAgreements }));
}

/**
 * Enrols a member inside a transaction the caller holds (the member app's join does, with its
 * code), with the acceptances of the program's texts given through `by`'s channel; the texts
 * the program requires (its settings, read before the transaction) must be among them.
 */
export async function enrolMemberIn(
  trx: Tx,
  ctx: AppContext,
  programId: string,
  input: MemberInput,
  by: { channel: AgreementChannel; actor: string; requiredAgreements: readonly DocumentKind[] },
): Promise<MemberView> {
  const phone = input.phone ? normaliseIdentifier('phone', input.phone) : null;
  const email = input.email ? normaliseIdentifier('email', input.email) : null;
  const ids = identifiersOf(input, phone, email);
  const memberId = ctx.newId();
  const at = ctx.clock();
  await insertMember(trx, {
    memberId,
    programId,
    at,
    name: input.name ?? null,
    phone,
    email,
    birthday: input.birthday ?? null,
    gender: input.gender ?? null,
    city: input.city ?? null,
    attributes: input.attributes ?? {},
    consents: input.consents ?? {},
  });
  await insertWallet(trx, { memberId, programId, at });
  await claimAll(trx, programId, memberId, ids, at);
  const actor = by.channel === 'app' ? `member:${memberId}` : by.actor;
  await acceptAtEnrolment(trx, ctx, { programId, memberId, required: by.requiredAgreements, channel: by.channel, actor, at }, input.agreements ?? []);
  await insertEvents(trx, programId, at, [draftEvent(ctx.newId(), 'member.enrolled', memberId, at, { memberId, channel: by.channel })]);
  return loadView(trx, programId, memberId);
}

async function loadView(db: Executor, programId: string, memberId: string): Promise<MemberView> {
  const m = await findMember(db, programId, memberId);
  if (!m) throw new DomainError('MEMBER_NOT_FOUND', `no member ${memberId} in this program`);
  return view(m, await listIdentifiers(db, memberId));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are UUIDs; anything else names no member (and must not reach a uuid column). */
export const isUuid = (id: string): boolean => UUID.test(id);

/** The member row, or MEMBER_NOT_FOUND; a malformed id is simply not found. */
export async function requireMember(db: Executor, programId: string, memberId: string): Promise<MemberRow> {
  const m = UUID.test(memberId) ? await findMember(db, programId, memberId) : undefined;
  if (!m) throw new DomainError('MEMBER_NOT_FOUND', `no member ${memberId} in this program`);
  return m;
}

/**
 * The member row read under the member's wallet lock: a change that writes an event holds it, so
 * the member's events are numbered in the order their changes commit (docs/adr/0030-domain-events.md),
 * and the row it decides from is the latest.
 */
async function lockedMember(trx: Tx, programId: string, memberId: string): Promise<MemberRow> {
  if (isUuid(memberId)) await lockWallet(trx, memberId);
  return requireMember(trx, programId, memberId);
}

export async function getMember(ctx: AppContext, actor: Actor, memberId: string): Promise<MemberView> {
  const m = await requireMember(ctx.db, actor.programId, memberId);
  return view(m, await listIdentifiers(ctx.db, memberId));
}

/** Resolves an identifier (phone in any common notation, card, e-mail, …) to the member's id. */
export async function resolveIdentifier(db: Executor, programId: string, kind: IdentifierKind, raw: string): Promise<string> {
  const value = normaliseIdentifier(kind, raw);
  const memberId = await findMemberIdByIdentifier(db, programId, kind, value);
  if (!memberId) throw new DomainError('MEMBER_NOT_FOUND', `no member with ${kind} ${value}`);
  return memberId;
}

export async function lookupMember(ctx: AppContext, actor: Actor, kind: IdentifierKind, value: string): Promise<MemberView> {
  return getMember(ctx, actor, await resolveIdentifier(ctx.db, actor.programId, kind, value));
}

export const MEMBER_LIST: ListSpec<'createdAt' | 'name'> = { list: 'members', keys: { createdAt: 'instant', name: 'text' }, id: 'uuid', defaultSort: '-createdAt' };

/** A page of the program's members, newest first unless asked otherwise (docs/api-lists.md). */
export async function listProgramMembers(ctx: AppContext, actor: Actor, q: ListQuery, filter: { name?: string | undefined } = {}): Promise<Page<MemberView>> {
  const sort = parseSort(MEMBER_LIST, q.sort);
  const after = decodeCursor(MEMBER_LIST, sort, q.cursor);
  const rows = await listMembers(ctx.db, actor.programId, { sort, after, limit: q.limit, name: filter.name?.trim() || undefined });
  const page = pageOf(MEMBER_LIST.list, sort, rows, q.limit, afterRow, (r) => r);
  const items = await Promise.all(page.items.map(async (m) => view(m, await listIdentifiers(ctx.db, m.memberId))));
  return { items, nextCursor: page.nextCursor };
}

/** Edits the profile; a changed phone or e-mail moves the identifier with it. */
export async function editMember(ctx: AppContext, actor: Actor, memberId: string, patch: Omit<MemberInput, 'identifiers' | 'agreements'>): Promise<MemberView> {
  return ctx.db.transaction().execute(async (trx) => {
    const m = await lockedMember(trx, actor.programId, memberId);
    const at = ctx.clock();
    const phone = patch.phone === undefined ? undefined : patch.phone === null ? null : normaliseIdentifier('phone', patch.phone);
    const email = patch.email === undefined ? undefined : patch.email === null ? null : normaliseIdentifier('email', patch.email);
    await moveIdentifier(trx, actor.programId, memberId, 'phone', m.phone, phone, at);
    await moveIdentifier(trx, actor.programId, memberId, 'email', m.email, email, at);
    const next = { ...patch, ...(phone !== undefined ? { phone } : {}), ...(email !== undefined ? { email } : {}) };
    await updateMember(trx, memberId, { ...next, at });
    await memberUpdated(ctx, trx, m, changedFields(m, next), m.status, at);
    return loadView(trx, actor.programId, memberId);
  });
}

/** The profile fields a patch really changes (a field sent with its current value is no change). */
function changedFields(m: MemberRow, patch: Partial<MemberProfile>): string[] {
  return (Object.keys(patch) as (keyof MemberProfile)[]).filter((k) => patch[k] !== undefined && JSON.stringify(patch[k]) !== JSON.stringify(m[k]));
}

/** `member.updated` for a change that changed something; the caller holds the member's wallet lock. */
export async function memberUpdated(ctx: AppContext, trx: Executor, m: Pick<MemberRow, 'memberId' | 'programId'>, changed: string[], status: MemberRow['status'], at: Date): Promise<void> {
  if (changed.length === 0) return;
  await insertEvents(trx, m.programId, at, [draftEvent(ctx.newId(), 'member.updated', m.memberId, at, { memberId: m.memberId, changed, status })]);
}

async function moveIdentifier(trx: Tx, programId: string, memberId: string, kind: 'phone' | 'email', from: string | null, to: string | null | undefined, at: Date) {
  if (to === undefined || to === from) return;
  if (from) await releaseIdentifier(trx, { programId, kind, value: from, memberId });
  if (to) await claimAll(trx, programId, memberId, [{ kind, value: to }], at);
}

export async function addIdentifier(ctx: AppContext, actor: Actor, memberId: string, input: { kind: IdentifierKind; value: string }): Promise<MemberView> {
  const value = normaliseIdentifier(input.kind, input.value);
  return ctx.db.transaction().execute(async (trx) => {
    const m = await lockedMember(trx, actor.programId, memberId);
    const at = ctx.clock();
    const before = await listIdentifiers(trx, memberId);
    await claimAll(trx, actor.programId, memberId, [{ kind: input.kind, value }], at);
    const added = !before.some((i) => i.kind === input.kind && i.value === value);
    await memberUpdated(ctx, trx, m, added ? ['identifiers'] : [], m.status, at);
    return loadView(trx, actor.programId, memberId);
  });
}

export async function removeIdentifier(ctx: AppContext, actor: Actor, memberId: string, input: { kind: IdentifierKind; value: string }): Promise<MemberView> {
  const value = normaliseIdentifier(input.kind, input.value);
  return ctx.db.transaction().execute(async (trx) => {
    const m = await lockedMember(trx, actor.programId, memberId);
    if (!(await releaseIdentifier(trx, { programId: actor.programId, kind: input.kind, value, memberId }))) {
      throw new DomainError('NOT_FOUND', `the member has no ${input.kind} ${value}`);
    }
    const at = ctx.clock();
    const changed = ['identifiers'];
    if (input.kind === 'phone' && m.phone === value) {
      await updateMember(trx, memberId, { phone: null, at });
      changed.push('phone');
    }
    if (input.kind === 'email' && m.email === value) {
      await updateMember(trx, memberId, { email: null, at });
      changed.push('email');
    }
    await memberUpdated(ctx, trx, m, changed, m.status, at);
    return loadView(trx, actor.programId, memberId);
  });
}

/** A blocked member can neither earn nor spend; the balance stays as it is. */
export async function setBlocked(ctx: AppContext, actor: Actor, memberId: string, blocked: boolean, reason?: string): Promise<MemberView> {
  return ctx.db.transaction().execute(async (trx) => {
    const m = await lockedMember(trx, actor.programId, memberId);
    if (m.status === 'anonymised') throw new DomainError('MEMBER_NOT_FOUND', 'the member was deleted');
    const at = ctx.clock();
    const status = blocked ? 'blocked' : 'active';
    await updateMember(trx, memberId, { status, blockReason: blocked ? (reason ?? null) : null, at });
    await memberUpdated(ctx, trx, m, status !== m.status ? ['status'] : [], status, at);
    return loadView(trx, actor.programId, memberId);
  });
}
