import type { IdentifierKind } from './identifiers.js';
import type { PurchaseLine } from './purchase.js';
import type { ReceiptLineInput } from './receipt.js';
import type { AppliedEffect } from './rules/facts.js';

/** A receipt as the till or web shop sends it to calculate or create. */
export interface PurchaseInput {
  receiptId: string;
  memberId?: string | undefined;
  identifier?: { kind: IdentifierKind; value: string } | undefined;
  storeId?: string | undefined;
  channel?: string | undefined;
  occurredAt?: string | undefined;
  currency?: string | undefined;
  total: number;
  lines: ReceiptLineInput[];
  pointsToSpend?: number | undefined;
  /** Hold the points now, spend them on confirm (or release them on cancel or timeout). */
  twoPhase?: boolean | undefined;
  /** Coupon codes the customer presented. */
  coupons?: string[] | undefined;
}

/** An effect of a campaign or of the member's tier on this purchase, for the till and attribution. */
export interface EffectView extends AppliedEffect {
  campaignName: string | null;
}

/** What became of a presented coupon code. */
export interface CouponView {
  code: string;
  status: 'applied' | 'not_applied' | 'refused';
  /** Why not: unknown, not_yet_valid, expired, used_up, other_member, member_limit, archived, no_campaign. */
  reason: string | null;
}

export type PurchaseStatusView = 'calculated' | 'held' | 'completed' | 'cancelled';

/** Why a two-phase purchase was cancelled: by a cancel while held, or because the hold ran out. */
export type CancelReason = 'cancel' | 'hold_timeout';

/**
 * What calculate answers and create records; the evaluation part is the same for both. The
 * evaluation fields (totals, points, lines, effects) are the purchase's terms as create decided
 * them, whatever became of it: held, they are what confirm will carry out; cancelled, what was
 * dropped (nothing was spent or earned). `status`, `cancelReason` and `balanceAfter` say what
 * happened (docs/adr/0021-two-phase-outcomes.md).
 */
export interface PurchaseResult {
  purchaseId: string | null;
  receiptId: string;
  status: PurchaseStatusView;
  memberId: string | null;
  memberStatus: 'active' | 'blocked' | 'anonymised' | null;
  currency: string;
  occurredAt: string;
  total: number;
  paidTotal: number;
  maxPointsToSpend: number;
  pointsSpent: number;
  pointsEarned: number;
  earnedAvailableAt: string | null;
  earnedExpiresAt: string | null;
  /** Money off by campaigns and the tier, in all. */
  discountTotal: number;
  /** Points by the main scheme's rate, and on top of it from the tier and campaigns. */
  basePoints: number;
  bonusPoints: number;
  lines: PurchaseLine[];
  effects: EffectView[];
  coupons: CouponView[];
  tier: { id: string; name: string; rank: number } | null;
  /** The rules version the purchase was evaluated with (null: the main scheme alone). */
  ruleVersion: number | null;
  /** Uses this purchase counted towards campaigns' per-member limits (given back if it is cancelled). */
  usage: { campaignId: string; period: string }[];
  /** Spendable points before and after this purchase (null without a member). */
  balanceBefore: number | null;
  balanceAfter: number | null;
  /** When the hold of a two-phase purchase ends (kept after confirm or cancel); null for a one-phase one. */
  holdExpiresAt: string | null;
  /** Set when status is cancelled: `cancel` (cancelled while held) or `hold_timeout`. */
  cancelReason: CancelReason | null;
  receiptText: string[];
}

export interface ReturnInput {
  lines: { line: number; quantity: number }[];
}

export interface ReturnResult {
  returnId: string;
  purchaseId: string;
  memberId: string | null;
  lines: { line: number; quantity: number; refund: number; pointsToClawBack: number; pointsToRestore: number }[];
  /** Money due back for the returned goods, before withholding. */
  refund: number;
  /** Money kept back because the member had already spent points that must be taken back. */
  refundWithheld: number;
  /** refund − refundWithheld: what the till pays out. */
  refundDue: number;
  /** Points the member had paid for the returned goods, given back. */
  pointsRestored: number;
  /**
   * The points earned on the returned goods (the lines' pointsToClawBack) are settled three
   * ways, the same under both clawback policies: pointsClawedBack + pointsWithheld + pointsOwed.
   * pointsClawedBack: taken from the member's points (the purchase's own lot first).
   */
  pointsClawedBack: number;
  /** Settled with money kept from the refund (withhold_from_refund only): refundWithheld = pointsWithheld × point value. */
  pointsWithheld: number;
  /** Neither taken nor withheld: they now stand as a negative balance. */
  pointsOwed: number;
  balanceAfter: number | null;
  createdAt: string;
}
