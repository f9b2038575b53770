import { addDays, dayIn, startOfDayIn } from '../../domain/analytics/periods.js';
import { controlBucket } from '../../domain/rules/control-group.js';
import { scheduleSlots, type ScheduleSlots } from '../../domain/rules/schedule.js';
import type { Campaign } from '../../domain/rules/types.js';
import { populationOutcomes, type MemberOutcome } from '../../store/analytics-campaigns.js';
import { clearComparisonMembers, lockComparison, outcomesOfMembers, saveComparison, touchedMembers, writeComparisonMembers, type ComparisonSpan, type StoredComparison } from '../../store/campaign-comparisons.js';
import { campaignsFirstInForce, listDefinitions, type CampaignStatus } from '../../store/rules.js';
import type { AppContext } from '../context.js';
import { OVERLAP_MS } from './aggregate.js';
import { campaignComparisonDays, slotsKey, type ComparisonDays } from './campaigns.js';

export interface ComparisonsRun {
  /** Campaigns with a control group whose comparison was brought up to date. */
  campaigns: number;
  /** Of those, filled from scratch (new, or their window's start or the time zone changed). */
  filled: number;
  /** Members whose rows were recomputed from their purchases (a fill counts the population). */
  members: number;
  /** Rows that changed: inserted, updated with another value, or removed. */
  changed: number;
  ms: number;
}

function spanOf(programId: string, timeZone: string, d: ComparisonDays, slots: ScheduleSlots | null): ComparisonSpan {
  return {
    programId,
    timeZone,
    slots,
    lookbackStart: startOfDayIn(d.lookbackFrom, timeZone),
    populationStart: startOfDayIn(d.populationFrom, timeZone),
    windowStart: startOfDayIn(d.windowFrom, timeZone),
    windowEnd: startOfDayIn(addDays(d.windowTo, 1), timeZone),
  };
}

const withBuckets = (campaignId: string, rows: readonly MemberOutcome[]) => rows.map((o) => ({ ...o, bucket: controlBucket(campaignId, o.memberId) }));

/**
 * The stored comparisons' step of the analytics job (docs/adr/0017): for every campaign with a
 * control group that is not a draft and whose window has begun, fill its population's rows the
 * first time, then on each run recompute only the members touched since the previous one. One
 * transaction per campaign, holding its comparison row, so overlapping runs queue instead of
 * interleaving. `full` refills every comparison.
 */
export async function aggregateCampaignComparisons(ctx: AppContext, programId: string, options: { full?: boolean } = {}): Promise<ComparisonsRun> {
  const started = ctx.clock();
  const t0 = performance.now();
  const { settings } = await ctx.programs.get(programId);
  const timeZone = settings.timeZone;
  const today = dayIn(started, timeZone);
  const rows = await listDefinitions<CampaignStatus>(ctx.db, 'campaigns', programId, ['active', 'paused', 'archived']);
  const firstActive = await campaignsFirstInForce(ctx.db, programId);
  const run: ComparisonsRun = { campaigns: 0, filled: 0, members: 0, changed: 0, ms: 0 };
  for (const row of rows) {
    const c = row.definition as Campaign;
    if (!(c.controlGroupPercent > 0)) continue;
    // The window starts when the campaign first became active (published), not when its draft was made.
    const activeAt = firstActive.get(row.id);
    if (activeAt === undefined || activeAt > started) continue;
    const days = campaignComparisonDays(c, dayIn(activeAt, timeZone), today);
    if (days === null) continue;
    const slots = scheduleSlots(c.schedule);
    const target: StoredComparison = { campaignId: row.id, timeZone, ...days, slots: slotsKey(c), aggregatedAt: started };
    const span = spanOf(programId, timeZone, days, slots);
    await ctx.db.transaction().execute(async (trx) => {
      const { row: prev, created } = await lockComparison(trx, programId, target, started);
      // The days only move forward while nothing is edited; anything else is a refill.
      const refill = options.full === true || created || prev.timeZone !== timeZone || prev.windowFrom !== days.windowFrom || prev.populationFrom !== days.populationFrom || prev.windowTo > days.windowTo || prev.lookbackFrom < days.lookbackFrom || prev.slots !== target.slots;
      if (refill) {
        await clearComparisonMembers(trx, programId, row.id);
        const population = await populationOutcomes(trx, span);
        run.filled += 1;
        run.members += population.length;
        run.changed += await writeComparisonMembers(trx, programId, row.id, withBuckets(row.id, population));
      } else {
        const previous = spanOf(programId, timeZone, prev, slots);
        const ids = await touchedMembers(trx, { ...span, since: new Date(prev.aggregatedAt.getTime() - OVERLAP_MS), previous: { lookbackStart: previous.lookbackStart, windowEnd: previous.windowEnd } });
        const { inPopulation, outside } = await outcomesOfMembers(trx, { ...span, memberIds: ids });
        run.members += ids.length;
        run.changed += await writeComparisonMembers(trx, programId, row.id, withBuckets(row.id, inPopulation), outside);
      }
      await saveComparison(trx, programId, target, started);
    });
    run.campaigns += 1;
  }
  run.ms = Math.round(performance.now() - t0);
  return run;
}
