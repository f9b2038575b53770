/**
 * The rules engine's public surface: the rule format, validation, compilation and evaluation.
 * docs/rules.md is the reference; src/domain/purchase.ts combines it with the main scheme.
 */
export * from './types.js';
export type { AppliedEffect, AppliedTier, AttributeValue, BudgetUsed, BudgetWarning, CampaignFacts, CampaignTrace, EffectLine, MemberFacts, PresentedCoupon, RulesLine, RulesResult, TraceReason, TraceStatus } from './facts.js';
export { ruleSetErrors, validateRuleSet, type ValidateOptions } from './validate.js';
export { compileRules, type CompiledRules } from './compile.js';
export { evaluateCampaigns, finishEvaluation, startEvaluation, type CampaignInput, type DiscountStage } from './evaluate.js';
export { evaluateEvent, type EventResult } from './event.js';
export { limitPeriodStart } from './budget.js';
export { controlBucket, inControlGroup } from './control-group.js';
export { schemaErrors } from './schema-check.js';
