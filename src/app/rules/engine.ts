/**
 * The app layer's view of the rules engine (src/domain/rules): the types it stores, validation
 * with errors pointed at the part being saved, and compilation for a program's settings.
 */
import { DomainError, type FieldError } from '../../domain/errors.js';
import { ruleSetErrors } from '../../domain/rules/validate.js';
import type { RuleSet } from '../../domain/rules/types.js';

export type { CompiledRules } from '../../domain/rules/compile.js';
export type { Campaign, RuleSet, Tier, TierPolicy } from '../../domain/rules/types.js';
export { generateCodes, normaliseCode } from '../../domain/coupons.js';

export const emptyRules = (): RuleSet => ({ campaigns: [], tiers: [] });

/**
 * Checks a whole working copy. With `focus`, the change being saved is one campaign or tier: its
 * errors are reported with pointers into it (`/effects/0/percent`), as the request body sent it.
 */
export function checkRules(rules: RuleSet, options: { focus?: { kind: 'campaigns' | 'tiers'; id: string }; couponSeriesIds?: Iterable<string> } = {}): void {
  let errors: FieldError[] = ruleSetErrors(rules, options.couponSeriesIds ? { couponSeriesIds: options.couponSeriesIds } : {});
  const focus = options.focus;
  if (focus && errors.length > 0) {
    const list: { id: string }[] = rules[focus.kind];
    const index = list.findIndex((x) => x.id === focus.id);
    const prefix = `/${focus.kind}/${index}`;
    const own = errors.filter((e) => e.pointer === prefix || e.pointer.startsWith(`${prefix}/`));
    if (own.length > 0) errors = own.map((e) => ({ ...e, pointer: e.pointer.slice(prefix.length) || '/' }));
  }
  if (errors.length > 0) {
    const shown = errors.slice(0, 10).map((e) => `${e.pointer}: ${e.detail}`).join('; ');
    throw new DomainError('INVALID_RULES', errors.length > 10 ? `${shown}; and ${errors.length - 10} more` : shown, { errors });
  }
}

export { compile } from '../purchases/compiled.js';
