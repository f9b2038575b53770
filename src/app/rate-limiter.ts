import { DomainError } from '../domain/errors.js';

/** At most `max` events per `windowMs`. */
export interface Limit {
  max: number;
  windowMs: number;
}

/**
 * A sliding-window limiter in process memory, on the injected clock's time. It guards sign-in
 * against guessing; with several server processes each keeps its own count, so the effective
 * limit is that many times higher (docs/auth.md). Memory stays bounded: keys whose window has
 * passed are dropped once the map grows large.
 */
export class RateLimiter {
  readonly #hits = new Map<string, number[]>();

  /** Counts an event for `key`, or throws RATE_LIMITED (with `retryAfterSeconds`) when over the limit. */
  take(key: string, now: Date, limit: Limit, what = 'attempts'): void {
    const t = now.getTime();
    const hits = (this.#hits.get(key) ?? []).filter((h) => h > t - limit.windowMs && h <= t);
    if (hits.length >= limit.max) {
      this.#hits.set(key, hits);
      const retryAfterSeconds = Math.max(1, Math.ceil((hits[hits.length - limit.max]! + limit.windowMs - t) / 1000));
      throw new DomainError('RATE_LIMITED', `too many ${what}; try again in ${retryAfterSeconds} s`, { extra: { retryAfterSeconds } });
    }
    hits.push(t);
    this.#hits.set(key, hits);
    if (this.#hits.size > 50_000) this.#prune(t, limit.windowMs);
  }

  /** Takes back the last event counted for `key` (a sign-in that succeeded is no guess). */
  giveBack(key: string): void {
    const hits = this.#hits.get(key);
    hits?.pop();
    if (hits?.length === 0) this.#hits.delete(key);
  }

  #prune(t: number, windowMs: number): void {
    for (const [key, hits] of this.#hits) if ((hits[hits.length - 1] ?? 0) <= t - windowMs) this.#hits.delete(key);
  }
}
