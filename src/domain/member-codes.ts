import { DomainError } from './errors.js';

/** The rules of one-time sign-in codes (docs/auth.md). */
export const CODE_RULES = {
  digits: 6,
  ttlMs: 10 * 60_000,
  resendAfterMs: 60_000,
  maxSendsPerHour: 5,
  maxAttempts: 5,
} as const;

/** A code of `digits` digits from a uniform random integer source, e.g. `generateCode(randomInt)` → '042917'. */
export function generateCode(randomBelow: (max: number) => number, digits: number = CODE_RULES.digits): string {
  return String(randomBelow(10 ** digits)).padStart(digits, '0');
}

/**
 * May another code be sent to an identifier now? `sentAt` holds the instants of the codes sent
 * to it in the last hour (any order). Refuses with RESEND_TOO_SOON within a minute of the last
 * code and RATE_LIMITED after five in an hour; both carry `retryAfterSeconds`.
 */
export function checkSend(sentAt: readonly Date[], now: Date, rules = CODE_RULES): void {
  const t = now.getTime();
  const recent = sentAt.map((d) => d.getTime()).filter((x) => x > t - 3_600_000).sort((a, b) => a - b);
  const last = recent[recent.length - 1];
  if (last !== undefined && t - last < rules.resendAfterMs) {
    throw new DomainError('RESEND_TOO_SOON', 'a new code may be sent a minute after the last one', { extra: { retryAfterSeconds: Math.ceil((last + rules.resendAfterMs - t) / 1000) } });
  }
  if (recent.length >= rules.maxSendsPerHour) {
    const oldest = recent[recent.length - rules.maxSendsPerHour]!;
    throw new DomainError('RATE_LIMITED', `at most ${rules.maxSendsPerHour} codes an hour are sent to one phone or e-mail`, {
      extra: { retryAfterSeconds: Math.ceil((oldest + 3_600_000 - t) / 1000) },
    });
  }
}

export interface StoredCode {
  expiresAt: Date;
  attempts: number;
  consumedAt: Date | null;
}

export type CodeVerdict = 'ok' | 'wrong' | 'expired' | 'too_many_attempts';

/**
 * The verdict on a code entered at `now`; `matches` says whether it equals the stored one. A used
 * or expired code (or none at all) is 'expired' whatever was typed; after the fifth wrong attempt
 * the code is dead.
 */
export function judgeCode(code: StoredCode | undefined, matches: boolean, now: Date, rules = CODE_RULES): CodeVerdict {
  if (!code) return 'expired';
  if (code.consumedAt || code.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (code.attempts >= rules.maxAttempts) return 'too_many_attempts';
  return matches ? 'ok' : 'wrong';
}

/** The error for a verdict other than 'ok'; `attemptsLeft` goes with a wrong code. */
export function codeError(verdict: Exclude<CodeVerdict, 'ok'>, attemptsLeft: number): DomainError {
  switch (verdict) {
    case 'wrong':
      return attemptsLeft > 0
        ? new DomainError('INVALID_CODE', `the code is wrong; ${attemptsLeft} attempt(s) left`, { extra: { attemptsLeft } })
        : new DomainError('TOO_MANY_ATTEMPTS', 'the code is wrong and that was the last attempt; ask for a new code');
    case 'expired':
      return new DomainError('CODE_EXPIRED');
    case 'too_many_attempts':
      return new DomainError('TOO_MANY_ATTEMPTS');
  }
}
