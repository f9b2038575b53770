// Strings for exclusions, the program's legal texts and members' agreements, in English.
import type { legalRu } from './i18n-legal-ru.js';

export const legalEn: Record<keyof typeof legalRu, string> = {
  'exclusions.title': 'Exclusions',
  'exclusions.hint': 'Goods the program gives nothing for; campaigns and tiers follow these lists. Tobacco may be neither rewarded nor discounted in Russia (15-FZ, art. 16): put it on both lists. Codes as the till sends them, one a line or separated by commas.',
  'exclusions.earn': 'Earn no points',
  'exclusions.redeem': 'Cannot be paid with points, no campaign or tier discounts',
  'exclusions.categories': 'Categories',
  'exclusions.skus': 'SKUs',
};
