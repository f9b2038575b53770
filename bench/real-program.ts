/**
 * The "real program" step of the benchmark (bench/main.ts): a grocery retailer's live program of
 * 12 campaigns and a 4-tier ladder, published over the HTTP API as a marketer would, and receipts
 * built from the real baskets of ../shared/data/groceries (its README describes the file).
 *
 * Receipts. A receipt starts from one basket drawn at random (its items are product categories:
 * "whole milk", "rolls/buns", …; an item repeated in a basket is one line). Real baskets are
 * short (4.4 items on average; 85 % have fewer than 8), so while the receipt has fewer than 8
 * lines, the items of another randomly drawn basket are appended (those already on the receipt
 * are skipped): a week's shopping put together from several trips. A receipt is cut at 20 lines.
 * Each line: the basket's category as `category`, one of three SKUs of it (`whole-milk-1` …
 * `-3`: a cheap, a usual and a dear brand at 0.8, 1 and 1.35 × the category's price), 1 unit
 * (70 %), 2 (20 %) or 3 (10 %). The category's price is fixed per run: a price range per
 * department (dairy 60–250 ₽, meat 200–800 ₽, alcohol 100–1500 ₽, …) and a point in it chosen by a
 * hash of the category's name; prices end in .90.
 *
 * Who buys: 30 % of receipts anonymous (no member), the rest name the member by phone
 * (`identifier: { kind: 'phone' }`); a third of the member receipts spend points
 * (pointsToSpend: 20–100 % of a tenth of the receipt, in points worth 1 ₽, so always within the
 * program's 30 % cap after any discounts) from members loaded with a balance.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Campaign, RuleSet, Tier, TierPolicy } from '../src/domain/rules/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** ../shared/data/groceries/groceries.csv beside the checkout (SHARED_DATA_DIR overrides ../shared/data). */
export function groceriesFile(): string {
  const dir = process.env.SHARED_DATA_DIR ? path.resolve(process.env.SHARED_DATA_DIR) : path.resolve(here, '../../shared/data');
  return path.join(dir, 'groceries', 'groceries.csv');
}

/** The baskets of the file, one per line: categories, trimmed, each once. */
export function readBaskets(file = groceriesFile()): string[][] {
  if (!fs.existsSync(file)) throw new Error(`the groceries baskets are not at ${file} (set SHARED_DATA_DIR to the shared data directory)`);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => [...new Set(line.split(',').map((c) => c.trim()).filter(Boolean))])
    .filter((b) => b.length > 0);
}

// ---------------------------------------------------------------- departments and prices

/** Departments with a price range in kopecks and the data set's categories in each (all 169). */
export const DEPARTMENTS: Record<string, { price: [number, number]; categories: string[] }> = {
  dairy: {
    price: [6_000, 25_000],
    categories: ['whole milk', 'yogurt', 'whipped/sour cream', 'butter', 'curd', 'cream cheese', 'UHT-milk', 'butter milk', 'sliced cheese', 'hard cheese', 'soft cheese', 'processed cheese', 'spread cheese', 'specialty cheese', 'curd cheese', 'condensed milk', 'cream', 'domestic eggs', 'margarine', 'dessert'],
  },
  produce: {
    price: [5_000, 30_000],
    categories: ['other vegetables', 'root vegetables', 'tropical fruit', 'citrus fruit', 'pip fruit', 'berries', 'onions', 'grapes', 'herbs', 'packaged fruit/vegetables', 'specialty vegetables', 'organic products'],
  },
  bakery: {
    price: [3_000, 15_000],
    categories: ['rolls/buns', 'pastry', 'brown bread', 'white bread', 'long life bakery product', 'semi-finished bread', 'waffles', 'zwieback'],
  },
  meat: {
    price: [20_000, 80_000],
    categories: ['sausage', 'frankfurter', 'pork', 'beef', 'chicken', 'hamburger meat', 'ham', 'meat', 'turkey', 'liver loaf', 'meat spreads', 'organic sausage', 'fish', 'roll products', 'finished products'],
  },
  drinks: {
    price: [4_000, 20_000],
    categories: ['soda', 'bottled water', 'fruit/vegetable juice', 'misc. beverages', 'beverages', 'cocoa drinks', 'syrup'],
  },
  coffee: { price: [20_000, 70_000], categories: ['coffee', 'instant coffee', 'tea'] },
  alcohol: {
    price: [10_000, 150_000],
    categories: ['bottled beer', 'canned beer', 'red/blush wine', 'white wine', 'liquor', 'liquor (appetizer)', 'sparkling wine', 'rum', 'brandy', 'prosecco', 'liqueur', 'whisky'],
  },
  sweets: {
    price: [5_000, 25_000],
    categories: ['chocolate', 'specialty chocolate', 'candy', 'chewing gum', 'specialty bar', 'salty snack', 'chocolate marshmallow', 'popcorn', 'snack products', 'nut snack', 'nuts/prunes', 'tidbits', 'cake bar'],
  },
  frozen: {
    price: [10_000, 40_000],
    categories: ['frozen vegetables', 'frozen meals', 'ice cream', 'frozen dessert', 'frozen fish', 'frozen potato products', 'frozen fruits', 'frozen chicken'],
  },
  grocery: {
    price: [3_000, 25_000],
    categories: [
      'sugar', 'oil', 'flour', 'baking powder', 'pickled vegetables', 'pasta', 'canned fish', 'mustard', 'salt', 'canned vegetables', 'mayonnaise', 'sweet spreads',
      'Instant food products', 'rice', 'soups', 'vinegar', 'cereals', 'sauces', 'jam', 'spices', 'ketchup', 'specialty fat', 'canned fruit', 'artif. sweetener',
      'potato products', 'cooking chocolate', 'pudding powder', 'ready soups', 'honey', 'salad dressing', 'preservation products', 'baby food',
    ],
  },
  household: {
    price: [5_000, 50_000],
    categories: [
      'napkins', 'detergent', 'dishes', 'cling film/bags', 'dish cleaner', 'candles', 'house keeping products', 'kitchen towels', 'softener', 'cleaner', 'light bulbs', 'abrasive cleaner',
      'cookware', 'bathroom cleaner', 'decalcifier', 'toilet cleaner', 'kitchen utensil', 'rubbing alcohol', 'flower (seeds)', 'flower soil/fertilizer', 'pot plants', 'seasonal products',
      'photo/film', 'sound storage medium',
    ],
  },
  care: {
    price: [10_000, 60_000],
    categories: ['hygiene articles', 'female sanitary products', 'dental care', 'male cosmetics', 'skin care', 'soap', 'hair spray', 'make up remover', 'baby cosmetics'],
  },
  pets: { price: [8_000, 40_000], categories: ['cat food', 'dog food', 'pet care'] },
  till: { price: [500, 6_000], categories: ['shopping bags', 'bags', 'newspapers'] },
};

const departmentOf = new Map(Object.entries(DEPARTMENTS).flatMap(([d, v]) => v.categories.map((c) => [c, d] as const)));
const cat = (d: keyof typeof DEPARTMENTS) => DEPARTMENTS[d]!.categories;

/** The department of a category of the data set (grocery for any the table does not know). */
export const department = (category: string): string => departmentOf.get(category) ?? 'grocery';

/** The usual price of a category in kopecks: a point of its department's range picked by a hash of its name, ending in .90. */
export function categoryPrice(category: string): number {
  const [lo, hi] = DEPARTMENTS[department(category)]!.price;
  const u = crypto.createHash('sha256').update(category).digest().readUInt32BE(0) / 2 ** 32;
  return Math.max(90, Math.round((lo + u * (hi - lo)) / 100) * 100 - 10);
}

const slug = (category: string) => category.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const BRANDS = [0.8, 1, 1.35];

export interface ReceiptLine {
  sku: string;
  category: string;
  quantity: number;
  price: number;
}

/** A random number in [0, 1); Math.random unless a test gives its own. */
export type Random = () => number;
const pick = <T>(xs: readonly T[], rnd: Random): T => xs[Math.floor(rnd() * xs.length)]!;

/** The categories of one receipt: a basket, padded with further baskets to 8 lines, cut at 20. */
export function receiptCategories(baskets: readonly string[][], rnd: Random = Math.random, min = 8, max = 20): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (let tries = 0; lines.length < min && tries < 100; tries++) {
    for (const c of pick(baskets, rnd)) {
      if (!seen.has(c)) {
        seen.add(c);
        lines.push(c);
      }
    }
  }
  return lines.slice(0, max);
}

/** The lines of one receipt (see the top of the file). */
export function receiptLines(baskets: readonly string[][], rnd: Random = Math.random): ReceiptLine[] {
  return receiptCategories(baskets, rnd).map((category) => {
    const brand = Math.floor(rnd() * BRANDS.length);
    const u = rnd();
    const price = Math.max(90, Math.round((categoryPrice(category) * BRANDS[brand]!) / 100) * 100 - 10);
    return { sku: `${slug(category)}-${brand + 1}`, category, quantity: u < 0.7 ? 1 : u < 0.9 ? 2 : 3, price };
  });
}

// ---------------------------------------------------------------- the program

export const TIER_IDS = ['bronze', 'silver', 'gold', 'platinum'] as const;
/** Shares of the member base holding each tier when the benchmark loads it (a program some years old). */
export const TIER_SHARES: { id: string; percent: number }[] = [
  { id: 'bronze', percent: 45 },
  { id: 'silver', percent: 30 },
  { id: 'gold', percent: 18 },
  { id: 'platinum', percent: 7 },
];

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The retailer's program: 12 live purchase campaigns (category discounts, point multipliers,
 * n-th item, cheapest free, points per amount, a basket-size bonus, a tier-only offer, points per
 * item, a best-of pair) running from a month ago for a year, and a ladder of 4 tiers by spend in
 * the calendar year.
 */
export function realProgram(today = new Date()): Required<Pick<RuleSet, 'campaigns' | 'tiers'>> & { tierPolicy: TierPolicy } {
  const schedule = { from: day(new Date(today.getTime() - 30 * 86_400_000)), to: day(new Date(today.getTime() + 365 * 86_400_000)) };
  const c = (id: string, name: string, rest: Partial<Campaign> & Pick<Campaign, 'effects'>): Campaign => ({
    id,
    name,
    kind: 'purchase',
    block: 'mass',
    schedule,
    audience: [],
    conditions: [],
    limits: {},
    priority: 0,
    stacking: 'stack',
    controlGroupPercent: 0,
    ...rest,
  });
  const produce = cat('produce');
  const campaigns: Campaign[] = [
    c('dairy-10', 'Dairy week: 10 % off', { effects: [{ kind: 'discount_percent', percent: 10, lines: { categories: cat('dairy') } }], limits: { perReceipt: { discount: 30_000 } }, priority: 50 }),
    c('produce-15', 'Fresh produce: 15 % off', { effects: [{ kind: 'discount_percent', percent: 15, lines: { categories: produce } }], stacking: 'best_of', priority: 40 }),
    c('produce-x3', 'Fresh produce: triple points', { effects: [{ kind: 'points_multiplier', multiplier: 3, lines: { categories: produce } }], stacking: 'best_of', priority: 40 }),
    c('coffee-x3', 'Coffee and tea: triple points', { effects: [{ kind: 'points_multiplier', multiplier: 3, lines: { categories: cat('coffee') } }], priority: 30 }),
    c('sweets-x2', 'Sweets: double points', { effects: [{ kind: 'points_multiplier', multiplier: 2, lines: { categories: cat('sweets') } }], audience: [{ kind: 'member' }], priority: 30 }),
    c('yogurt-3for2', 'Yogurts and desserts: 3 for 2', { effects: [{ kind: 'nth_item', n: 3, percent: 100, lines: { categories: ['yogurt', 'dessert', 'curd', 'whipped/sour cream'] } }], priority: 60 }),
    c('bakery-2nd-half', 'Bakery: the second at half price', { effects: [{ kind: 'nth_item', n: 2, percent: 50, lines: { categories: cat('bakery') } }], priority: 60 }),
    c('household-cheapest-free', 'Household: 3 for the price of 2', { effects: [{ kind: 'cheapest_free', count: 1, minQuantity: 3, lines: { categories: [...cat('household'), ...cat('care')] } }], priority: 60 }),
    c('points-per-500', '25 points for every 500 ₽', { effects: [{ kind: 'points_per_amount', points: 25, per: 50_000, lines: { excludeCategories: cat('alcohol') } }], controlGroupPercent: 10, priority: 10 }),
    c('big-basket', 'A big basket: 200 points', {
      effects: [{ kind: 'points_fixed', points: 200 }],
      conditions: [{ kind: 'quantity', min: 20 }],
      limits: { perMember: { count: 1, period: 'day' } },
      priority: 20,
    }),
    c('gold-meat-7', 'Gold and Platinum: 7 % off meat and fish', {
      block: 'targeted',
      effects: [{ kind: 'discount_percent', percent: 7, lines: { categories: cat('meat') } }],
      audience: [{ kind: 'tiers', tierIds: ['gold', 'platinum'], match: 'any' }],
      priority: 70,
    }),
    c('pets-per-item', 'Pet food: 10 points an item', { effects: [{ kind: 'points_per_item', points: 10, lines: { categories: cat('pets') } }], limits: { perReceipt: { points: 300 } }, priority: 10 }),
  ];
  const tier = (id: string, name: string, rank: number, min: number, earnMultiplier: number, discountPercent: number, extra: Partial<Tier['benefits']> = {}): Tier => ({
    id,
    name,
    rank,
    qualification: { metric: 'spend', min },
    benefits: { earnMultiplier, discountPercent, perks: [], ...extra },
  });
  const tiers = [
    tier('bronze', 'Bronze', 0, 0, 1, 0),
    tier('silver', 'Silver', 1, 1_500_000, 1.25, 0),
    tier('gold', 'Gold', 2, 5_000_000, 1.5, 2, { perks: ['free delivery'] }),
    tier('platinum', 'Platinum', 3, 15_000_000, 2, 5, { maxRedeemPercent: 50, perks: ['free delivery', 'personal manager'] }),
  ];
  return { campaigns, tiers, tierPolicy: { window: { kind: 'calendar', period: 'year' }, graceDays: 30 } };
}

/**
 * Publishes the program over the HTTP API as a marketer would build it in the admin panel: the
 * tier policy, the tiers and the campaigns (active) into the working copy, then one rules
 * version. Returns the version's number.
 */
export async function publishProgram(url: string, apiKey: string, program: ReturnType<typeof realProgram>): Promise<number> {
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 1_000)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  await call('PUT', '/v1/tier-policy?publish=false', program.tierPolicy);
  for (const t of program.tiers) await call('POST', '/v1/tiers?publish=false', t);
  for (const c of program.campaigns) await call('POST', '/v1/campaigns?publish=false', { campaign: c, status: 'active' });
  const version = await call('POST', '/v1/rules/publish', { note: 'benchmark: the real program' });
  return Number(version.version);
}

// ---------------------------------------------------------------- receipts

export interface RealMember {
  memberId: string;
  phone: string;
  /** Loaded with spendable points. */
  rich: boolean;
}

export interface RealMix {
  /** Share of receipts with no member. */
  anonymous: number;
  /** Share of member receipts that spend points. */
  spend: number;
}
export const REAL_MIX: RealMix = { anonymous: 0.3, spend: 1 / 3 };

/** The receipt bodies of the real program's load (see the top of the file). */
export function realSource(members: readonly RealMember[], baskets: readonly string[][], runId: string, mix: RealMix = REAL_MIX, rnd: Random = Math.random) {
  const rich = members.filter((m) => m.rich);
  let n = 0;
  return {
    get count() {
      return n;
    },
    /** A receipt as an object (tests read it), */
    receipt(kind?: 'anonymous' | 'earn' | 'spend'): Record<string, unknown> {
      const i = n++;
      const lines = receiptLines(baskets, rnd);
      const total = lines.reduce((s, l) => s + l.quantity * l.price, 0);
      const base = { receiptId: `real-${runId}-${i}`, storeId: `store-${String(1 + Math.floor(rnd() * 20)).padStart(2, '0')}`, channel: 'pos', total, lines };
      const who = kind ?? (rnd() < mix.anonymous ? 'anonymous' : rnd() < mix.spend ? 'spend' : 'earn');
      if (who === 'anonymous') return base;
      const m = who === 'spend' ? pick(rich, rnd) : pick(members, rnd);
      const identified = { ...base, identifier: { kind: 'phone', value: m.phone } };
      if (who === 'earn') return identified;
      const most = Math.floor(total / 1_000); // a tenth of the receipt, in points of 1 ₽
      return { ...identified, pointsToSpend: Math.max(1, Math.round(most * (0.2 + 0.8 * rnd()))) };
    },
    /** …and as the request body. */
    next(kind?: 'anonymous' | 'earn' | 'spend'): string {
      return JSON.stringify(this.receipt(kind));
    },
  };
}
