/**
 * Points for things a member does other than buying ("filled in the questionnaire", "left a
 * review"): the event campaigns of that event type, matched and stacked like purchase campaigns.
 */
import type { CompiledRules } from './compile.js';
import type { AttributeValue, BudgetWarning, CampaignFacts, CampaignTrace, RulesResult } from './facts.js';
import { budgetWarnings } from './budget.js';
import { matchContext } from './evaluate.js';
import { match, type Candidate } from './match.js';
import { campaignPoints, type Applied } from './outcome.js';
import { applyInOrder } from './stacking.js';

export interface EventResult extends RulesResult {
  /** Points the event earns in all. */
  points: number;
}

/**
 * Evaluates an event of `eventType` with its `attributes` (e.g. `{ rating: 5 }`) for the member
 * in `facts` at `at`. Events without a member earn nothing.
 *
 *   evaluateEvent(compiled, 'review_left', { rating: 5 }, facts, new Date())
 */
export function evaluateEvent(
  rules: CompiledRules,
  eventType: string,
  attributes: Readonly<Record<string, AttributeValue>>,
  facts: CampaignFacts,
  at: Date,
  options: { explain?: boolean } = {},
): EventResult {
  const explain = options.explain ?? false;
  const ctx = matchContext(rules, facts, at, null, attributes);
  const trace: CampaignTrace[] = [];
  const candidates: Candidate[] = [];
  for (const c of rules.events.get(eventType) ?? []) {
    const m = match(c, ctx, facts, explain);
    if ('c' in m) {
      candidates.push(m);
      trace.push(m.trace);
    } else trace.push(m);
  }
  const pv = rules.settings.pointValue;
  const state = { view: null, paid: [], base: [], eligible: [] };
  const applied = applyInOrder<Applied>(
    candidates,
    {
      value: (cand) => campaignPoints(cand, state, cand.budget, pv).spent.costMinor,
      apply(cand) {
        const p = campaignPoints(cand, state, cand.budget, pv);
        if (p.effects.length === 0) return p.budgetStopped ? 'budget' : 'no_effect';
        return { cand, effects: p.effects, spent: p.spent };
      },
    },
    explain,
  );
  const warnings: BudgetWarning[] = applied.flatMap((a) => budgetWarnings(a.cand.c.source, facts.budgetUsed[a.cand.c.id], a.spent));
  const effects = applied.flatMap((a) => a.effects);
  return {
    lines: [],
    effects,
    applied: applied.map((a) => a.cand.c.id),
    couponsUsed: [],
    tier: null,
    trace,
    budgetWarnings: warnings,
    points: effects.reduce((s, e) => s + e.points, 0),
  };
}
