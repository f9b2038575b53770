import { rate } from '../../domain/analytics/kpis.js';
import { addDays, dayIn, startOfDayIn } from '../../domain/analytics/periods.js';
import { RFM_GRID, RFM_SEGMENTS, rfmScores, type RfmSegment } from '../../domain/analytics/rfm.js';
import { replaceRfm, rfmCells, rfmInputs, rfmRanges } from '../../store/analytics-rfm.js';
import { listSegments, refreshSegmentCounts, syncRfmMemberships } from '../../store/analytics-segments.js';
import type { AppContext } from '../context.js';
import { ensureBuiltinSegments } from './segments.js';
import { getAnalyticsSettings } from './settings.js';

/**
 * Recomputes every member's RFM scores and segment over the program's RFM window (the last N
 * days, today included), replaces the stored scores and grid, and sets the members of the ten
 * built-in RFM segments to match. Scores are quintiles among the members who bought in the window
 * (src/domain/analytics/rfm.ts).
 */
export async function recomputeRfm(ctx: AppContext, programId: string): Promise<{ members: number; ms: number }> {
  const t0 = performance.now();
  const at = ctx.clock();
  const { settings } = await ctx.programs.get(programId);
  const { rfmWindowDays } = await getAnalyticsSettings(ctx, programId);
  const tz = settings.timeZone;
  const today = dayIn(at, tz);
  const inputs = await rfmInputs(ctx.db, programId, tz, today, startOfDayIn(addDays(today, -(rfmWindowDays - 1)), tz), startOfDayIn(addDays(today, 1), tz));
  const scores = rfmScores(inputs);
  await ensureBuiltinSegments(ctx, programId);
  await ctx.db.transaction().execute(async (tx) => {
    await replaceRfm(tx, programId, inputs, scores, at);
    await syncRfmMemberships(tx, programId, at);
  });
  const rfm = (await listSegments(ctx.db, programId, 'rfm')).map((s) => s.segmentId);
  await refreshSegmentCounts(ctx.db, programId, rfm, rfm, at);
  return { members: scores.length, ms: Math.round(performance.now() - t0) };
}

export interface RfmReport {
  computedAt: string | null;
  windowDays: number;
  /** Members scored: those with a completed purchase in the window. */
  members: number;
  /** The R × FM grid: 25 cells, R 5 (most recent) first, FM 1…5 within a row. */
  grid: { r: number; fm: number; segment: RfmSegment; members: number }[];
  /** Full R × F × M counts (only cells with members). */
  cells: { r: number; f: number; m: number; members: number }[];
  segments: { code: string; segment: RfmSegment; segmentId: string | null; ru: string; en: string; members: number; share: number | null }[];
  /** The values behind each score: e.g. R 5 = bought 0–12 days ago. */
  ranges: { measure: 'r' | 'f' | 'm'; score: number; min: number; max: number }[];
}

/** The RFM grid and segment sizes as of the last recompute. */
export async function getRfmReport(ctx: AppContext, programId: string): Promise<RfmReport> {
  const [{ rfmWindowDays }, cells, ranges, segments] = await Promise.all([
    getAnalyticsSettings(ctx, programId),
    rfmCells(ctx.db, programId),
    rfmRanges(ctx.db, programId),
    listSegments(ctx.db, programId, 'rfm'),
  ]);
  const members = cells.reduce((s, c) => s + c.members, 0);
  const grid = new Map<string, number>();
  const bySegment = new Map<string, number>();
  for (const c of cells) {
    const key = `${c.r}|${Math.floor((c.f + c.m + 1) / 2)}`;
    grid.set(key, (grid.get(key) ?? 0) + c.members);
    bySegment.set(c.segment, (bySegment.get(c.segment) ?? 0) + c.members);
  }
  const ids = new Map(segments.map((s) => [s.code, s.segmentId]));
  return {
    computedAt: ranges.computedAt?.toISOString() ?? null,
    windowDays: rfmWindowDays,
    members,
    grid: [5, 4, 3, 2, 1].flatMap((r) => [1, 2, 3, 4, 5].map((fm) => ({ r, fm, segment: RFM_GRID[r - 1]![fm - 1]!, members: grid.get(`${r}|${fm}`) ?? 0 }))),
    cells: cells.map(({ r, f, m, members: n }) => ({ r, f, m, members: n })),
    segments: (Object.keys(RFM_SEGMENTS) as RfmSegment[]).map((segment) => {
      const n = bySegment.get(segment) ?? 0;
      return { code: `rfm:${segment}`, segment, segmentId: ids.get(`rfm:${segment}`) ?? null, ru: RFM_SEGMENTS[segment].ru, en: RFM_SEGMENTS[segment].en, members: n, share: rate(n, members) };
    }),
    ranges: ranges.ranges,
  };
}
