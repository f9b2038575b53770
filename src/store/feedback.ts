import type { FeedbackTopic } from '../domain/feedback.js';
import { sql } from 'kysely';
import type { After, Sort } from '../domain/list-paging.js';
import type { Executor } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';

export interface FeedbackRow {
  feedbackId: string;
  memberId: string;
  memberName: string | null;
  topic: FeedbackTopic;
  message: string;
  storeId: string | null;
  createdAt: Date;
}

export async function insertFeedback(db: Executor, f: { feedbackId: string; memberId: string; programId: string; topic: FeedbackTopic; message: string; storeId: string | null; at: Date }): Promise<void> {
  await db
    .insertInto('feedback')
    .values({ feedback_id: f.feedbackId, member_id: f.memberId, program_id: f.programId, topic: f.topic, message: f.message, store_id: f.storeId, created_at: f.at })
    .execute();
}

export type FeedbackSortKey = 'createdAt' | 'topic';

export const FEEDBACK_KEYSET: Keyset<FeedbackSortKey> = {
  columns: { createdAt: { expr: sql`f.created_at`, type: 'timestamptz' }, topic: { expr: sql`f.topic`, type: 'text' } },
  id: 'f.feedback_id',
};

/** A page of the program's inbox in the asked order, one row more than the limit. */
export async function listFeedback(
  db: Executor,
  programId: string,
  q: { sort: Sort<FeedbackSortKey>; after: After | undefined; limit: number; topic?: FeedbackTopic | undefined },
): Promise<(FeedbackRow & SortedRow)[]> {
  let query = db
    .selectFrom('feedback as f')
    .innerJoin('members as m', 'm.member_id', 'f.member_id')
    .select(['f.feedback_id', 'f.member_id', 'm.name', 'f.topic', 'f.message', 'f.store_id', 'f.created_at'])
    .where('f.program_id', '=', programId);
  if (q.topic) query = query.where('f.topic', '=', q.topic);
  const rows = await keysetPage(query, FEEDBACK_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({ sort_value: r.sort_value, sort_id: r.sort_id, feedbackId: r.feedback_id, memberId: r.member_id, memberName: r.name, topic: r.topic, message: r.message, storeId: r.store_id, createdAt: r.created_at }));
}

export async function feedbackOfMember(db: Executor, memberId: string): Promise<FeedbackRow[]> {
  const rows = await db.selectFrom('feedback').selectAll().where('member_id', '=', memberId).orderBy('feedback_id', 'desc').execute();
  return rows.map((r) => ({ feedbackId: r.feedback_id, memberId: r.member_id, memberName: null, topic: r.topic, message: r.message, storeId: r.store_id, createdAt: r.created_at }));
}

export async function deleteFeedbackOf(db: Executor, memberId: string): Promise<void> {
  await db.deleteFrom('feedback').where('member_id', '=', memberId).execute();
}
