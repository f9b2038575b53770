/**
 * The catalogue of domain events (docs/events.md): what happened in a program, as its consumers —
 * webhooks, messages, games, a merchant's own systems pulling `GET /v1/events` — learn it. Each type
 * has a version and a JSON schema of its `data`; the outbox row around it (id, member, order, times)
 * is the same for every type. A change that a consumer could notice (a field removed, renamed or
 * retyped) is a new version of the type, never an edit of the old one; adding an optional field
 * keeps the version.
 *
 * Events carry ids and facts, never personal data (no names, phones, e-mails, feedback text): a
 * consumer reads the member through the API when it needs them, so erasing a member
 * (docs/legal.md) needs no rewrite of the outbox.
 */
import { Type, type Static, type TSchema } from 'typebox';

const Obj = <T extends Record<string, TSchema>>(props: T, description: string) => Type.Object(props, { additionalProperties: false, description });
const Id = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time' });
const NullableId = Type.Union([Id, Type.Null()]);
const NullableInstant = Type.Union([Instant, Type.Null()]);
const NullableText = Type.Union([Type.String(), Type.Null()]);
const Points = Type.Integer({ description: 'points' });
const Minor = Type.Integer({ description: 'money in minor units (kopecks)' });
const MemberStatus = Type.Union([Type.Literal('active'), Type.Literal('blocked'), Type.Literal('anonymised')]);

/** One event type: its version, who writes it (a source file, or `pending` with the slice that will), and the schema of its data. */
export interface EventDefinition {
  version: number;
  /** What writes it; `pending: …` when no code writes it yet (docs/events.md says which slice will). */
  producer: string;
  description: string;
  data: TSchema;
}

export const EVENT_CATALOGUE = {
  'member.enrolled': {
    version: 1,
    producer: 'src/app/members.ts enrolMemberIn (API, till, admin panel, member app join)',
    description: 'A person joined the program.',
    data: Obj({ memberId: Id, channel: Type.Union([Type.Literal('app'), Type.Literal('till'), Type.Literal('admin')], { description: 'where they joined' }) }, 'member.enrolled v1'),
  },
  'member.updated': {
    version: 1,
    producer: 'src/app/members.ts editMember, addIdentifier, removeIdentifier, setBlocked; src/app/my-data.ts deleteMe (status anonymised)',
    description: "A member's profile, identifiers or status changed; `changed` names the fields (read the member for their values).",
    data: Obj(
      {
        memberId: Id,
        changed: Type.Array(Type.String(), { minItems: 1, description: 'profile fields (`name`, `phone`, `birthday`, …), `identifiers` or `status`' }),
        status: MemberStatus,
      },
      'member.updated v1',
    ),
  },
  'purchase.completed': {
    version: 1,
    producer: 'src/store/purchase-writer.ts (the purchase plan, single and batched paths; receipts without a member too)',
    description: 'A purchase was recorded and is complete: its points are spent and earned.',
    data: Obj({ purchaseId: Id, receiptId: Type.String(), total: Minor, paidTotal: Minor, pointsSpent: Points, pointsEarned: Points }, 'purchase.completed v1'),
  },
  'purchase.held': {
    version: 1,
    producer: 'src/store/purchase-writer.ts (two-phase purchases)',
    description: 'A two-phase purchase was recorded: its points are held until confirm or cancel; it earns when confirmed.',
    data: Obj({ purchaseId: Id, receiptId: Type.String(), total: Minor, paidTotal: Minor, pointsSpent: Points, pointsEarned: Points }, 'purchase.held v1'),
  },
  'purchase.confirmed': {
    version: 1,
    producer: 'src/app/purchases/two-phase.ts confirmPurchase',
    description: 'A held purchase was confirmed: the held points are spent, and it earns (a `points.earned` follows when it does).',
    data: Obj({ purchaseId: Id, receiptId: Type.String(), pointsSpent: Points, pointsEarned: Points }, 'purchase.confirmed v1'),
  },
  'purchase.cancelled': {
    version: 1,
    producer: 'src/app/purchases/hold-end.ts cancelHeld (cancel, the hold-timeout job, a late confirm)',
    description: 'A held purchase was cancelled, or its hold ran out: the held points are free again.',
    data: Obj({ purchaseId: Id, receiptId: Type.String(), reason: Type.Union([Type.Literal('cancel'), Type.Literal('hold_timeout')]), pointsReleased: Points }, 'purchase.cancelled v1'),
  },
  'purchase.returned': {
    version: 1,
    producer: 'src/app/purchases/returns.ts returnPurchase',
    description: 'Goods of a purchase were returned, in whole or in part.',
    data: Obj(
      {
        purchaseId: Id,
        returnId: Id,
        refund: Minor,
        refundDue: Minor,
        pointsRestored: Points,
        pointsClawedBack: Points,
        pointsWithheld: Points,
        pointsOwed: Points,
      },
      'purchase.returned v1',
    ),
  },
  'points.earned': {
    version: 1,
    producer: 'src/store/purchase-writer.ts (a completed purchase), src/app/purchases/two-phase.ts (a confirmed one)',
    description: 'A purchase earned points; they become spendable at `availableAt` (a `points.available` follows then).',
    data: Obj({ purchaseId: Id, points: Points, availableAt: Instant, expiresAt: NullableInstant }, 'points.earned v1'),
  },
  'points.available': {
    version: 1,
    producer: 'pending: the scheduled events job (issue 14, messages slice)',
    description: "Pending points became spendable (the purchase's return window ended).",
    data: Obj({ purchaseId: NullableId, points: Points, availableAt: Instant }, 'points.available v1'),
  },
  'points.expiring': {
    version: 1,
    producer: 'pending: the scheduled events job (issue 14, messages slice)',
    description: 'Points will expire soon: one event per member and expiry date, not per lot.',
    data: Obj({ points: Points, expiresAt: Instant }, 'points.expiring v1'),
  },
  'points.expired': {
    version: 1,
    producer: 'src/app/ledger.ts expirePoints (the expiry job)',
    description: 'The expiry write-down burned what remained of lots whose time ran out.',
    data: Obj({ points: Points, lots: Type.Integer({ minimum: 1 }), expiredAt: Instant }, 'points.expired v1'),
  },
  'points.adjusted': {
    version: 1,
    producer: 'src/app/ledger.ts adjustPoints',
    description: 'Points were credited (positive) or debited (negative) by hand, with a reason.',
    data: Obj({ adjustmentId: Id, points: Points, reason: Type.String(), actor: Type.String(), expiresAt: NullableInstant }, 'points.adjusted v1'),
  },
  'tier.changed': {
    version: 1,
    producer: 'src/store/purchase-writer.ts (an upgrade or a review due at a purchase), src/app/rules/tier-review-job.ts',
    description: "A member's tier changed (`to` null: no tier).",
    data: Obj({ purchaseId: NullableId, from: NullableText, to: NullableText, reason: Type.String(), at: Instant }, 'tier.changed v1'),
  },
  'coupon.issued': {
    version: 1,
    producer: 'src/app/rules/coupon-series.ts generateCoupons (a personal code bound to a member)',
    description: 'A personal coupon code was issued to a member.',
    data: Obj({ code: Type.String(), seriesId: Type.String() }, 'coupon.issued v1'),
  },
  'coupon.redeemed': {
    version: 1,
    producer: 'src/store/purchase-writer.ts',
    description: 'A purchase used a coupon code (`held` while a two-phase purchase is held).',
    data: Obj({ purchaseId: Id, code: Type.String(), seriesId: Type.String(), status: Type.Union([Type.Literal('held'), Type.Literal('used')]) }, 'coupon.redeemed v1'),
  },
  'campaign.started': {
    version: 1,
    producer: 'pending: the scheduled events job (issue 14, messages slice)',
    description: "A campaign's schedule began.",
    data: Obj({ campaignId: Type.String(), startsAt: Instant }, 'campaign.started v1'),
  },
  'campaign.budget_warning': {
    version: 1,
    producer: 'src/store/purchase-writer.ts (the purchase whose charge crossed the threshold)',
    description: "A campaign's budget crossed its warning threshold (exactly one purchase reports each crossing).",
    data: Obj(
      {
        campaignId: Type.String(),
        purchaseId: Id,
        budget: Type.Union([Type.Literal('points'), Type.Literal('money')]),
        cap: Type.Integer(),
        warnAtPercent: Type.Number(),
        used: Type.Integer({ description: 'the budget used after the purchase' }),
      },
      'campaign.budget_warning v1',
    ),
  },
  'feedback.received': {
    version: 1,
    producer: 'src/app/feedback.ts sendFeedback',
    description: 'A member sent a message to the program (read it in the feedback inbox).',
    data: Obj({ feedbackId: Id, topic: Type.String(), storeId: NullableText }, 'feedback.received v1'),
  },
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventData<T extends EventType> = Static<(typeof EVENT_CATALOGUE)[T]['data']>;

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

export const isEventType = (t: string): t is EventType => Object.hasOwn(EVENT_CATALOGUE, t);

/**
 * An event as a use case or a plan decides it, before the outbox gives it its place: the writer
 * adds the version, the member's sequence number and the feed position (store/domain-events.ts).
 */
export type EventDraft = {
  [T in EventType]: { eventId: string; type: T; memberId: string | null; occurredAt: Date; data: EventData<T> };
}[EventType];

/** A draft of one type, with its data checked against the type by the compiler: `draftEvent(newId(), 'points.adjusted', memberId, now, {…})`. */
export function draftEvent<T extends EventType>(eventId: string, type: T, memberId: string | null, occurredAt: Date, data: EventData<T>): EventDraft {
  return { eventId, type, memberId, occurredAt, data } as EventDraft;
}
