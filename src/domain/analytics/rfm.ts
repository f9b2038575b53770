/**
 * RFM scores and segments. Each member gets 1–5 for recency, frequency and monetary value by
 * quintiles of the program's own members, and a named segment from recency and the mean of the
 * other two (the usual two-dimensional R × FM grid).
 */

export interface RfmInput {
  memberId: string;
  /** Time since the last purchase (days, say); smaller is better. */
  recency: number;
  /** Number of purchases (or purchase days). */
  frequency: number;
  /** Total (or mean) spend. */
  monetary: number;
}

export type RfmSegment =
  | 'champions'
  | 'loyal'
  | 'potential_loyalists'
  | 'new_customers'
  | 'promising'
  | 'need_attention'
  | 'at_risk'
  | 'cant_lose_them'
  | 'hibernating'
  | 'lost';

export interface RfmScore {
  memberId: string;
  r: number;
  f: number;
  m: number;
  /** (f + m) / 2 rounded half up. */
  fm: number;
  segment: RfmSegment;
}

/** Names for the UI, and what each segment is about. */
export const RFM_SEGMENTS: Readonly<Record<RfmSegment, { ru: string; en: string; about: string }>> = {
  champions: { ru: 'Чемпионы', en: 'Champions', about: 'bought recently, buy often and spend the most' },
  loyal: { ru: 'Лояльные', en: 'Loyal', about: 'buy often and spend well, not quite the most recent' },
  potential_loyalists: { ru: 'Потенциально лояльные', en: 'Potential loyalists', about: 'recent buyers with average frequency and spend' },
  new_customers: { ru: 'Новые клиенты', en: 'New customers', about: 'bought very recently, but little so far' },
  promising: { ru: 'Перспективные', en: 'Promising', about: 'recent buyers who have bought little so far' },
  need_attention: { ru: 'Требуют внимания', en: 'Need attention', about: 'middling recency, low to average frequency and spend' },
  at_risk: { ru: 'В зоне риска', en: 'At risk', about: 'bought often and spent well, but not for a long time' },
  cant_lose_them: { ru: 'Нельзя потерять', en: "Can't lose them", about: 'were among the best customers, have not come back for a long time' },
  hibernating: { ru: 'Спящие', en: 'Hibernating', about: 'bought little, and long ago' },
  lost: { ru: 'Потерянные', en: 'Lost', about: 'bought little, and longest ago' },
};

/**
 * The grid: RFM_GRID[r − 1][fm − 1]. Rows are recency 1 (longest ago) … 5 (most recent), columns
 * FM 1 … 5. It is the widely used R × FM map, with its "about to sleep" cell folded into
 * need_attention and the oldest low-value row split off as lost.
 *
 *            FM 1            FM 2                 FM 3                 FM 4       FM 5
 *   R 5   new_customers   potential_loyalists  potential_loyalists  champions  champions
 *   R 4   promising       potential_loyalists  potential_loyalists  loyal      loyal
 *   R 3   need_attention  need_attention       need_attention       loyal      loyal
 *   R 2   hibernating     hibernating          at_risk              at_risk    cant_lose_them
 *   R 1   lost            lost                 at_risk              at_risk    cant_lose_them
 */
export const RFM_GRID: readonly (readonly RfmSegment[])[] = [
  ['lost', 'lost', 'at_risk', 'at_risk', 'cant_lose_them'],
  ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose_them'],
  ['need_attention', 'need_attention', 'need_attention', 'loyal', 'loyal'],
  ['promising', 'potential_loyalists', 'potential_loyalists', 'loyal', 'loyal'],
  ['new_customers', 'potential_loyalists', 'potential_loyalists', 'champions', 'champions'],
];

export function segmentOf(r: number, fm: number): RfmSegment {
  const segment = RFM_GRID[r - 1]?.[fm - 1];
  if (segment === undefined) throw new RangeError(`RFM: scores must be whole numbers 1–5, got r = ${r}, fm = ${fm}`);
  return segment;
}

/**
 * Quintile scores 1–5: a member's score is 1 + ⌊5 · (share of members with a strictly worse
 * value)⌋. With distinct values that is plain quintiles (the bottom fifth gets 1, the top fifth 5);
 * equal values always get the same score, decided by how many members are below them, so the
 * result does not depend on input order. Ties can leave a score unused: if 60 % of members bought
 * once, they all get 1 and a member who bought twice gets at least 4.
 *
 * Example: quintileScores([10, 20, 30, 40, 50], 'higher') → [1, 2, 3, 4, 5].
 */
export function quintileScores(values: readonly number[], better: 'higher' | 'lower'): number[] {
  const n = values.length;
  if (values.some((v) => Number.isNaN(v))) throw new RangeError('RFM: values must be numbers');
  const sorted = Float64Array.from(values).sort();
  return values.map((v) => {
    const worse = better === 'higher' ? lowerBound(sorted, v) : n - upperBound(sorted, v);
    return 1 + Math.floor((5 * worse) / n);
  });
}

/**
 * The thresholds behind the scores: edges[s − 2] is the least good observed value that still
 * scores s or more (s = 2…5), or null when no member reaches s. For 'higher' it is the smallest
 * such value, for 'lower' (recency) the largest.
 */
export function quintileEdges(values: readonly number[], better: 'higher' | 'lower'): (number | null)[] {
  const scores = quintileScores(values, better);
  return [2, 3, 4, 5].map((s) => {
    let edge: number | null = null;
    scores.forEach((score, i) => {
      const v = values[i] as number;
      if (score >= s && (edge === null || (better === 'higher' ? v < edge : v > edge))) edge = v;
    });
    return edge;
  });
}

/** First index with sorted[i] ≥ v: the count of values < v. */
function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with sorted[i] > v: the count of values ≤ v. */
function upperBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Score every member against the others and name the segment. Output is in input order. */
export function rfmScores(members: readonly RfmInput[]): RfmScore[] {
  const r = quintileScores(members.map((m) => m.recency), 'lower');
  const f = quintileScores(members.map((m) => m.frequency), 'higher');
  const m = quintileScores(members.map((x) => x.monetary), 'higher');
  return members.map((member, i) => {
    const [ri, fi, mi] = [r[i] as number, f[i] as number, m[i] as number];
    const fm = Math.floor((fi + mi + 1) / 2);
    return { memberId: member.memberId, r: ri, f: fi, m: mi, fm, segment: segmentOf(ri, fm) };
  });
}
