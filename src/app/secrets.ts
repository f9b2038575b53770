import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/*
 * The few secrets of sign-in: passwords (argon2id, slow on purpose), session tokens (256 random
 * bits, stored as SHA-256 like API keys: nothing to guess, docs/adr/0003) and one-time codes.
 */

// Algorithm.Argon2id of @node-rs/argon2 (a const enum, which isolated modules cannot import).
const ARGON2ID = 2;

/** An argon2id hash with the library's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum). */
export const hashPassword = (password: string): Promise<string> => hash(password, { algorithm: ARGON2ID });

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash; without one (an unknown e-mail) it checks against a
 * hash of a random password, so an unknown e-mail costs the same time as a wrong password.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  dummyHash ??= hashPassword(randomBytes(16).toString('base64url'));
  const target = stored ?? (await dummyHash);
  const ok = await verify(target, password).catch(() => false);
  return ok && stored !== undefined;
}

/** A password for a new admin user when none was chosen: 128 random bits, shown once. */
export const generatePassword = (): string => randomBytes(16).toString('base64url');

/** A bearer secret with a prefix naming its kind, e.g. `kas_…` for an admin session. */
export const newToken = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** A uniform random integer in [0, max), from the operating system's generator. */
export const randomBelow = (max: number): number => randomInt(max);

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
