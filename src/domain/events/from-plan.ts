import type { PurchaseEvent } from '../purchase-plan.js';
import type { EventDraft } from './catalogue.js';

/** A purchase plan's events as the outbox stores them: the purchase id joins the data, the purchase's time is when they occurred. */
export const purchaseEventDrafts = (events: readonly PurchaseEvent[], occurredAt: Date): EventDraft[] =>
  events.map((e) => ({ eventId: e.eventId, type: e.type, memberId: e.memberId, occurredAt, data: { purchaseId: e.purchaseId, ...e.data } }) as EventDraft);
