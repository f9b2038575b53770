import { checkFeedbackMessage, type FeedbackTopic } from '../domain/feedback.js';
import { insertFeedback, listFeedback } from '../store/feedback.js';
import type { Actor, AppContext } from './context.js';
import { memberOf } from './me.js';

export interface FeedbackView {
  id: string;
  memberId: string;
  memberName: string | null;
  topic: FeedbackTopic;
  message: string;
  storeId: string | null;
  createdAt: string;
}

/** A member's message to the program; it lands in the admin panel's inbox. */
export async function sendFeedback(ctx: AppContext, actor: Actor, input: { topic: FeedbackTopic; message: string; storeId?: string | undefined }): Promise<FeedbackView> {
  const memberId = memberOf(actor);
  const message = checkFeedbackMessage(input.message);
  const feedbackId = ctx.newId();
  const at = ctx.clock();
  await insertFeedback(ctx.db, { feedbackId, memberId, programId: actor.programId, topic: input.topic, message, storeId: input.storeId ?? null, at });
  return { id: feedbackId, memberId, memberName: null, topic: input.topic, message, storeId: input.storeId ?? null, createdAt: at.toISOString() };
}

const UUID = /^[0-9a-f-]{36}$/i;

export async function getFeedbackInbox(ctx: AppContext, actor: Actor, q: { limit: number; cursor?: string | undefined; topic?: FeedbackTopic | undefined }): Promise<{ items: FeedbackView[]; nextCursor: string | null }> {
  const rows = await listFeedback(ctx.db, actor.programId, { limit: q.limit + 1, before: q.cursor && UUID.test(q.cursor) ? q.cursor : undefined, topic: q.topic });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({ id: r.feedbackId, memberId: r.memberId, memberName: r.memberName, topic: r.topic, message: r.message, storeId: r.storeId, createdAt: r.createdAt.toISOString() })),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.feedbackId : null,
  };
}
