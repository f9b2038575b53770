/**
 * Coupon codes: generation in bulk and normalisation of a code as presented at the till.
 *
 * Codes use 28 characters that cannot be mistaken for one another when printed, read aloud or
 * typed: digits 2–9 and the letters without I, L, O (1, 0), B (8), S (5) and Z (2). A code is
 * an optional prefix followed by random characters drawn from crypto-quality randomness by
 * rejection sampling (no modulo bias).
 */
import { randomFillSync } from 'node:crypto';

export const COUPON_ALPHABET = '23456789ACDEFGHJKMNPQRTUVWXY';

/** Random bytes source; tests may pass a seeded one. */
export type RandomFill = (bytes: Uint8Array) => Uint8Array;

export interface GenerateOptions {
  count: number;
  /** Uppercase letters and digits, up to 16; prepended as is. */
  prefix?: string;
  /** Random characters per code; by default enough for `guessOdds` (see `codeLength`). */
  length?: number;
  random?: RandomFill;
}

/**
 * Random characters needed so that a guessed code hits one of `count` valid codes with odds of
 * at most 1 in 10^8, and at least 8. Collisions within a batch are then rare too (100,000
 * codes of 9 characters: about one pair in 2,000 batches) and are redrawn anyway.
 *
 *   codeLength(1) → 8, codeLength(100_000) → 9, codeLength(10_000_000) → 11
 */
export function codeLength(count: number): number {
  return Math.max(8, Math.ceil(Math.log(Math.max(1, count) * 1e8) / Math.log(COUPON_ALPHABET.length)));
}

const PREFIX = /^[A-Z0-9]{0,16}$/;

/**
 * Generates `count` distinct codes (a batch has no duplicates; uniqueness against earlier
 * batches is the store's unique key). 100,000 codes take well under a second.
 *
 *   generateCodes({ count: 3, prefix: 'SPRING' }) → ['SPRINGK7QW3MXA9', …]
 */
export function generateCodes(options: GenerateOptions): string[] {
  const { count, prefix = '', random = (b: Uint8Array) => randomFillSync(b) } = options;
  const length = options.length ?? codeLength(count);
  if (!Number.isSafeInteger(count) || count < 0 || count > 10_000_000) throw new RangeError('count must be an integer from 0 to 10,000,000');
  if (!Number.isInteger(length) || length < 4 || length > 32) throw new RangeError('length must be from 4 to 32');
  if (!PREFIX.test(prefix)) throw new RangeError('prefix must be up to 16 uppercase letters and digits');
  if (count > COUPON_ALPHABET.length ** length / 2) throw new RangeError('too many codes for this length');
  const n = COUPON_ALPHABET.length;
  // Bytes at or above the largest multiple of n would favour the first characters: drop them.
  const limit = 256 - (256 % n);
  const codes = new Set<string>();
  const buffer = new Uint8Array(Math.min(1 << 20, Math.ceil(count * length * 1.2) + 64));
  let pos = buffer.length;
  const nextChar = () => {
    for (;;) {
      if (pos === buffer.length) {
        random(buffer);
        pos = 0;
      }
      const b = buffer[pos++]!;
      if (b < limit) return COUPON_ALPHABET[b % n]!;
    }
  };
  while (codes.size < count) {
    let code = prefix;
    for (let i = 0; i < length; i++) code += nextChar();
    codes.add(code);
  }
  return [...codes];
}

// Cyrillic letters that look like Latin ones, as a cashier's keyboard layout may type them.
const CYRILLIC_TO_LATIN: Record<string, string> = { А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X' };

/**
 * A presented code in the form codes are stored in: Unicode-normalised, uppercase, without
 * spaces, dashes or dots, Cyrillic look-alikes as Latin letters; null when what remains is not
 * letters and digits (no code can match it). Look-alike characters outside the alphabet
 * (O, 0, I, 1 …) are left as they are: a shared code may use them.
 *
 *   normaliseCode(' spring-k7qw 3mxa ') → 'SPRINGK7QW3MXA'
 */
export function normaliseCode(presented: string): string | null {
  const code = presented
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—―.]/gu, '')
    .replace(/[АВЕКМНОРСТУХ]/gu, (c) => CYRILLIC_TO_LATIN[c] ?? c);
  return /^[A-Z0-9]{1,64}$/.test(code) ? code : null;
}

/** A code split into groups for printing (`K7QW-3MXA-9`); normaliseCode takes the dashes out again. */
export function formatCode(code: string, group = 4): string {
  return code.match(new RegExp(`.{1,${group}}`, 'g'))?.join('-') ?? code;
}
