import { DomainError } from './errors.js';

/** Password rules for admin users: long enough to resist guessing, short enough to hash quickly. */
export const PASSWORD_RULES = { minLength: 10, maxLength: 200 } as const;

/** Throws PASSWORD_TOO_WEAK naming the broken rule, e.g. `checkPassword('short', 'a@b.ru')`. */
export function checkPassword(password: string, email: string): void {
  const problem =
    [...password].length < PASSWORD_RULES.minLength
      ? `must be at least ${PASSWORD_RULES.minLength} characters`
      : [...password].length > PASSWORD_RULES.maxLength
        ? `must be at most ${PASSWORD_RULES.maxLength} characters`
        : password.trim().toLowerCase() === email.trim().toLowerCase()
          ? 'must not be the e-mail address'
          : new Set(password).size < 3
            ? 'must not repeat one or two characters'
            : null;
  if (problem) throw new DomainError('PASSWORD_TOO_WEAK', `the password ${problem}`, { errors: [{ pointer: '/password', detail: problem }] });
}

/**
 * How long a session lives: it ends after `idleMs` without use (each use slides the end), and
 * never later than `maxMs` after sign-in (null: no absolute limit). The end is written back at
 * most once per `touchEveryMs`, so a busy panel does not write on every request.
 */
export interface SessionPolicy {
  idleMs: number;
  maxMs: number | null;
  touchEveryMs: number;
}

export interface SessionTimes {
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
}

/** The end of a session used at `now`: idle time from now, capped by the absolute limit. */
export function sessionEnd(createdAt: Date, now: Date, policy: SessionPolicy): Date {
  const idle = now.getTime() + policy.idleMs;
  return new Date(policy.maxMs === null ? idle : Math.min(idle, createdAt.getTime() + policy.maxMs));
}

export type SessionCheck = { valid: false } | { valid: true; renew: { expiresAt: Date; lastSeenAt: Date } | null };

/** Is the session still valid at `now`, and should its end slide forward? */
export function checkSession(s: SessionTimes, now: Date, policy: SessionPolicy): SessionCheck {
  if (s.expiresAt.getTime() <= now.getTime()) return { valid: false };
  if (now.getTime() - s.lastSeenAt.getTime() < policy.touchEveryMs) return { valid: true, renew: null };
  return { valid: true, renew: { expiresAt: sessionEnd(s.createdAt, now, policy), lastSeenAt: now } };
}
