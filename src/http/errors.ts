import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ERROR_CODES, type ErrorCode, type FieldError } from '../domain/errors.js';
import { databaseFailure } from '../app/database.js';
import type { DatabaseState } from './outage.js';

/** HTTP status of every error code; the one place where domain errors meet HTTP. */
export const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_SORT: 400,
  INVALID_CURSOR: 400,
  CURSOR_SORT_MISMATCH: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PROGRAM_NOT_FOUND: 404,
  MEMBER_NOT_FOUND: 404,
  MEMBER_BLOCKED: 409,
  IDENTIFIER_TAKEN: 409,
  INVALID_IDENTIFIER: 422,
  INVALID_SETTINGS: 422,
  INVALID_RULES: 422,
  UNKNOWN_CURRENCY: 422,
  CURRENCY_MISMATCH: 422,
  RECEIPT_TOTAL_MISMATCH: 422,
  INVALID_RECEIPT: 422,
  RECEIPT_ALREADY_EXISTS: 409,
  INSUFFICIENT_POINTS: 409,
  REDEEM_LIMIT_EXCEEDED: 422,
  BELOW_MIN_REDEEM_BALANCE: 409,
  PURCHASE_NOT_FOUND: 404,
  PURCHASE_NOT_HELD: 409,
  HOLD_EXPIRED: 409,
  PURCHASE_NOT_RETURNABLE: 409,
  RETURN_EXCEEDS_PURCHASE: 422,
  IDEMPOTENCY_KEY_REUSED: 409,
  IDEMPOTENCY_KEY_INVALID: 400,
  STORE_NOT_FOUND: 404,
  STORE_EXISTS: 409,
  RULES_VERSION_SCHEDULED: 409,
  CAMPAIGN_EXISTS: 409,
  CAMPAIGN_NOT_FOUND: 404,
  CAMPAIGN_ARCHIVED: 409,
  TIER_EXISTS: 409,
  TIER_NOT_FOUND: 404,
  COUPON_SERIES_EXISTS: 409,
  COUPON_SERIES_NOT_FOUND: 404,
  COUPON_CODE_TAKEN: 409,
  INVALID_CREDENTIALS: 401,
  ADMIN_USER_DISABLED: 403,
  ADMIN_USER_EXISTS: 409,
  LAST_OWNER: 409,
  PASSWORD_TOO_WEAK: 422,
  SESSION_EXPIRED: 401,
  CSRF_HEADER_MISSING: 403,
  RATE_LIMITED: 429,
  RESEND_TOO_SOON: 429,
  INVALID_CODE: 401,
  CODE_EXPIRED: 401,
  TOO_MANY_ATTEMPTS: 429,
  NOT_ENROLLED: 404,
  DELIVERY_NOT_CONFIGURED: 503,
  INVALID_DATE_RANGE: 422,
  SEGMENT_NOT_FOUND: 404,
  SEGMENT_READ_ONLY: 409,
  INVALID_SEGMENT_RULE: 422,
  NOT_ENOUGH_DATA: 422,
  MODEL_FIT_FAILED: 422,
  ANALYTICS_OUT_OF_MEMORY: 503,
  SURVEY_NOT_FOUND: 404,
  SURVEY_CLOSED: 409,
  SURVEY_ALREADY_ANSWERED: 409,
  INVALID_IMPORT: 422,
  INVALID_ROW: 422,
  BALANCE_ALREADY_IMPORTED: 409,
  UNKNOWN_ENCODING: 422,
  INVALID_CONFIG: 500,
  DATABASE_UNAVAILABLE: 503,
  DATABASE_TIMEOUT: 503,
  REQUEST_TIMEOUT: 503,
  AGREEMENT_REQUIRED: 422,
  AGREEMENT_NOT_IN_FORCE: 409,
  DOCUMENT_NOT_FOUND: 404,
  INTERNAL: 500,
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export function problem(code: ErrorCode, detail: string, errors?: FieldError[], extra?: Record<string, unknown>): Problem {
  return {
    type: `urn:kopilka:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: ERROR_CODES[code],
    status: STATUS[code],
    code,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...extra,
  };
}

/** Seconds a client is asked to wait before retrying while the database is away or slow. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * Turns whatever was thrown into an RFC 9457 problem; unexpected errors are logged, not shown.
 * The database being away or too slow is no bug: 503 with Retry-After, and one log line per
 * outage (`database`), not a stack per request.
 */
export const errorHandler = (database: DatabaseState) => (err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
  const p = problemOf(err, request, database);
  if (typeof p.retryAfterSeconds === 'number') void reply.header('retry-after', String(p.retryAfterSeconds));
  void reply.code(p.status).type('application/problem+json').send(p);
};

/** The problem an error answers with (the error handler's, and the idempotency layer's when its commit fails). */
export function problemOf(err: FastifyError | Error, request: FastifyRequest, database: DatabaseState): Problem {
  let p: Problem;
  const failure = err instanceof DomainError ? null : databaseFailure(err);
  if (failure) {
    database.failed(failure, err);
    p = failure === 'timeout'
      ? problem('DATABASE_TIMEOUT', 'the database did not answer within the time the server allows; retrying with the same receipt id or Idempotency-Key is safe', undefined, { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS })
      : problem('DATABASE_UNAVAILABLE', 'the database cannot be reached; retrying with the same receipt id or Idempotency-Key is safe', undefined, { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS });
  } else if (err instanceof DomainError) {
    p = problem(err.code, err.message, err.errors, err.extra);
  } else if ('validation' in err && err.validation) {
    const errors = err.validation.map((v) => ({
      pointer: pointerOf(err.validationContext ?? 'body', v.instancePath, v.params as Record<string, unknown>),
      detail: v.message ?? 'is not valid',
    }));
    p = problem('VALIDATION_FAILED', errors.map((e) => `${e.pointer} ${e.detail}`).join('; '), errors);
  } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500) {
    // Fastify's own client errors: malformed JSON, wrong content type, body too large.
    p = { ...problem('VALIDATION_FAILED', err.message), status: err.statusCode };
  } else {
    request.log.error({ err }, 'unhandled error');
    p = problem('INTERNAL', 'an unexpected error occurred; it has been logged');
  }
  return p;
}

function pointerOf(part: string, instancePath: string, params: Record<string, unknown>): string {
  const extra = typeof params.additionalProperty === 'string' ? `/${params.additionalProperty}` : typeof params.missingProperty === 'string' ? `/${params.missingProperty}` : '';
  const base = part === 'body' ? '' : `${part}:`;
  return `${base}${instancePath}${extra}` || '/';
}
