import { DomainError } from '../../domain/errors.js';
import { compileRules } from '../../domain/rules/compile.js';
import { evaluateCampaigns } from '../../domain/rules/evaluate.js';
import type { AttributeValue, BudgetUsed, CampaignFacts, MemberFacts } from '../../domain/rules/facts.js';
import type { Campaign } from '../../domain/rules/types.js';
import type { ReceiptLineInput } from '../../domain/receipt.js';
import { membersForBacktest, purchaseHistoryBefore, storedPurchasesPage, type StoredPurchase } from '../../store/backtest.js';
import { findDefinition } from '../../store/rules.js';
import type { AppContext } from '../context.js';
import { usageKey } from '../../domain/purchase-rules.js';

export interface BacktestResult {
  campaignId: string;
  from: string;
  to: string;
  receiptsScanned: number;
  receipts: number;
  members: number;
  discount: number;
  points: number;
  /** discount + points × pointValue, minor units. */
  cost: number;
  /** Receipts the campaign would have matched but withheld from its control group. */
  controlGroupReceipts: number;
  /** Why it did not apply, by reason, over the receipts it did not touch. */
  notApplied: Record<string, number>;
  /** Whether the scan stopped at the receipt limit before `to`. */
  truncated: boolean;
}

const PAGE = 2_000;

/**
 * Replays stored receipts of [from, to) against a campaign (a draft as much as a live one) as if
 * it had been the only campaign in force: how many receipts and members it would have touched and
 * what it would have cost. Receipts are taken as the till sent them (before any campaign of the
 * time); the member's tier is the one the purchase was evaluated with; purchase counts and last
 * purchase dates are rebuilt from the history itself; per-member limits and the budget are
 * applied as the scan goes. `campaign` replays an edited draft not saved yet (the builder's
 * screen). Nothing is written.
 */
export async function backtestCampaign(
  ctx: AppContext,
  programId: string,
  campaignId: string,
  range: { from: string; to: string; maxReceipts?: number | undefined; campaign?: Campaign | undefined },
): Promise<BacktestResult> {
  const program = await ctx.programs.get(programId);
  const from = new Date(range.from);
  const to = new Date(range.to);
  if (!(from < to)) throw new DomainError('VALIDATION_FAILED', 'from must be before to', { errors: [{ pointer: '/to', detail: 'must be after from' }] });
  // The builder sends the campaign as it stands on the screen, saved or not.
  if (range.campaign && range.campaign.id !== campaignId) throw new DomainError('VALIDATION_FAILED', `/campaign/id must be ${campaignId}, the campaign of the address`, { errors: [{ pointer: '/campaign/id', detail: `must be ${campaignId}` }] });
  const row = range.campaign ? null : await findDefinition(ctx.db, 'campaigns', programId, campaignId);
  if (!range.campaign && !row) throw new DomainError('CAMPAIGN_NOT_FOUND', `no campaign ${campaignId}`);
  const campaign = range.campaign ?? (row!.definition as Campaign);
  const inForce = await ctx.rules.inForce(programId, to);
  const compiled = compileRules({ campaigns: [campaign], tiers: inForce.ruleSet.tiers, ...(inForce.ruleSet.tierPolicy ? { tierPolicy: inForce.ruleSet.tierPolicy } : {}) }, program.settings);
  const tz = program.settings.timeZone;
  const max = range.maxReceipts ?? 200_000;

  // What members had done before the window: purchase counts and last purchase.
  const priorRows = await purchaseHistoryBefore(ctx.db, programId, from);
  const history = new Map(priorRows.map((r) => [r.member_id, { count: r.n, last: r.last as Date | null }]));
  const members = new Map<string, { birthday: string | null; attributes: Record<string, AttributeValue>; createdAt: Date }>();
  const usage = new Map<string, number>();
  const budget: BudgetUsed = { points: 0, costMinor: 0 };
  const out: BacktestResult = { campaignId, from: from.toISOString(), to: to.toISOString(), receiptsScanned: 0, receipts: 0, members: 0, discount: 0, points: 0, cost: 0, controlGroupReceipts: 0, notApplied: {}, truncated: false };
  const touched = new Set<string>();

  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const page = await storedPurchasesPage(ctx.db, programId, from, to, after, PAGE);
    const ids = [...new Set(page.flatMap((r) => (r.member_id && !members.has(r.member_id) ? [r.member_id] : [])))];
    if (ids.length > 0) {
      const rows = await membersForBacktest(ctx.db, ids);
      for (const m of rows) members.set(m.member_id, { birthday: m.birthday, attributes: m.attributes, createdAt: m.created_at });
    }
    for (const p of page) {
      if (out.receiptsScanned >= max) {
        out.truncated = true;
        break;
      }
      out.receiptsScanned++;
      const lines: ReceiptLineInput[] = p.result.lines.map((l) => ({ sku: l.sku, ...(l.name ? { name: l.name } : {}), ...(l.category ? { category: l.category } : {}), quantity: l.quantity, price: l.price, discount: l.price * l.quantity - l.amount }));
      const receipt = { total: lines.reduce((s, l) => s + l.price * l.quantity - (l.discount ?? 0), 0), lines };
      let member: MemberFacts | null = null;
      const key = p.member_id ? `${p.member_id}|${usageKey(campaign, p.occurred_at, tz) ?? 'none'}` : '';
      if (p.member_id) {
        const m = members.get(p.member_id);
        const h = history.get(p.member_id) ?? { count: 0, last: null };
        member = m
          ? { id: p.member_id, tierId: p.result.tier?.id ?? null, segmentIds: [], attributes: m.attributes, birthday: m.birthday, purchaseCount: h.count, lastPurchaseAt: h.last, enrolledAt: m.createdAt }
          : null;
        history.set(p.member_id, { count: h.count + 1, last: p.occurred_at });
      }
      const facts: CampaignFacts = { member, storeId: p.store_id, channel: p.channel, coupons: [], usage: member ? { [campaignId]: usage.get(key) ?? 0 } : {}, budgetUsed: { [campaignId]: budget } };
      // A campaign behind a coupon is judged as if every receipt had presented one.
      if (campaign.couponSeriesId) facts.coupons = [{ code: 'BACKTEST', seriesId: campaign.couponSeriesId }];
      const r = evaluateCampaigns(compiled, { receipt, facts, occurredAt: p.occurred_at });
      const trace = r.trace.find((t) => t.campaignId === campaignId);
      if (r.applied.includes(campaignId)) {
        const effects = r.effects.filter((e) => e.campaignId === campaignId);
        const discount = effects.reduce((s, e) => s + e.discount, 0);
        const points = effects.reduce((s, e) => s + e.points, 0);
        const cost = effects.reduce((s, e) => s + e.costMinor, 0);
        out.receipts++;
        out.discount += discount;
        out.points += points;
        out.cost += cost;
        budget.points += points;
        budget.costMinor += cost;
        if (p.member_id) {
          touched.add(p.member_id);
          usage.set(key, (usage.get(key) ?? 0) + 1);
        }
      } else if (trace?.reason === 'control_group') {
        out.controlGroupReceipts++;
      } else if (trace?.reason) {
        out.notApplied[trace.reason] = (out.notApplied[trace.reason] ?? 0) + 1;
      }
    }
    if (out.truncated || page.length < PAGE) break;
    const last: StoredPurchase = page[page.length - 1]!;
    after = { at: last.occurred_at, id: last.purchase_id };
  }
  out.members = touched.size;
  return out;
}
