import type { IdentifierKind } from '../../domain/identifiers.js';
import type { EvaluatedLine, ReceiptLineInput } from '../../domain/receipt.js';

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
}

export type PurchaseStatusView = 'calculated' | 'held' | 'completed' | 'cancelled';

/** What calculate answers and create records; the evaluation part is the same for both. */
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
  lines: EvaluatedLine[];
  /** Spendable points before and after this purchase (null without a member). */
  balanceBefore: number | null;
  balanceAfter: number | null;
  holdExpiresAt: string | null;
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
  pointsRestored: number;
  pointsClawedBack: number;
  /** Points that could not be taken back and now stand as a negative balance. */
  pointsOwed: number;
  balanceAfter: number | null;
  createdAt: string;
}
