/**
 * The program's legal texts (rules, personal-data consent) and members' acceptances and
 * withdrawals of them (docs/legal.md). Publishing makes a new version; a member's history is
 * only ever appended to.
 */
import {
  agreementsInForce,
  checkDocumentText,
  decideAcceptances,
  decideWithdrawal,
  type AcceptanceInput,
  type AgreementChannel,
  type DocumentKind,
  type PublishedDocument,
} from '../domain/agreements.js';
import { DomainError } from '../domain/errors.js';
import { agreementHistory, documentVersions, findDocument, insertAgreements, insertNextDocument, latestDocuments, publishedVersions, type AgreementRow } from '../store/agreements.js';
import type { Executor, Tx } from '../store/executor.js';
import { lockWallet } from '../store/ledger.js';
import { audit } from './audit.js';
import type { Actor, AppContext } from './context.js';
import { requireMember } from './members.js';

export interface DocumentView {
  kind: DocumentKind;
  version: number;
  title: string;
  body: string;
  publishedAt: string;
}

const docView = (d: PublishedDocument): DocumentView => ({ kind: d.kind, version: d.version, title: d.title, body: d.body, publishedAt: d.publishedAt.toISOString() });

/** Where a caller gives or withdraws an agreement: a member in the app, an admin user in the panel, an API key at the till. */
export function channelOf(actor: Actor): AgreementChannel {
  if (actor.role === 'member') return 'app';
  if (actor.adminUserId || actor.role === 'admin') return 'admin';
  return 'till';
}

/** Publishes `title` and `body` as the next version of a document; the earlier versions stay readable. */
export async function publishDocument(ctx: AppContext, actor: Actor, kind: DocumentKind, input: { title: string; body: string }): Promise<DocumentView> {
  const text = checkDocumentText(input);
  const at = ctx.clock();
  return ctx.db.transaction().execute(async (trx) => {
    const version = await insertNextDocument(trx, { programId: actor.programId, kind, ...text, at, by: actor.name });
    await audit(ctx, trx, actor, { action: 'publish', entity: 'document', entityId: kind, before: null, after: { version, title: text.title }, at });
    return { kind, version, ...text, publishedAt: at.toISOString() };
  });
}

/** The published texts now in force, and which of them enrolment requires. */
export async function currentDocuments(ctx: AppContext, programId: string): Promise<{ documents: DocumentView[]; required: DocumentKind[] }> {
  const program = await ctx.programs.get(programId);
  return { documents: (await latestDocuments(ctx.db, programId)).map(docView), required: program.settings.requiredAgreements };
}

/** One version of a document (the latest without `version`), or DOCUMENT_NOT_FOUND. */
export async function getDocument(ctx: AppContext, programId: string, kind: DocumentKind, version?: number): Promise<DocumentView> {
  const d = await findDocument(ctx.db, programId, kind, version);
  if (!d) throw new DomainError('DOCUMENT_NOT_FOUND', version === undefined ? `the program has not published ${kind}` : `no version ${version} of ${kind}`);
  return docView(d);
}

export async function listDocumentVersions(ctx: AppContext, programId: string, kind: DocumentKind) {
  return { items: (await documentVersions(ctx.db, programId, kind)).map((v) => ({ ...v, publishedAt: v.publishedAt.toISOString() })) };
}

/**
 * Records the acceptances given at enrolment, in the enrolment's transaction; refuses the
 * enrolment (AGREEMENT_REQUIRED) when a text the program requires and has published is missing.
 */
export async function acceptAtEnrolment(
  trx: Tx,
  ctx: AppContext,
  e: { programId: string; memberId: string; required: readonly DocumentKind[]; channel: AgreementChannel; actor: string; at: Date },
  input: readonly AcceptanceInput[],
): Promise<void> {
  const decided = await decide(trx, e.programId, input, e.required);
  await insertAgreements(trx, decided.map((d) => ({ memberId: e.memberId, agreementId: ctx.newId(), programId: e.programId, ...d, action: 'accepted' as const, channel: e.channel, actor: e.actor, at: e.at })));
}

async function decide(db: Executor, programId: string, input: readonly AcceptanceInput[], required: readonly DocumentKind[], pointerOf?: (i: number, f: 'kind' | 'version') => string) {
  const versions = await publishedVersions(db, programId);
  const current = new Map([...versions].map(([k, v]) => [k, Math.max(...v)] as const));
  return decideAcceptances(input, current, required, (k, v) => versions.get(k)?.has(v) ?? false, pointerOf);
}

export interface AgreementsView {
  /** Texts accepted and not withdrawn, with the version accepted. */
  inForce: { kind: DocumentKind; version: number; acceptedAt: string; channel: AgreementChannel }[];
  /** Every acceptance and withdrawal, oldest first. */
  history: { kind: DocumentKind; version: number; action: 'accepted' | 'withdrawn'; channel: AgreementChannel; actor: string; at: string }[];
}

const agreementsView = (history: AgreementRow[]): AgreementsView => ({
  inForce: agreementsInForce(history).map((a) => ({ ...a, acceptedAt: a.acceptedAt.toISOString() })),
  history: history.map((h) => ({ kind: h.kind, version: h.version, action: h.action, channel: h.channel, actor: h.actor, at: h.at.toISOString() })),
});

export async function memberAgreements(ctx: AppContext, actor: Actor, memberId: string): Promise<AgreementsView> {
  await requireMember(ctx.db, actor.programId, memberId);
  return agreementsView(await agreementHistory(ctx.db, memberId));
}

/** An acceptance after enrolment (a new version of the rules, a consent given again); serialised on the member's wallet. */
export async function acceptAgreement(ctx: AppContext, actor: Actor, memberId: string, input: AcceptanceInput): Promise<AgreementsView> {
  return change(ctx, actor, memberId, async (trx) => {
    const [d] = await decide(trx, actor.programId, [input], [], (_, f) => `/${f}`);
    return { ...d!, action: 'accepted' as const };
  });
}

/** A withdrawal: appended to the history, the acceptance before it stays on record (152-ФЗ art. 9 p. 2). */
export async function withdrawAgreement(ctx: AppContext, actor: Actor, memberId: string, kind: DocumentKind): Promise<AgreementsView> {
  return change(ctx, actor, memberId, async (trx) => ({ ...decideWithdrawal(await agreementHistory(trx, memberId), kind), action: 'withdrawn' as const }));
}

async function change(
  ctx: AppContext,
  actor: Actor,
  memberId: string,
  decideRow: (trx: Tx) => Promise<{ kind: DocumentKind; version: number; action: 'accepted' | 'withdrawn' }>,
): Promise<AgreementsView> {
  return ctx.db.transaction().execute(async (trx) => {
    const m = await requireMember(trx, actor.programId, memberId);
    if (m.status === 'anonymised') throw new DomainError('MEMBER_NOT_FOUND', 'the member was deleted');
    await lockWallet(trx, memberId);
    const row = await decideRow(trx);
    const at = ctx.clock();
    await insertAgreements(trx, [{ memberId, agreementId: ctx.newId(), programId: actor.programId, ...row, channel: channelOf(actor), actor: actor.name, at }]);
    if (actor.role !== 'member') await audit(ctx, trx, actor, { action: row.action === 'accepted' ? 'accept_agreement' : 'withdraw_agreement', entity: 'member', entityId: memberId, before: null, after: { kind: row.kind, version: row.version }, at });
    return agreementsView(await agreementHistory(trx, memberId));
  });
}
