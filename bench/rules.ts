/**
 * Rules engine benchmark: a rule set of 100 active campaigns of every kind (90 purchase
 * campaigns, 10 event campaigns) and two tiers, evaluated on two 20-line receipts: a stress case
 * (a gold member whom most campaigns target, goods most campaigns name: 60-odd apply) and a
 * typical one (a member outside the targeted segments, goods few campaigns name).
 *
 *   npx tsx bench/rules.ts
 *
 * Prints the compile time (validation included) and the time per evaluation, warm, as the
 * median of several rounds of many iterations each.
 */
import os from 'node:os';
import { evaluatePurchase, type PurchaseInput } from '../src/domain/purchase.js';
import { compileRules, evaluateCampaigns, type CompiledRules } from '../src/domain/rules/index.js';
import type { AudienceRule, Campaign, Condition, Effect, RuleSet } from '../src/domain/rules/types.js';
import { DEFAULT_SETTINGS } from '../src/domain/settings.js';

const skus = (from: number, n: number) => Array.from({ length: n }, (_, k) => `sku-${(from + k) % 200}`);
const categories = ['dairy', 'bakery', 'drinks', 'snacks', 'household'];

function effectFor(i: number): Effect {
  const lines = { skus: skus(i, 40) };
  switch (i % 9) {
    case 0:
      return { kind: 'discount_percent', percent: 5 + (i % 10), lines: { categories: [categories[i % 5]!] } };
    case 1:
      return { kind: 'discount_fixed', amount: 5_000, lines };
    case 2:
      return { kind: 'cheapest_free', count: 1, minQuantity: 3, lines: { categories: [categories[i % 5]!, categories[(i + 1) % 5]!] } };
    case 3:
      return { kind: 'nth_item', n: 2, percent: 50, lines };
    case 4:
      return { kind: 'points_fixed', points: 50 };
    case 5:
      return { kind: 'points_per_item', points: 2, lines };
    case 6:
      return { kind: 'points_per_amount', points: 10, per: 10_000 };
    case 7:
      return { kind: 'points_percent', percent: 2 };
    default:
      return { kind: 'points_multiplier', multiplier: 2, lines: { categories: [categories[i % 5]!] } };
  }
}

function audienceFor(i: number): AudienceRule[] {
  switch (i % 6) {
    case 0:
      return [{ kind: 'segments', segmentIds: [`seg-${i % 4}`, 'seg-vip'], match: 'any' }];
    case 1:
      return [{ kind: 'tiers', tierIds: ['gold'], match: 'any' }];
    case 2:
      return [{ kind: 'birthday', daysBefore: 7, daysAfter: 7 }];
    case 3:
      return [{ kind: 'attribute', name: 'city', op: 'in', values: ['Moscow', 'Kazan'] }];
    case 4:
      return [{ kind: 'lapsed', days: 30 }];
    default:
      return [];
  }
}

function conditionsFor(i: number): Condition[] {
  switch (i % 4) {
    case 0:
      return [{ kind: 'total', min: 100_000 }];
    case 1:
      return [{ kind: 'lines', lines: { skus: skus(i * 3, 60) }, match: 'any' }];
    case 2:
      return [{ kind: 'store', storeIds: ['store-1', 'store-2', 'store-3'], match: 'any' }, { kind: 'quantity', min: 5, lines: { categories: ['dairy', 'drinks'] } }];
    default:
      return [];
  }
}

function campaignFor(i: number): Campaign {
  const event = i >= 90;
  return {
    id: `cmp-${String(i).padStart(3, '0')}`,
    name: `Campaign ${i}`,
    kind: event ? 'event' : 'purchase',
    ...(event ? { eventType: i % 2 ? 'review_left' : 'questionnaire_filled' } : {}),
    block: i % 3 === 0 ? 'targeted' : 'mass',
    schedule: { from: '2026-01-01', to: '2026-12-31', ...(i % 5 === 0 ? { weekdays: [1, 2, 3, 4, 5, 6, 7], hours: [{ from: '08:00', to: '23:00' }] } : {}) },
    audience: event ? [] : audienceFor(i),
    conditions: event ? [{ kind: 'event_attribute', name: 'rating', op: 'gte', value: 4 }] : conditionsFor(i),
    effects: event ? [{ kind: 'points_fixed', points: 100 }] : [effectFor(i)],
    limits: i % 4 === 0 ? { perMember: { count: 3, period: 'week' }, perReceipt: { points: 500, discount: 50_000 } } : {},
    ...(i % 5 === 1 ? { budget: { money: 100_000_000, warnAtPercent: 80 } } : {}),
    priority: i % 7,
    stacking: i % 17 === 0 ? 'exclusive' : i % 11 === 0 ? 'best_of' : 'stack',
    controlGroupPercent: i % 10 === 0 ? 10 : 0,
  };
}

const ruleSet: RuleSet = {
  campaigns: Array.from({ length: 100 }, (_, i) => campaignFor(i)),
  tiers: [
    { id: 'silver', name: 'Silver', rank: 1, qualification: { metric: 'spend', min: 1_000_000 }, benefits: { earnMultiplier: 1.25, discountPercent: 0, perks: [] } },
    { id: 'gold', name: 'Gold', rank: 2, qualification: { metric: 'spend', min: 5_000_000 }, benefits: { earnMultiplier: 1.5, discountPercent: 3, maxRedeemPercent: 50, perks: ['free delivery'] } },
  ],
  tierPolicy: { window: { kind: 'calendar', period: 'year' }, graceDays: 30 },
};

const lines = Array.from({ length: 20 }, (_, k) => ({ sku: `sku-${k * 7}`, category: categories[k % 5]!, quantity: 1 + (k % 3), price: 5_000 + k * 1_750 }));
const input: PurchaseInput = {
  receipt: { total: lines.reduce((s, l) => s + l.price * l.quantity, 0), lines },
  member: { status: 'active', available: 5_000 },
  facts: {
    member: { id: '0192f3a1-7c1e-7000-8000-000000000042', tierId: 'gold', segmentIds: ['seg-1', 'seg-3'], attributes: { city: 'Kazan' }, birthday: '1988-07-14', purchaseCount: 12, lastPurchaseAt: new Date('2026-05-01T10:00:00Z'), enrolledAt: new Date('2024-02-01T10:00:00Z') },
    storeId: 'store-2',
    channel: 'pos',
    coupons: [],
    usage: { 'cmp-004': 1 },
    budgetUsed: { 'cmp-001': { points: 0, costMinor: 5_000_000 } },
  },
  pointsToSpend: 200,
  occurredAt: new Date('2026-07-10T12:00:00Z'),
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * µs per call over `rounds` rounds of `n` calls, after a warm-up: the median of the process's
 * own CPU time (user + system; what the engine costs, whatever else runs on the machine) and of
 * the wall time (which includes time the process waited for a core).
 */
function measure(fn: () => unknown, n: number, rounds = 7): { cpu: number; wall: number } {
  for (let i = 0; i < n; i++) fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    wall.push(Number(process.hrtime.bigint() - t0) / 1_000 / n);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / n);
  }
  return { cpu: median(cpu), wall: median(wall) };
}
const show = (m: { cpu: number; wall: number }, unit: 'µs' | 'ms' = 'µs') => {
  const k = unit === 'ms' ? 1_000 : 1;
  return `${(m.cpu / k).toFixed(unit === 'ms' ? 2 : 1)} ${unit} CPU (${(m.wall / k).toFixed(unit === 'ms' ? 2 : 1)} ${unit} wall)`;
};

// A typical receipt: a silver member in no targeted segment, buying goods few campaigns name.
const typicalLines = Array.from({ length: 20 }, (_, k) => ({ sku: `other-${k}`, category: k < 15 ? 'household' : 'dairy', quantity: 1 + (k % 3), price: 5_000 + k * 1_750 }));
const typical: PurchaseInput = {
  ...input,
  receipt: { total: typicalLines.reduce((s, l) => s + l.price * l.quantity, 0), lines: typicalLines },
  facts: { ...input.facts, member: { ...input.facts.member!, tierId: 'silver', segmentIds: [], attributes: { city: 'Kazan' }, birthday: '1988-01-14', lastPurchaseAt: new Date('2026-07-01T10:00:00Z') }, storeId: 'store-9' },
};

let compiled: CompiledRules = compileRules(ruleSet, DEFAULT_SETTINGS);
const compileTime = measure(() => (compiled = compileRules(ruleSet, DEFAULT_SETTINGS)), 20);
const sample = evaluatePurchase(compiled, { ...input, explain: true });
const purchaseUs = measure(() => evaluatePurchase(compiled, input), 20_000);
const campaignsUs = measure(() => evaluateCampaigns(compiled, { receipt: input.receipt, facts: input.facts, occurredAt: input.occurredAt }), 20_000);
const explainUs = measure(() => evaluatePurchase(compiled, { ...input, explain: true }), 5_000);
const typicalSample = evaluatePurchase(compiled, typical);
const typicalUs = measure(() => evaluatePurchase(compiled, typical), 20_000);

const outcome = (e: typeof sample) => {
  const reasons = new Map<string, number>();
  for (const t of e.trace) reasons.set(t.reason ?? 'applied', (reasons.get(t.reason ?? 'applied') ?? 0) + 1);
  return `${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')}; ${e.effects.length} effects`;
};
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}; Node ${process.version}`);
console.log(`rule set: ${ruleSet.campaigns.length} campaigns (${compiled.purchase.length} purchase, ${ruleSet.campaigns.length - compiled.purchase.length} event), ${ruleSet.tiers.length} tiers; receipt: ${lines.length} lines`);
console.log(`stress receipt (a gold member whom most campaigns target): ${outcome(sample)}`);
console.log(`typical receipt (a silver member, goods few campaigns name): ${outcome(typicalSample)}`);
console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`compile (validation included):                    ${show(compileTime, 'ms')}`);
console.log(`stress:  evaluatePurchase (campaigns + tier + main scheme): ${show(purchaseUs)} per receipt`);
console.log(`stress:  evaluateCampaigns (rules only, no points paid):    ${show(campaignsUs)} per receipt`);
console.log(`stress:  evaluatePurchase with explain (simulation):       ${show(explainUs)} per receipt`);
console.log(`typical: evaluatePurchase:                                 ${show(typicalUs)} per receipt`);
