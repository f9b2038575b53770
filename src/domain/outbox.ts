import { createHmac } from 'node:crypto';

/** Channels a message leaves by. */
export const CHANNELS = ['email', 'sms', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** Retry policy of the delivery worker: exponential backoff from `baseMs`, capped, then give up. */
export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, capMs: 3_600_000, maxAttempts: 8 };

/**
 * What follows a failed attempt number `attempts` (1 for the first): the next try after
 * base·2^(attempts−1), at most the cap, or 'failed' once `maxAttempts` were made.
 * E.g. with the defaults: 30 s, 1 min, 2 min, … 1 h, then failed after the eighth.
 */
export function afterFailure(attempts: number, now: Date, policy: RetryPolicy = DEFAULT_RETRY): { status: 'failed' } | { status: 'pending'; nextAttemptAt: Date } {
  if (attempts >= policy.maxAttempts) return { status: 'failed' };
  const delay = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + delay) };
}

/**
 * The Standard Webhooks signature header (v1, HMAC-SHA256): `v1,` + base64 of the HMAC of
 * `${id}.${timestamp}.${body}` keyed by the secret. A secret `whsec_…` is the base64 of the key,
 * as the specification and its libraries have it; any other secret is used as UTF-8 bytes.
 */
export function standardWebhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}
