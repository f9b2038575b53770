import { draftEvent } from '../domain/events/catalogue.js';
import { insertEvents } from '../store/domain-events.js';
import { lockWallet } from '../store/ledger.js';
import { checkFeedbackMessage, type FeedbackTopic } from '../domain/feedback.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../domain/list-paging.js';
import { insertFeedback, listFeedback, type FeedbackSortKey } from '../store/feedback.js';
import { afterRow } from '../store/keyset.js';
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
  await ctx.db.transaction().execute(async (trx) => {
    await lockWallet(trx, memberId); // the member's events are numbered under it
    await insertFeedback(trx, { feedbackId, memberId, programId: actor.programId, topic: input.topic, message, storeId: input.storeId ?? null, at });
    await insertEvents(trx, actor.programId, at, [draftEvent(ctx.newId(), 'feedback.received', memberId, at, { feedbackId, topic: input.topic, storeId: input.storeId ?? null })]);
  });
  return { id: feedbackId, memberId, memberName: null, topic: input.topic, message, storeId: input.storeId ?? null, createdAt: at.toISOString() };
}

export const FEEDBACK_LIST: ListSpec<FeedbackSortKey> = { list: 'feedback', keys: { createdAt: 'instant', topic: 'text' }, id: 'uuid', defaultSort: '-createdAt' };

/** The inbox, newest first unless asked otherwise. */
export async function getFeedbackInbox(ctx: AppContext, actor: Actor, q: ListQuery & { topic?: FeedbackTopic | undefined }): Promise<Page<FeedbackView>> {
  const sort = parseSort(FEEDBACK_LIST, q.sort);
  const after = decodeCursor(FEEDBACK_LIST, sort, q.cursor);
  const rows = await listFeedback(ctx.db, actor.programId, { sort, after, limit: q.limit, topic: q.topic });
  return pageOf(FEEDBACK_LIST.list, sort, rows, q.limit, afterRow, (r) => ({
    id: r.feedbackId,
    memberId: r.memberId,
    memberName: r.memberName,
    topic: r.topic,
    message: r.message,
    storeId: r.storeId,
    createdAt: r.createdAt.toISOString(),
  }));
}
