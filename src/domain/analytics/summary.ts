/**
 * Per-member purchase summaries ("recency, frequency, monetary value" in the form the
 * customer-base models take) for a calibration period.
 */

export interface Transaction {
  memberId: string;
  /**
   * The purchase's calendar day. Pass 'YYYY-MM-DD' as seen in the program's time zone (the caller
   * converts, so this function stays pure); a Date is taken by its UTC calendar day.
   */
  at: Date | string;
  /** What was spent, in any unit (kopecks, roubles, dollars); the spend model keeps the unit. */
  amount: number;
}

export interface SummaryOptions {
  /** Last day of the calibration period, inclusive ('YYYY-MM-DD'). */
  calibrationEnd: string;
  /** First day counted, inclusive; purchases before it are ignored. Default: no lower bound. */
  calibrationStart?: string;
  /** Last day of a hold-out period after calibrationEnd, inclusive, for checking forecasts. */
  holdoutEnd?: string;
  /** Length of the model's time unit in days; default 7 (weeks, as in the literature). */
  unitDays?: number;
}

export interface MemberSummary {
  memberId: string;
  /** Day of the first purchase in the calibration period. */
  firstDay: string;
  /** Repeat purchases: distinct purchase days in the calibration period − 1. */
  x: number;
  /** Time from the first to the last purchase day, in units. */
  tx: number;
  /** Time from the first purchase day to calibrationEnd, in units. */
  T: number;
  /** Mean spend of the repeat purchase days (first day excluded); null when x = 0. */
  meanRepeatSpend: number | null;
  /** Spend on the first purchase day. */
  firstSpend: number;
  /** Distinct purchase days after calibrationEnd up to holdoutEnd; 0 when holdoutEnd is not given. */
  holdoutX: number;
  /** Spend on those days. */
  holdoutSpend: number;
}

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a 'YYYY-MM-DD' day or of a Date's UTC day. */
export function dayNumber(at: Date | string): number {
  if (at instanceof Date) {
    const ms = at.getTime();
    if (!Number.isFinite(ms)) throw new RangeError('summary: invalid Date');
    return Math.floor(ms / DAY_MS);
  }
  const m = DAY.exec(at);
  if (!m) throw new RangeError(`summary: '${at}' is not a YYYY-MM-DD day`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2024-02-30 over to March; a day that does not exist is a caller's bug.
  if (new Date(ms).getUTCDate() !== d || new Date(ms).getUTCMonth() !== mo - 1) {
    throw new RangeError(`summary: '${at}' is not a calendar day`);
  }
  return ms / DAY_MS;
}

/** The 'YYYY-MM-DD' day of a day number. */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Summarise each member's purchases for the calibration period. Purchases on the same day are
 * one transaction (their amounts added), as in the models' literature: several receipts on one
 * visit are one buying occasion. Members whose first purchase falls after calibrationEnd are left
 * out (they were not customers yet). The result is sorted by memberId.
 *
 * Example: purchases on 2024-01-01 (100), 2024-01-08 (30 + 20), end 2024-01-15 → x = 1, tx = 1,
 * T = 2, meanRepeatSpend = 50.
 */
export function summarize(transactions: Iterable<Transaction>, options: SummaryOptions): MemberSummary[] {
  const { unitDays, start, end, holdoutEnd } = boundsOf(options);

  // memberId → (day → spend that day)
  const byMember = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    if (!Number.isFinite(t.amount)) throw new RangeError(`summary: amount of member ${t.memberId} is not a finite number`);
    const day = dayNumber(t.at);
    if (day < start || day > holdoutEnd) continue;
    let days = byMember.get(t.memberId);
    if (!days) {
      days = new Map();
      byMember.set(t.memberId, days);
    }
    days.set(day, (days.get(day) ?? 0) + t.amount);
  }

  const out: MemberSummary[] = [];
  for (const [memberId, days] of byMember) {
    const summary = summarizeMember(memberId, days, end, unitDays);
    if (summary) out.push(summary);
  }
  return out.sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/** The options as day numbers, checked: the days counted are [start, holdoutEnd], calibration up to end. */
function boundsOf(options: SummaryOptions): { unitDays: number; start: number; end: number; holdoutEnd: number } {
  const unitDays = options.unitDays ?? 7;
  if (!(unitDays > 0)) throw new RangeError('summary: unitDays must be positive');
  const end = dayNumber(options.calibrationEnd);
  const start = options.calibrationStart === undefined ? -Infinity : dayNumber(options.calibrationStart);
  const holdoutEnd = options.holdoutEnd === undefined ? end : dayNumber(options.holdoutEnd);
  if (holdoutEnd < end) throw new RangeError('summary: holdoutEnd is before calibrationEnd');
  if (start > end) throw new RangeError('summary: calibrationStart is after calibrationEnd');
  return { unitDays, start, end, holdoutEnd };
}

/** One member's summary from their spend by day number (days after `end` count as hold-out); null if they first bought after `end`. */
function summarizeMember(memberId: string, days: Map<number, number>, end: number, unitDays: number): MemberSummary | null {
  const sorted = [...days.keys()].sort((a, b) => a - b);
  const first = sorted[0] as number;
  if (first > end) return null;
  let last = first;
  let repeats = 0;
  let repeatSpend = 0;
  let holdoutX = 0;
  let holdoutSpend = 0;
  for (const day of sorted) {
    const spend = days.get(day) as number;
    if (day > end) {
      holdoutX += 1;
      holdoutSpend += spend;
    } else if (day !== first) {
      repeats += 1;
      repeatSpend += spend;
      last = day;
    }
  }
  return {
    memberId,
    firstDay: dayString(first),
    x: repeats,
    tx: (last - first) / unitDays,
    T: (end - first) / unitDays,
    meanRepeatSpend: repeats > 0 ? repeatSpend / repeats : null,
    firstSpend: days.get(first) as number,
    holdoutX,
    holdoutSpend,
  };
}

/** A member's purchase days as the database gives them: day numbers (days since 1970-01-01) and the spend of each. */
export interface MemberDays {
  memberId: string;
  days: readonly number[];
  amounts: readonly number[];
}

/**
 * `summarize` for histories already grouped by member (one row per member, as the store reads
 * them), so that the caller holds one small record per member instead of one object per
 * purchase day. Same rules: days within [calibrationStart, holdoutEnd], same-day spend added.
 */
export function summarizeMemberDays(rows: Iterable<MemberDays>, options: SummaryOptions): MemberSummary[] {
  const { unitDays, start, end, holdoutEnd } = boundsOf(options);
  const out: MemberSummary[] = [];
  for (const row of rows) {
    const days = new Map<number, number>();
    row.days.forEach((day, i) => {
      const amount = row.amounts[i]!;
      if (!Number.isInteger(day)) throw new RangeError(`summary: day ${day} of member ${row.memberId} is not a day number`);
      if (!Number.isFinite(amount)) throw new RangeError(`summary: amount of member ${row.memberId} is not a finite number`);
      if (day >= start && day <= holdoutEnd) days.set(day, (days.get(day) ?? 0) + amount);
    });
    if (days.size === 0) continue;
    const summary = summarizeMember(row.memberId, days, end, unitDays);
    if (summary) out.push(summary);
  }
  return out.sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}
