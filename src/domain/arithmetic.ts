/**
 * Integer arithmetic for money and points. Every rounding step goes through here, so that the
 * rounding a program chose is applied the same way everywhere.
 */
export type RoundingMode = 'floor' | 'ceil' | 'half_up' | 'half_even';

/** round(numerator / denominator) for non-negative integers, exactly (bigint inside). */
export function divide(numerator: number | bigint, denominator: number | bigint, mode: RoundingMode): number {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  if (d <= 0n) throw new RangeError('denominator must be positive');
  if (n < 0n) throw new RangeError('numerator must not be negative');
  const q = n / d;
  const r = n % d;
  if (r === 0n) return Number(q);
  switch (mode) {
    case 'floor':
      return Number(q);
    case 'ceil':
      return Number(q + 1n);
    case 'half_up':
      return Number(2n * r >= d ? q + 1n : q);
    case 'half_even':
      if (2n * r > d) return Number(q + 1n);
      if (2n * r < d) return Number(q);
      return Number(q % 2n === 0n ? q : q + 1n);
  }
}

/**
 * Splits `total` into integer parts proportional to `weights` by the largest-remainder method,
 * never giving a part more than its cap. The parts always add up to `total` when the caps allow.
 * Ties go to the earlier index, so the split is deterministic.
 *
 * allocate(10, [1, 1, 1]) → [4, 3, 3]
 */
export function allocate(total: number, weights: readonly number[], caps?: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError('total must be a non-negative integer');
  const n = weights.length;
  const parts = new Array<number>(n).fill(0);
  const limit = (i: number) => (caps ? (caps[i] ?? 0) : Number.POSITIVE_INFINITY);
  let left = total;
  // Repeat over the lines that still have room: a capped line passes its share to the others.
  for (let round = 0; left > 0 && round < n + 1; round++) {
    const open: number[] = [];
    let weightSum = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i] ?? 0;
      if (w > 0 && parts[i]! < limit(i)) {
        open.push(i);
        weightSum += w;
      }
    }
    if (open.length === 0) break;
    // Exact in doubles while left × weightSum stays below 2^53 (receipts do); in bigints beyond.
    const small = Number.isSafeInteger(weightSum) && left * weightSum <= Number.MAX_SAFE_INTEGER;
    if (small && open.length <= 32) {
      left = roundSmall(left, weights, open, weightSum, parts, limit);
      continue;
    }
    const shares = small ? sharesOf(left, weights, open, weightSum) : bigSharesOf(left, weights, open);
    let given = 0;
    for (const s of shares) {
      const take = Math.min(s.floor, limit(s.i) - parts[s.i]!);
      parts[s.i]! += take;
      given += take;
    }
    let rest = left - given;
    const byRemainder = shares.sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
    for (const s of byRemainder) {
      if (rest === 0) break;
      if (parts[s.i]! < limit(s.i)) {
        parts[s.i]! += 1;
        rest -= 1;
      }
    }
    left = rest;
  }
  if (left > 0) throw new RangeError('caps are too small to allocate the total');
  return parts;
}

/**
 * One round of `allocate` for a few lines in doubles, without sorting: the units left after the
 * floors go to the largest remainders (ties to the earlier line), picked by scanning — the same
 * order the sort gives. Returns what is still left to allocate.
 */
function roundSmall(left: number, weights: readonly number[], open: readonly number[], weightSum: number, parts: number[], limit: (i: number) => number): number {
  const rems: number[] = [];
  let rest = left;
  for (const i of open) {
    const exact = left * weights[i]!;
    const floor = Math.floor(exact / weightSum);
    const take = Math.min(floor, limit(i) - parts[i]!);
    parts[i]! += take;
    rest -= take;
    rems.push(exact - floor * weightSum);
  }
  for (let visited = 0; rest > 0 && visited < open.length; visited++) {
    let best = -1;
    for (let k = 0; k < open.length; k++) if (rems[k]! >= 0 && (best < 0 || rems[k]! > rems[best]!)) best = k;
    const i = open[best]!;
    rems[best] = -1;
    if (parts[i]! < limit(i)) {
      parts[i]! += 1;
      rest -= 1;
    }
  }
  return rest;
}

interface Share {
  i: number;
  floor: number;
  rem: number | bigint;
}

function sharesOf(left: number, weights: readonly number[], open: readonly number[], weightSum: number): Share[] {
  return open.map((i) => {
    const exact = left * weights[i]!;
    const floor = Math.floor(exact / weightSum);
    return { i, floor, rem: exact - floor * weightSum };
  });
}

function bigSharesOf(left: number, weights: readonly number[], open: readonly number[]): Share[] {
  const weightSum = open.reduce((s, i) => s + BigInt(weights[i]!), 0n);
  return open.map((i) => {
    const exact = BigInt(left) * BigInt(weights[i]!);
    return { i, floor: Number(exact / weightSum), rem: exact % weightSum };
  });
}

/**
 * The share of `total` that belongs to the first `k` of `n` units, rounded down; returning the
 * units one batch at a time with differences of this function never creates or loses a unit.
 */
export function cumulativeShare(total: number, n: number, k: number): number {
  if (n <= 0) return 0;
  return Number((BigInt(total) * BigInt(k)) / BigInt(n));
}
