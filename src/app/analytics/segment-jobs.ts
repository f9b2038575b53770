import { dayIn, startOfDayIn, addDays } from '../../domain/analytics/periods.js';
import { longestWindow, matchesRule, type SegmentRule } from '../../domain/analytics/segment-rules.js';
import { dayNumber } from '../../domain/analytics/summary.js';
import { findAnalyticsState, saveAnalyticsState } from '../../store/analytics-aggregate.js';
import { listSegments, memberFacts, membersChangedSince, refreshSegmentCounts, syncMemberships, type SegmentRow } from '../../store/analytics-segments.js';
import type { AppContext } from '../context.js';
import { OVERLAP_MS } from './aggregate.js';

/** Members evaluated per query and write. */
const CHUNK = 5_000;

export interface SegmentRecompute {
  /** Rule segments recomputed over every member. */
  fullSegments: number;
  /** Members re-evaluated for the other rule segments because something about them changed. */
  changedMembers: number;
  ms: number;
}

/**
 * Keeps rule segments up to date (docs/analytics.md, "Segments"): segments that are new or whose
 * rule changed — or all of them with `full` (the daily run) — are evaluated over every member of
 * the program; the others only for members who changed since the last run (edited, enrolled, or
 * with a new or confirmed purchase). Conditions on time windows drift as days pass without any
 * change to the member: the daily full run catches those.
 */
export async function recomputeRuleSegments(ctx: AppContext, programId: string, options: { full?: boolean } = {}): Promise<SegmentRecompute> {
  const started = ctx.clock();
  const t0 = performance.now();
  const { settings } = await ctx.programs.get(programId);
  const tz = settings.timeZone;
  const state = await findAnalyticsState(ctx.db, programId);
  const segments = await listSegments(ctx.db, programId, 'rule');
  const firstRun = state.segmentsAt === null;
  const pending = segments.filter((s) => options.full === true || firstRun || s.computedAt === null);
  const current = segments.filter((s) => !pending.includes(s));
  const today = dayIn(started, tz);
  const evaluate = async (segs: SegmentRow[], facts: Awaited<ReturnType<typeof memberFacts>>) => {
    const matched: { memberId: string; segmentId: string }[] = [];
    for (const f of facts) for (const s of segs) if (matchesRule(s.rule as SegmentRule, f, dayNumber(today))) matched.push({ memberId: f.memberId, segmentId: s.segmentId });
    await syncMemberships(ctx.db, programId, segs.map((s) => s.segmentId), facts.map((f) => f.memberId), matched, started);
  };
  const windowStart = (segs: SegmentRow[]) => startOfDayIn(addDays(today, -Math.max(longestWindow(segs.map((s) => s.rule as SegmentRule)) - 1, 0)), tz);

  if (pending.length > 0) {
    const start = windowStart(pending);
    for (let after: string | null = null; ; ) {
      const facts = await memberFacts(ctx.db, programId, tz, start, { after, limit: CHUNK });
      if (facts.length === 0) break;
      await evaluate(pending, facts);
      after = facts[facts.length - 1]!.memberId;
    }
  }
  let changed: string[] = [];
  if (current.length > 0 && state.segmentsAt !== null) {
    changed = await membersChangedSince(ctx.db, programId, new Date(state.segmentsAt.getTime() - OVERLAP_MS));
    const start = windowStart(current);
    for (let i = 0; i < changed.length; i += CHUNK) {
      await evaluate(current, await memberFacts(ctx.db, programId, tz, start, { memberIds: changed.slice(i, i + CHUNK) }));
    }
  }
  await refreshSegmentCounts(ctx.db, programId, segments.map((s) => s.segmentId), pending.map((s) => s.segmentId), started);
  await saveAnalyticsState(ctx.db, programId, { segmentsAt: started }, ctx.clock());
  return { fullSegments: pending.length, changedMembers: changed.length, ms: Math.round(performance.now() - t0) };
}
