// Campaign effects and schedules in the member's words.
import { date, money } from '../shared/format';
import type { Effect, Offers } from './data';
import { i18n, t } from './t';

export function describeEffect(e: Effect, currency: string): string {
  const lang = i18n.lang();
  switch (e.kind) {
    case 'points_fixed':
      return t('effect.pointsFixed', { points: e.points });
    case 'points_per_item':
      return t('effect.pointsPerItem', { points: e.points });
    case 'points_per_amount':
      return t('effect.pointsPerAmount', { points: e.points, amount: money(e.per, currency, lang) });
    case 'points_percent':
      return t('effect.pointsPercent', { percent: e.percent });
    case 'points_multiplier':
      return t('effect.pointsMultiplier', { x: e.multiplier });
    case 'discount_percent':
      return t('effect.discountPercent', { percent: e.percent });
    case 'discount_fixed':
      return t('effect.discountFixed', { amount: money(e.amount, currency, lang) });
    case 'cheapest_free':
      return t('effect.cheapestFree', { count: e.count, min: e.minQuantity });
    case 'nth_item':
      return 'price' in e ? t('effect.nthItemPrice', { n: e.n, price: money(e.price, currency, lang) }) : t('effect.nthItemPercent', { n: e.n, percent: e.percent });
  }
}

export function describeWhen(c: Offers['campaigns'][number], currency: string): string[] {
  const lang = i18n.lang();
  const parts: string[] = [];
  if (c.schedule.to) parts.push(t('offer.until', { date: date(`${c.schedule.to}T12:00:00Z`, lang) }));
  for (const cond of c.conditions) if (cond.kind === 'total' && cond.min) parts.push(t('offer.minTotal', { amount: money(cond.min, currency, lang) }));
  if (c.kind === 'event') parts.push(t('offer.event'));
  return parts;
}
