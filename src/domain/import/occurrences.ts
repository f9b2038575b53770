/**
 * Counts how many times each content hash has been seen so far in a file, in fixed memory, so
 * that identical rows (the same customer buying the same thing for the same amount on the same
 * day, twice) get distinct, deterministic ordinals: 0 for the first, 1 for the second, …
 *
 * A Bloom filter (16 MiB, 7 probes) remembers every hash seen; exact counts are kept only for
 * hashes the filter has seen before. A false positive (about one in a billion rows at a million
 * rows, 0.2 % at ten million) gives a first occurrence the ordinal 1 instead of 0. That is
 * harmless: ordinals need only be the same every time the same file is read (the filter sees the
 * same rows in the same order) and distinct among identical rows — both hold either way.
 */
export class OccurrenceCounter {
  static readonly BITS = 2 ** 27;
  static readonly PROBES = 7;
  readonly #bits = new Uint32Array(OccurrenceCounter.BITS / 32);
  readonly #counts = new Map<string, number>();

  /** The ordinal of this occurrence of `hash` (hex or base64url of a cryptographic hash, ≥ 16 characters). */
  next(hash: string): number {
    const h1 = fold(hash, 0);
    const h2 = fold(hash, 8) | 1;
    let seen = true;
    for (let i = 0; i < OccurrenceCounter.PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0 & (OccurrenceCounter.BITS - 1);
      const word = bit >>> 5;
      const mask = 1 << (bit & 31);
      if ((this.#bits[word]! & mask) === 0) {
        seen = false;
        this.#bits[word]! |= mask;
      }
    }
    if (!seen) return 0;
    const n = this.#counts.get(hash) ?? 1;
    this.#counts.set(hash, n + 1);
    return n;
  }
}

/** 32 bits from eight characters of the hash. */
function fold(hash: string, from: number): number {
  let x = 0x811c9dc5;
  for (let i = from; i < from + 8; i++) x = Math.imul(x ^ hash.charCodeAt(i), 0x01000193);
  return x >>> 0;
}
