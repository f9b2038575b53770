/**
 * Typed domain errors. Each has a stable machine code; the HTTP layer maps codes to statuses in
 * one table (src/http/errors.ts) and docs/errors.md lists them (a test keeps the three in step).
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'The request does not match the schema.',
  UNAUTHORIZED: 'No valid API key was given.',
  FORBIDDEN: "The key's role may not do this.",
  NOT_FOUND: 'No such resource.',
  PROGRAM_NOT_FOUND: 'No such program.',
  MEMBER_NOT_FOUND: 'No member with this id or identifier in this program.',
  MEMBER_BLOCKED: 'The member is blocked and can neither earn nor spend points.',
  IDENTIFIER_TAKEN: 'This identifier already belongs to another member of the program.',
  INVALID_IDENTIFIER: 'The identifier is not valid for its kind.',
  INVALID_SETTINGS: 'The program settings are not valid.',
  UNKNOWN_CURRENCY: 'The currency is not an ISO 4217 code.',
  CURRENCY_MISMATCH: "The receipt's currency is not the program's currency.",
  RECEIPT_TOTAL_MISMATCH: 'The receipt total does not equal the sum of its lines.',
  INVALID_RECEIPT: 'The receipt is not valid.',
  RECEIPT_ALREADY_EXISTS: 'A different receipt with this id was already recorded.',
  INSUFFICIENT_POINTS: 'The member does not have that many spendable points.',
  REDEEM_LIMIT_EXCEEDED: 'More points than the program allows on this receipt.',
  BELOW_MIN_REDEEM_BALANCE: 'The balance is below the smallest balance that may be spent.',
  PURCHASE_NOT_FOUND: 'No such purchase in this program.',
  PURCHASE_NOT_HELD: 'The purchase is not awaiting confirmation.',
  HOLD_EXPIRED: 'The hold timed out and the purchase was cancelled.',
  PURCHASE_NOT_RETURNABLE: 'The purchase cannot be returned in its current state.',
  RETURN_EXCEEDS_PURCHASE: 'More was returned than was bought.',
  IDEMPOTENCY_KEY_REUSED: 'This Idempotency-Key was used with a different request.',
  INVALID_IMPORT: 'The options or the column mapping of the import are not valid.',
  INVALID_ROW: 'A row of the imported file has a missing or malformed value.',
  INVALID_CONFIG: 'The configuration is not valid.',
  INTERNAL: 'An unexpected error occurred.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** JSON pointer of the bad field, e.g. `/lines/2/quantity`. */
  pointer: string;
  detail: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail?: string, options: { errors?: FieldError[]; extra?: Record<string, unknown> } = {}) {
    super(detail ?? ERROR_CODES[code]);
    this.name = 'DomainError';
    this.code = code;
    this.errors = options.errors;
    this.extra = options.extra;
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;
