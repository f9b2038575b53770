import { DomainError } from './errors.js';

export const FEEDBACK_TOPICS = ['question', 'complaint', 'idea', 'praise', 'other'] as const;
export type FeedbackTopic = (typeof FEEDBACK_TOPICS)[number];

/** A message must say something: blank text (spaces, new lines) is refused with its pointer. */
export function checkFeedbackMessage(message: string): string {
  const text = message.trim();
  if (text.length === 0) throw new DomainError('VALIDATION_FAILED', 'the message is empty', { errors: [{ pointer: '/message', detail: 'must not be blank' }] });
  return text;
}
