import type { MemberState, ReceiptInput, ReceiptLineInput } from '../../src/domain/receipt.js';
import { evaluatePurchase, type PurchaseEvaluation } from '../../src/domain/purchase.js';
import { compileRules, type CompiledRules } from '../../src/domain/rules/compile.js';
import type { CampaignFacts, MemberFacts } from '../../src/domain/rules/facts.js';
import type { Campaign, RuleSet, Tier, TierPolicy } from '../../src/domain/rules/types.js';
import { DEFAULT_SETTINGS, type ProgramSettings } from '../../src/domain/settings.js';

// Test data for the rules engine. DEFAULT_SETTINGS: RUB, Europe/Moscow, 5 % back rounded down,
// 1 point = 1 ₽ (pointValue 100), at most 30 % of a receipt in points.

/** A purchase campaign that applies to everyone, always, with the given effects and overrides. */
export function campaign(id: string, overrides: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: `campaign ${id}`,
    kind: 'purchase',
    block: 'mass',
    schedule: {},
    audience: [],
    conditions: [],
    effects: [{ kind: 'points_fixed', points: 10 }],
    limits: {},
    priority: 0,
    stacking: 'stack',
    controlGroupPercent: 0,
    ...overrides,
  };
}

export function tier(id: string, rank: number, overrides: Partial<Tier> = {}): Tier {
  return {
    id,
    name: id,
    rank,
    qualification: { metric: 'spend', min: rank * 1_000_000 },
    benefits: { earnMultiplier: 1, discountPercent: 0, perks: [] },
    ...overrides,
  };
}

export const YEARLY: TierPolicy = { window: { kind: 'calendar', period: 'year' }, graceDays: 30 };

export function rules(campaigns: Campaign[], options: { tiers?: Tier[]; settings?: Partial<ProgramSettings> } = {}): CompiledRules {
  const set: RuleSet = { campaigns, tiers: options.tiers ?? [], ...(options.tiers?.length ? { tierPolicy: YEARLY } : {}) };
  return compileRules(set, { ...DEFAULT_SETTINGS, ...options.settings });
}

export function memberFacts(overrides: Partial<MemberFacts> = {}): MemberFacts {
  return {
    id: 'member-1',
    tierId: null,
    segmentIds: [],
    attributes: {},
    birthday: null,
    purchaseCount: 5,
    lastPurchaseAt: new Date('2024-03-01T10:00:00Z'),
    enrolledAt: new Date('2023-01-01T10:00:00Z'),
    ...overrides,
  };
}

export function facts(overrides: Partial<CampaignFacts> = {}): CampaignFacts {
  return { member: memberFacts(), storeId: 'store-1', channel: 'pos', coupons: [], usage: {}, budgetUsed: {}, ...overrides };
}

export const line = (sku: string, price: number, quantity = 1, category?: string): ReceiptLineInput => ({ sku, price, quantity, ...(category ? { category } : {}) });

export const receiptOf = (...lines: ReceiptLineInput[]): ReceiptInput => ({
  total: lines.reduce((s, l) => s + l.price * l.quantity - (l.discount ?? 0), 0),
  lines,
});

/** Sunday 10 March 2024, 12:00 in Moscow. */
export const NOW = new Date('2024-03-10T09:00:00Z');

export const active = (available = 0): MemberState => ({ status: 'active', available });

/** Evaluates a purchase by an active member with no points spent, unless told otherwise. */
export function purchase(
  compiled: CompiledRules,
  receipt: ReceiptInput,
  options: { facts?: Partial<CampaignFacts>; member?: MemberState | null; pointsToSpend?: number; at?: Date; explain?: boolean } = {},
): PurchaseEvaluation {
  return evaluatePurchase(compiled, {
    receipt,
    member: options.member === undefined ? active() : options.member,
    facts: facts(options.facts),
    pointsToSpend: options.pointsToSpend ?? 0,
    occurredAt: options.at ?? NOW,
    explain: options.explain ?? false,
  });
}

/** The trace entry of a campaign. */
export const traceOf = (e: PurchaseEvaluation, id: string) => e.trace.find((t) => t.campaignId === id)!;
