/**
 * The program's legal texts and what members accepted of them (docs/legal.md).
 *
 * A program publishes two texts, each in numbered versions that never change once published:
 * its rules (правила программы, a public offer the member accepts) and its consent to the
 * processing of personal data (согласие на обработку персональных данных, 152-ФЗ art. 9). A
 * member's acceptance and withdrawal of each are appended to a history that is never rewritten;
 * what is in force now is the history's last word per document.
 */
import { DomainError, type FieldError } from './errors.js';

export const DOCUMENT_KINDS = ['rules', 'personal_data'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Where an acceptance or a withdrawal was given: the member app, the till (or web shop) by an API key, the admin panel. */
export type AgreementChannel = 'app' | 'till' | 'admin';

export interface PublishedDocument {
  kind: DocumentKind;
  version: number;
  title: string;
  body: string;
  publishedAt: Date;
}

/** One line of a member's history. */
export interface AgreementEvent {
  kind: DocumentKind;
  version: number;
  action: 'accepted' | 'withdrawn';
  channel: AgreementChannel;
  at: Date;
}

/** A document the member has accepted and not withdrawn. */
export interface AgreementInForce {
  kind: DocumentKind;
  version: number;
  acceptedAt: Date;
  channel: AgreementChannel;
}

/** An acceptance as a request names it: the version the person saw, or none for the version in force. */
export interface AcceptanceInput {
  kind: DocumentKind;
  version?: number | undefined;
}

export const TITLE_MAX = 200;
export const BODY_MAX = 200_000;

/** Checks a text before it is published as the next version of its document. */
export function checkDocumentText(input: { title: string; body: string }): { title: string; body: string } {
  const title = input.title.trim();
  const body = input.body.replace(/\r\n?/g, '\n').trim();
  const errors: FieldError[] = [];
  if (title.length === 0 || title.length > TITLE_MAX) errors.push({ pointer: '/title', detail: `must have 1 to ${TITLE_MAX} characters` });
  if (body.length === 0 || body.length > BODY_MAX) errors.push({ pointer: '/body', detail: `must have 1 to ${BODY_MAX} characters` });
  if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
  return { title, body };
}

/**
 * The acceptances to record at enrolment (or later), each with the version it is for. A version
 * not named is the one published now; a named version must have been published (a paper form
 * printed before the last edit is still a true record). Every document the program requires and
 * has published must be among them: AGREEMENT_REQUIRED otherwise.
 *
 *   decideAcceptances([{ kind: 'personal_data' }], new Map([['personal_data', 3]]), ['personal_data'], (k, v) => v <= 3)
 *   // → [{ kind: 'personal_data', version: 3 }]
 */
export function decideAcceptances(
  input: readonly AcceptanceInput[],
  current: ReadonlyMap<DocumentKind, number>,
  required: readonly DocumentKind[],
  published: (kind: DocumentKind, version: number) => boolean,
  /** The JSON pointer of an item's field in the request (an enrolment's `/agreements/0/kind` by default). */
  pointerOf: (index: number, field: 'kind' | 'version') => string = (i, f) => `/agreements/${i}/${f}`,
): { kind: DocumentKind; version: number }[] {
  const errors: FieldError[] = [];
  const out: { kind: DocumentKind; version: number }[] = [];
  input.forEach((a, i) => {
    const latest = current.get(a.kind);
    if (out.some((o) => o.kind === a.kind)) errors.push({ pointer: pointerOf(i, 'kind'), detail: 'named twice' });
    else if (latest === undefined) errors.push({ pointer: pointerOf(i, 'kind'), detail: 'the program has not published this text' });
    else if (a.version !== undefined && !published(a.kind, a.version)) errors.push({ pointer: pointerOf(i, 'version'), detail: `no version ${a.version} was published (the latest is ${latest})` });
    else out.push({ kind: a.kind, version: a.version ?? latest });
  });
  if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
  const missing = required.filter((k) => current.has(k) && !out.some((o) => o.kind === k));
  if (missing.length > 0) {
    throw new DomainError('AGREEMENT_REQUIRED', `the program requires acceptance of: ${missing.join(', ')}`, {
      errors: missing.map((k) => ({ pointer: '/agreements', detail: `must accept ${k}` })),
      extra: { required: missing },
    });
  }
  return out;
}

/** What is in force now (`history` oldest first): per document, the last acceptance unless a withdrawal came after it. */
export function agreementsInForce(history: readonly AgreementEvent[]): AgreementInForce[] {
  const last = new Map<DocumentKind, AgreementEvent>();
  for (const e of history) last.set(e.kind, e);
  return DOCUMENT_KINDS.flatMap((k) => {
    const e = last.get(k);
    return e && e.action === 'accepted' ? [{ kind: k, version: e.version, acceptedAt: e.at, channel: e.channel }] : [];
  });
}

/** A withdrawal is recorded only against an acceptance in force (AGREEMENT_NOT_IN_FORCE otherwise). */
export function decideWithdrawal(history: readonly AgreementEvent[], kind: DocumentKind): { kind: DocumentKind; version: number } {
  const inForce = agreementsInForce(history).find((a) => a.kind === kind);
  if (!inForce) throw new DomainError('AGREEMENT_NOT_IN_FORCE', `the member has no acceptance of ${kind} in force to withdraw`);
  return { kind, version: inForce.version };
}
