import { sql } from 'kysely';
import type { AgreementChannel, AgreementEvent, DocumentKind, PublishedDocument } from '../domain/agreements.js';
import type { Executor } from './executor.js';

/** Publishes the next version of a document in one statement (the primary key refuses a second writer of the same version). */
export async function insertNextDocument(db: Executor, d: { programId: string; kind: DocumentKind; title: string; body: string; at: Date; by: string }): Promise<number> {
  const r = await sql<{ version: number }>`
    insert into program_documents (program_id, kind, version, title, body, published_at, published_by)
    select ${d.programId}::uuid, ${d.kind}, coalesce(max(version), 0) + 1, ${d.title}, ${d.body}, ${d.at}::timestamptz, ${d.by}
      from program_documents where program_id = ${d.programId}::uuid and kind = ${d.kind}
    returning version`.execute(db);
  return r.rows[0]!.version;
}

const toDocument = (r: { kind: DocumentKind; version: number; title: string; body: string; published_at: Date }): PublishedDocument => ({
  kind: r.kind,
  version: r.version,
  title: r.title,
  body: r.body,
  publishedAt: r.published_at,
});

/** The latest version of each document the program has published. */
export async function latestDocuments(db: Executor, programId: string): Promise<PublishedDocument[]> {
  const rows = await db
    .selectFrom('program_documents as d')
    .select(['d.kind', 'd.version', 'd.title', 'd.body', 'd.published_at'])
    .where('d.program_id', '=', programId)
    .where(({ eb, selectFrom }) =>
      eb('d.version', '=', selectFrom('program_documents as l').select((x) => x.fn.max('l.version').as('v')).whereRef('l.program_id', '=', 'd.program_id').whereRef('l.kind', '=', 'd.kind')),
    )
    .orderBy('d.kind')
    .execute();
  return rows.map(toDocument);
}

/** One version of a document (the latest when `version` is undefined). */
export async function findDocument(db: Executor, programId: string, kind: DocumentKind, version?: number): Promise<PublishedDocument | undefined> {
  let q = db.selectFrom('program_documents').select(['kind', 'version', 'title', 'body', 'published_at']).where('program_id', '=', programId).where('kind', '=', kind);
  q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  const r = await q.executeTakeFirst();
  return r && toDocument(r);
}

/** Every published version of a document, newest first, without the texts. */
export async function documentVersions(db: Executor, programId: string, kind: DocumentKind): Promise<{ version: number; title: string; publishedAt: Date; publishedBy: string }[]> {
  const rows = await db
    .selectFrom('program_documents')
    .select(['version', 'title', 'published_at', 'published_by'])
    .where('program_id', '=', programId)
    .where('kind', '=', kind)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({ version: r.version, title: r.title, publishedAt: r.published_at, publishedBy: r.published_by }));
}

/** The version numbers published of each document. */
export async function publishedVersions(db: Executor, programId: string): Promise<Map<DocumentKind, Set<number>>> {
  const rows = await db.selectFrom('program_documents').select(['kind', 'version']).where('program_id', '=', programId).execute();
  const out = new Map<DocumentKind, Set<number>>();
  for (const r of rows) out.set(r.kind, (out.get(r.kind) ?? new Set()).add(r.version));
  return out;
}

export interface AgreementRow extends AgreementEvent {
  agreementId: string;
  actor: string;
}

export async function insertAgreements(
  db: Executor,
  rows: { memberId: string; agreementId: string; programId: string; kind: DocumentKind; version: number; action: 'accepted' | 'withdrawn'; channel: AgreementChannel; actor: string; at: Date }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('member_agreements')
    .values(rows.map((r) => ({ member_id: r.memberId, agreement_id: r.agreementId, program_id: r.programId, kind: r.kind, version: r.version, action: r.action, channel: r.channel, actor: r.actor, at: r.at })))
    .execute();
}

/** A member's acceptances and withdrawals, oldest first (ids are time-ordered: ties at one instant keep their order). */
export async function agreementHistory(db: Executor, memberId: string): Promise<AgreementRow[]> {
  const rows = await db
    .selectFrom('member_agreements')
    .select(['agreement_id', 'kind', 'version', 'action', 'channel', 'actor', 'at'])
    .where('member_id', '=', memberId)
    .orderBy('at')
    .orderBy('agreement_id')
    .execute();
  return rows.map((r) => ({ agreementId: r.agreement_id, kind: r.kind, version: r.version, action: r.action, channel: r.channel, actor: r.actor, at: r.at }));
}
