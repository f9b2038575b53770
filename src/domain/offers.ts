import { inControlGroup } from './rules/control-group.js';
import type { AudienceRule, Campaign } from './rules/types.js';

/** What the member app knows about a member without a receipt in hand. */
export interface OfferFacts {
  memberId: string;
  tierId: string | null;
  attributes: Record<string, unknown>;
  /** Whole days since the member enrolled. */
  enrolledDays: number;
  /** Today in the program's time zone, YYYY-MM-DD. */
  today: string;
}

/**
 * Whether a campaign's audience rule could include the member at some purchase. Rules that
 * depend on the purchase (birthday window, first, n-th purchase, lapsed) could, so they pass;
 * segments are not known to the member app, so "any"/"all" of them hide the offer.
 */
function couldMatch(rule: AudienceRule, m: OfferFacts): boolean {
  switch (rule.kind) {
    case 'member':
    case 'birthday':
    case 'first_purchase':
    case 'nth_purchase':
    case 'lapsed':
      return true;
    case 'new_member':
      return m.enrolledDays < rule.days;
    case 'tiers':
      return (m.tierId !== null && rule.tierIds.includes(m.tierId)) === (rule.match === 'any');
    case 'segments':
      return rule.match === 'none';
    case 'attribute': {
      const v = m.attributes[rule.name];
      switch (rule.op) {
        case 'eq':
          return v === rule.value;
        case 'ne':
          return v !== rule.value;
        case 'in':
          return rule.values.includes(v as string | number);
        case 'not_in':
          return !rule.values.includes(v as string | number);
        case 'gt':
          return typeof v === 'number' && v > rule.value;
        case 'gte':
          return typeof v === 'number' && v >= rule.value;
        case 'lt':
          return typeof v === 'number' && v < rule.value;
        case 'lte':
          return typeof v === 'number' && v <= rule.value;
        case 'exists':
          return v !== undefined && v !== null;
        case 'not_exists':
          return v === undefined || v === null;
      }
    }
  }
}

/**
 * The member app's offers: a live campaign is shown when its schedule has not ended, every rule
 * of its audience could hold for the member, and the member is not in its control group (who
 * must not see it, or the comparison would be spoilt). Coupon campaigns show through the coupon.
 */
export function isOfferFor(c: Campaign, m: OfferFacts): boolean {
  if (c.schedule.to !== undefined && c.schedule.to < m.today) return false;
  if (c.couponSeriesId !== undefined) return false;
  if (c.controlGroupPercent > 0 && inControlGroup(c.id, m.memberId, c.controlGroupPercent)) return false;
  return c.audience.every((r) => couldMatch(r, m));
}
