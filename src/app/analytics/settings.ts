import { analyticsSettingsFrom, validateAnalyticsSettings, type AnalyticsSettings } from '../../domain/analytics/settings.js';
import { findAnalyticsSettings, saveAnalyticsSettings } from '../../store/analytics-settings.js';
import { audit } from '../audit.js';
import type { Actor, AppContext } from '../context.js';

export async function getAnalyticsSettings(ctx: AppContext, programId: string): Promise<AnalyticsSettings> {
  return analyticsSettingsFrom(await findAnalyticsSettings(ctx.db, programId));
}

/** Changes some analytics settings; the merged result is checked as a whole before it is saved. */
export async function updateAnalyticsSettings(ctx: AppContext, actor: Actor, patch: Partial<AnalyticsSettings>): Promise<AnalyticsSettings> {
  const before = await getAnalyticsSettings(ctx, actor.programId);
  const after = { ...before, ...patch };
  validateAnalyticsSettings(after);
  const at = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    await saveAnalyticsSettings(tx, actor.programId, after, at);
    await audit(ctx, tx, actor, { action: 'update', entity: 'analytics_settings', entityId: actor.programId, before, after, at });
  });
  return after;
}
