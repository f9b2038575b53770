// Campaign effects and schedules in the member's words.
import { date, money, num } from '../shared/format';
import type { Lang } from '../shared/i18n';
import type { Effect, Offers } from './data';
import { i18n, t, tn } from './t';

const ORDINAL_EN: Record<Intl.LDMLPluralRule, string> = { one: 'st', two: 'nd', few: 'rd', other: 'th', zero: 'th', many: 'th' };

/** "каждый 3-й" in Russian (the template adds "-й"), "every 3rd" in English. */
const nth = (n: number, lang: Lang) => (lang === 'ru' ? num(n, lang) : `${num(n, lang)}${ORDINAL_EN[new Intl.PluralRules('en-GB', { type: 'ordinal' }).select(n)]}`);

export function describeEffect(e: Effect, currency: string): string {
  const lang = i18n.lang();
  const n = (x: number) => num(x, lang);
  switch (e.kind) {
    case 'points_fixed':
      return tn('effect.pointsFixed', e.points, { points: n(e.points) });
    case 'points_per_item':
      return tn('effect.pointsPerItem', e.points, { points: n(e.points) });
    case 'points_per_amount':
      return tn('effect.pointsPerAmount', e.points, { points: n(e.points), amount: money(e.per, currency, lang) });
    case 'points_percent':
      return t('effect.pointsPercent', { percent: n(e.percent) });
    case 'points_multiplier':
      return t('effect.pointsMultiplier', { x: n(e.multiplier) });
    case 'discount_percent':
      return t('effect.discountPercent', { percent: n(e.percent) });
    case 'discount_fixed':
      return t('effect.discountFixed', { amount: money(e.amount, currency, lang) });
    case 'cheapest_free':
      return tn('effect.cheapestFree', e.count, { count: n(e.count), min: n(e.minQuantity) });
    case 'nth_item':
      return 'price' in e ? t('effect.nthItemPrice', { n: nth(e.n, lang), price: money(e.price, currency, lang) }) : t('effect.nthItemPercent', { n: nth(e.n, lang), percent: n(e.percent) });
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
