import { draftEvent, type EventDraft } from '../../domain/events/catalogue.js';
import { insertEvents } from '../../store/domain-events.js';
import { reviewDueSince, type TierState } from '../../domain/tiers.js';
import { lockWallet } from '../../store/ledger.js';
import { insertTierChangeQuery, setWalletTier, tiersDueForReview } from '../../store/tier-state.js';
import { walletTier } from '../../store/wallet-tier.js';
import type { AppContext } from '../context.js';
import { allPrograms } from '../programs.js';
import { loadRulesBase } from '../purchases/rules.js';
import { dueTierReviews } from '../purchases/tier-reviews.js';

export interface TierReviewRun {
  /** Members whose tier was reviewed and written down. */
  members: number;
  /** History rows written (a member long unseen may get several). */
  changes: number;
}

/**
 * The tier review job: for every program with tiers, each member whose tier period has ended has
 * the review written down when it happens — kept or moved, dated at the period's end (or the end
 * of grace), with the period and totals that decided it — rather than at their next purchase.
 * Balances and benefits never wait for it (a purchase and GET …/tier decide as of their moment);
 * it writes down what time already decided. Idempotent: under the member's wallet lock the
 * review is decided again from the wallet as it is then, so a second run, or two servers' runs at
 * once, find nothing left to do.
 */
export async function reviewTiers(ctx: AppContext): Promise<TierReviewRun> {
  const run: TierReviewRun = { members: 0, changes: 0 };
  for (const p of await allPrograms(ctx)) {
    const program = await ctx.programs.get(p.id);
    const now = ctx.clock();
    const { compiled } = await loadRulesBase(ctx, program, now);
    const policy = compiled.tierPolicy;
    if (!policy || compiled.tierList.length === 0) continue;
    const due = await tiersDueForReview(ctx.db, p.id, reviewDueSince(policy, now, compiled.settings.timeZone));
    for (const m of due) {
      // Read first without a lock: members in grace are seen each run and mostly have nothing to write.
      if ((await dueTierReviews(ctx.db, compiled, m.memberId, m, now)).decisions.length === 0) continue;
      const written = await ctx.db.transaction().execute(async (trx) => {
        await lockWallet(trx, m.memberId);
        const w = await walletTier(trx, m.memberId);
        if (!w) return 0;
        const from: TierState = { tierId: w.tierId, since: w.since };
        const { decisions, state } = await dueTierReviews(trx, compiled, m.memberId, from, now);
        let tierId = from.tierId;
        const events: EventDraft[] = [];
        for (const d of decisions) {
          await insertTierChangeQuery(p.id, m.memberId, { changeId: ctx.newId(), at: d.effectiveAt, fromTier: tierId, toTier: d.tierId, reason: d.reason }).execute(trx);
          events.push(draftEvent(ctx.newId(), 'tier.changed', m.memberId, now, { purchaseId: null, from: tierId, to: d.tierId, reason: d.reason, at: d.effectiveAt.toISOString() }));
          tierId = d.tierId;
        }
        await insertEvents(trx, p.id, now, events);
        if (decisions.length > 0) await setWalletTier(trx, m.memberId, state);
        return decisions.length;
      });
      if (written > 0) {
        run.members += 1;
        run.changes += written;
      }
    }
  }
  return run;
}
