/**
 * Typed domain errors. Each has a stable machine code; the HTTP layer maps codes to statuses in
 * one table (src/http/errors.ts) and docs/errors.md lists them (a test keeps the three in step).
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'The request does not match the schema.',
  INVALID_SORT: 'The list cannot be sorted by this key.',
  INVALID_CURSOR: 'The cursor is not one this list gave out.',
  CURSOR_SORT_MISMATCH: 'The cursor was made for another sort of the list; start again without it.',
  UNAUTHORIZED: 'No valid API key or session was given.',
  FORBIDDEN: "The caller's role may not do this.",
  NOT_FOUND: 'No such resource.',
  PROGRAM_NOT_FOUND: 'No such program.',
  MEMBER_NOT_FOUND: 'No member with this id or identifier in this program.',
  MEMBER_BLOCKED: 'The member is blocked and can neither earn nor spend points.',
  IDENTIFIER_TAKEN: 'This identifier already belongs to another member of the program.',
  INVALID_IDENTIFIER: 'The identifier is not valid for its kind.',
  INVALID_SETTINGS: 'The program settings are not valid.',
  INVALID_RULES: 'The campaign and tier rules are not valid.',
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
  IDEMPOTENCY_KEY_INVALID: 'An Idempotency-Key is 1 to 255 printable ASCII characters without spaces.',
  STORE_NOT_FOUND: 'No such store in this program.',
  STORE_EXISTS: 'A store with this id already exists.',
  RULES_VERSION_SCHEDULED: 'A later rules version is already scheduled; publish at or after it.',
  CAMPAIGN_EXISTS: 'A campaign with this id already exists.',
  CAMPAIGN_NOT_FOUND: 'No such campaign in this program.',
  CAMPAIGN_ARCHIVED: 'The campaign is archived and cannot change.',
  TIER_EXISTS: 'A tier with this id already exists.',
  TIER_NOT_FOUND: 'No such tier in this program.',
  COUPON_SERIES_EXISTS: 'A coupon series with this id already exists.',
  COUPON_SERIES_NOT_FOUND: 'No such coupon series in this program.',
  COUPON_CODE_TAKEN: 'This coupon code is already in use in the program.',
  INVALID_CREDENTIALS: 'The e-mail or the password is wrong.',
  ADMIN_USER_DISABLED: 'This admin user is disabled.',
  ADMIN_USER_EXISTS: 'An admin user with this e-mail already exists in the program.',
  LAST_OWNER: 'The program must keep at least one active owner.',
  PASSWORD_TOO_WEAK: 'The password does not meet the password rules.',
  SESSION_EXPIRED: 'The session has expired; sign in again.',
  CSRF_HEADER_MISSING: 'A request authenticated by a cookie must carry the header X-Kopilka-CSRF: 1.',
  RATE_LIMITED: 'Too many requests; try again later.',
  RESEND_TOO_SOON: 'A new code may be sent only a minute after the last one.',
  INVALID_CODE: 'The code is wrong.',
  CODE_EXPIRED: 'The code has expired or was already used; ask for a new one.',
  TOO_MANY_ATTEMPTS: 'Too many wrong codes; ask for a new one.',
  NOT_ENROLLED: 'No member has this phone or e-mail yet; join the program first.',
  DELIVERY_NOT_CONFIGURED: 'Codes cannot be sent: no delivery is configured for this channel.',
  INVALID_DATE_RANGE: 'The report period is not a valid range of days.',
  SEGMENT_NOT_FOUND: 'No such segment in this program.',
  SEGMENT_READ_ONLY: 'Built-in segments (RFM, at risk) are kept by the platform and cannot be changed.',
  INVALID_SEGMENT_RULE: 'The segment rule is not valid.',
  NOT_ENOUGH_DATA: 'There is not enough purchase history to fit the models.',
  MODEL_FIT_FAILED: 'The fitted models give no usable forecast for this history.',
  ANALYTICS_OUT_OF_MEMORY: 'The analytics task needed more memory than its worker may use (ANALYTICS_HEAP_MB).',
  SURVEY_NOT_FOUND: 'No such survey, or the link is not valid.',
  SURVEY_CLOSED: 'The survey no longer takes answers.',
  SURVEY_ALREADY_ANSWERED: 'The member has already answered this survey.',
  INVALID_IMPORT: 'The options or the column mapping of the import are not valid.',
  INVALID_ROW: 'A row of the imported file has a missing or malformed value.',
  BALANCE_ALREADY_IMPORTED: 'A different opening balance was already imported for this member (and reference).',
  UNKNOWN_ENCODING: 'The imported file is neither UTF-8 nor Windows-1251 text.',
  INVALID_CONFIG: 'The configuration is not valid.',
  DATABASE_UNAVAILABLE: 'The database cannot be reached just now; nothing was written that a retry would repeat. Retry after the time in Retry-After, with the same receipt id or Idempotency-Key.',
  DATABASE_TIMEOUT: 'The database did not answer in time; retry after the time in Retry-After, with the same receipt id or Idempotency-Key.',
  REQUEST_TIMEOUT: 'The request took longer than the server allows; retry after the time in Retry-After, with the same receipt id or Idempotency-Key.',
  AGREEMENT_REQUIRED: "The program requires acceptance of its published rules or personal-data consent to enrol.",
  AGREEMENT_NOT_IN_FORCE: 'The member has no acceptance of this text in force to withdraw.',
  DOCUMENT_NOT_FOUND: 'The program has not published this text, or not this version of it.',
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
