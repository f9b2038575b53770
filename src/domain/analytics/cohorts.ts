/**
 * Retention by monthly cohort. A cohort is the members who enrolled in one calendar month (in
 * the program's time zone); its cell for month k (k = 0 is the enrolment month itself) counts the
 * cohort's members with at least one completed purchase in that month.
 */
import { addMonths, monthsBetween } from './periods.js';
import { rate } from './kpis.js';

export interface CohortCell {
  /** First day of the cohort's month. */
  cohortMonth: string;
  /** First day of the month of activity. */
  month: string;
  members: number;
}

export interface CohortRow {
  /** 'YYYY-MM'. */
  cohort: string;
  /** Members who enrolled in that month. */
  size: number;
  /** active[k]: members of the cohort who bought in month k after enrolment (k = 0: the same month). */
  active: number[];
  /** retention[k] = active[k] ÷ size, four decimals; null for an empty cohort. */
  retention: (number | null)[];
}

/**
 * The matrix for cohorts from `fromMonth` to `toMonth` (first days of months), each followed up
 * to `toMonth`: a triangle, the oldest cohort with the longest row.
 *
 * Example: sizes { 2026-01: 10 }, cells [2026-01 × 2026-01: 6, 2026-01 × 2026-02: 3], to 2026-02 →
 * [{ cohort 2026-01, size 10, active [6, 3], retention [0.6, 0.3] }].
 */
export function cohortMatrix(fromMonth: string, toMonth: string, sizes: ReadonlyMap<string, number>, cells: Iterable<CohortCell>): CohortRow[] {
  const count = monthsBetween(fromMonth, toMonth) + 1;
  const rows: CohortRow[] = [];
  const index = new Map<string, CohortRow>();
  for (let i = 0; i < count; i++) {
    const month = addMonths(fromMonth, i);
    const size = sizes.get(month) ?? 0;
    const row: CohortRow = { cohort: month.slice(0, 7), size, active: new Array<number>(count - i).fill(0), retention: [] };
    rows.push(row);
    index.set(month, row);
  }
  for (const c of cells) {
    const row = index.get(c.cohortMonth);
    const k = monthsBetween(c.cohortMonth, c.month);
    if (!row || k < 0 || k >= row.active.length) continue;
    row.active[k] = (row.active[k] as number) + c.members;
  }
  for (const row of rows) row.retention = row.active.map((n) => rate(n, row.size));
  return rows;
}
