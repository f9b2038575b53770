import type { FeedbackTopic } from '../domain/feedback.js';
import type { Executor } from './executor.js';

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

/** The program's inbox, newest first; `before` is the last id of the previous page. */
export async function listFeedback(db: Executor, programId: string, q: { limit: number; before?: string | undefined; topic?: FeedbackTopic | undefined }): Promise<FeedbackRow[]> {
  let query = db
    .selectFrom('feedback as f')
    .innerJoin('members as m', 'm.member_id', 'f.member_id')
    .select(['f.feedback_id', 'f.member_id', 'm.name', 'f.topic', 'f.message', 'f.store_id', 'f.created_at'])
    .where('f.program_id', '=', programId);
  if (q.before) query = query.where('f.feedback_id', '<', q.before);
  if (q.topic) query = query.where('f.topic', '=', q.topic);
  const rows = await query.orderBy('f.feedback_id', 'desc').limit(q.limit).execute();
  return rows.map((r) => ({ feedbackId: r.feedback_id, memberId: r.member_id, memberName: r.name, topic: r.topic, message: r.message, storeId: r.store_id, createdAt: r.created_at }));
}

export async function feedbackOfMember(db: Executor, memberId: string): Promise<FeedbackRow[]> {
  const rows = await db.selectFrom('feedback').selectAll().where('member_id', '=', memberId).orderBy('feedback_id', 'desc').execute();
  return rows.map((r) => ({ feedbackId: r.feedback_id, memberId: r.member_id, memberName: null, topic: r.topic, message: r.message, storeId: r.store_id, createdAt: r.created_at }));
}

export async function deleteFeedbackOf(db: Executor, memberId: string): Promise<void> {
  await db.deleteFrom('feedback').where('member_id', '=', memberId).execute();
}
