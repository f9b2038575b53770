/**
 * The events of the changes that are not yet plans (confirm, return): built here from the change's
 * answer, so the use cases add one line beside their writes.
 */
import type { PurchaseResult, ReturnResult } from '../purchase-types.js';
import { draftEvent, type EventDraft } from './catalogue.js';

/** A held purchase confirmed: `purchase.confirmed`, and `points.earned` when it earns. */
export function confirmedEvents(newId: () => string, memberId: string, prior: PurchaseResult, at: Date): EventDraft[] {
  const purchaseId = prior.purchaseId!;
  const events = [draftEvent(newId(), 'purchase.confirmed', memberId, at, { purchaseId, receiptId: prior.receiptId, pointsSpent: prior.pointsSpent, pointsEarned: prior.pointsEarned })];
  if (prior.pointsEarned > 0) {
    events.push(draftEvent(newId(), 'points.earned', memberId, at, { purchaseId, points: prior.pointsEarned, availableAt: prior.earnedAvailableAt ?? at.toISOString(), expiresAt: prior.earnedExpiresAt }));
  }
  return events;
}

/** A return recorded: `purchase.returned` (without a member for a receipt that had none). */
export const returnedEvent = (eventId: string, r: ReturnResult, at: Date): EventDraft =>
  draftEvent(eventId, 'purchase.returned', r.memberId, at, {
    purchaseId: r.purchaseId,
    returnId: r.returnId,
    refund: r.refund,
    refundDue: r.refundDue,
    pointsRestored: r.pointsRestored,
    pointsClawedBack: r.pointsClawedBack,
    pointsWithheld: r.pointsWithheld,
    pointsOwed: r.pointsOwed,
  });
