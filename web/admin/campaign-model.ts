// The campaign builder's model: the API's Campaign type and a blank draft.
import type { paths } from '@kopilka/client';

export type Campaign = paths['/v1/campaigns']['post']['requestBody']['content']['application/json']['campaign'];
export type Effect = Campaign['effects'][number];
export type EffectKind = Effect['kind'];
export type AudienceRule = Campaign['audience'][number];

export const LIMIT_PERIODS = ['day', 'week', 'month', 'campaign'] as const;

export const EFFECT_KINDS: EffectKind[] = ['points_fixed', 'points_per_item', 'points_per_amount', 'points_percent', 'points_multiplier', 'discount_percent', 'discount_fixed', 'cheapest_free', 'nth_item'];

export const blankCampaign = (): Campaign => ({
  id: '',
  name: '',
  kind: 'purchase',
  block: 'mass',
  schedule: {},
  audience: [],
  conditions: [],
  effects: [{ kind: 'points_multiplier', multiplier: 2 }],
  limits: {},
  priority: 0,
  stacking: 'stack',
  controlGroupPercent: 0,
});

/** A fresh effect of a kind, with sensible numbers to start from. */
export function effectOf(kind: EffectKind): Effect {
  switch (kind) {
    case 'points_fixed':
      return { kind, points: 100 };
    case 'points_per_item':
      return { kind, points: 10 };
    case 'points_per_amount':
      return { kind, points: 10, per: 10_000 };
    case 'points_percent':
      return { kind, percent: 5 };
    case 'points_multiplier':
      return { kind, multiplier: 2 };
    case 'discount_percent':
      return { kind, percent: 10 };
    case 'discount_fixed':
      return { kind, amount: 10_000 };
    case 'cheapest_free':
      return { kind, count: 1, minQuantity: 3 };
    case 'nth_item':
      return { kind, n: 2, percent: 50 };
  }
}

/** The number fields of an effect and their unit: money is entered in roubles, stored in kopecks. */
export const EFFECT_FIELDS: Record<EffectKind, { key: string; unit: 'points' | 'percent' | 'times' | 'money' | 'count' }[]> = {
  points_fixed: [{ key: 'points', unit: 'points' }],
  points_per_item: [{ key: 'points', unit: 'points' }],
  points_per_amount: [
    { key: 'points', unit: 'points' },
    { key: 'per', unit: 'money' },
  ],
  points_percent: [{ key: 'percent', unit: 'percent' }],
  points_multiplier: [{ key: 'multiplier', unit: 'times' }],
  discount_percent: [{ key: 'percent', unit: 'percent' }],
  discount_fixed: [{ key: 'amount', unit: 'money' }],
  cheapest_free: [
    { key: 'count', unit: 'count' },
    { key: 'minQuantity', unit: 'count' },
  ],
  nth_item: [
    { key: 'n', unit: 'count' },
    { key: 'percent', unit: 'percent' },
  ],
};

/** Field errors of a builder, by the pointer inside the campaign (server pointers are made relative). */
export function campaignPointer(pointer: string): string {
  return pointer.replace(/^\/campaign(?=\/|$)/, '').replace(/^\/rules\/campaigns\/\d+(?=\/|$)/, '') || '/';
}

const whole = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The client's checks before saving or simulating (the server checks again: src/domain/rules/validate.ts). */
export function checkCampaign(
  c: Campaign,
  isNew: boolean,
  msg: { required: string; badId: string; positive: string; badDates: string; percent: string; controlGroup: string; wholeNumber: string; time: string; pickSegment: string },
): Record<string, string> {
  const e: Record<string, string> = {};
  if (isNew && !/^[a-z0-9][a-z0-9_-]{0,99}$/.test(c.id)) e['/id'] = c.id ? msg.badId : msg.required;
  if (!c.name.trim()) e['/name'] = msg.required;
  c.effects.forEach((eff, i) => {
    for (const f of EFFECT_FIELDS[eff.kind]) {
      const v = (eff as Record<string, unknown>)[f.key];
      if (typeof v !== 'number' || !(v > 0)) e[`/effects/${i}/${f.key}`] = msg.positive;
    }
  });
  if (c.schedule.from && c.schedule.to && c.schedule.from > c.schedule.to) e['/schedule/to'] = msg.badDates;
  c.schedule.hours?.forEach((w, i) => {
    for (const k of ['from', 'to'] as const) if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(w[k])) e[`/schedule/hours/${i}/${k}`] = w[k] ? msg.time : msg.required;
  });
  c.audience.forEach((r, i) => {
    if (r.kind === 'segments' && r.segmentIds.length === 0) e[`/audience/${i}/segmentIds`] = msg.pickSegment;
  });
  if (!(c.controlGroupPercent >= 0 && c.controlGroupPercent < 100)) e['/controlGroupPercent'] = msg.controlGroup;
  if (!whole(c.priority, -1_000_000, 1_000_000)) e['/priority'] = msg.wholeNumber;
  const perMember = c.limits.perMember;
  if (perMember && !whole(perMember.count, 1, Number.MAX_SAFE_INTEGER)) e['/limits/perMember/count'] = msg.positive;
  if (c.budget) {
    if (c.budget.points !== undefined && !whole(c.budget.points, 1, Number.MAX_SAFE_INTEGER)) e['/budget/points'] = msg.positive;
    if (c.budget.money !== undefined && !whole(c.budget.money, 1, Number.MAX_SAFE_INTEGER)) e['/budget/money'] = msg.positive;
    if (!whole(c.budget.warnAtPercent, 1, 100)) e['/budget/warnAtPercent'] = msg.percent;
  }
  return e;
}
