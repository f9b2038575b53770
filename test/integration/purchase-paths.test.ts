import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { requestHash } from '../../src/app/context.js';
import { PurchaseBatcher } from '../../src/app/purchases/batcher.js';
import { createPurchase, placeOf, walletFactsOf } from '../../src/app/purchases/create.js';
import { evaluateWith } from '../../src/app/purchases/evaluate.js';
import { loadRulesContext } from '../../src/app/purchases/rules.js';
import { readsBeforeLock, statesFrom } from '../../src/app/purchases/state.js';
import { planPurchase, type PurchasePlan } from '../../src/domain/purchase-plan.js';
import type { PurchaseInput, PurchaseResult } from '../../src/domain/purchase-types.js';
import { toMember } from '../../src/store/members.js';
import { writePurchases } from '../../src/store/purchase-writer.js';
import { claimLockAndLoad } from '../../src/store/purchase-loader.js';
import { campaign } from '../support/campaigns.js';
import { credit, DATABASES, enrol, line, startServer, totalOf, type TestServer } from '../support/harness.js';

// The single write path (createPurchase) and the batched one (PurchaseBatcher) must write the same
// rows for the same receipts; and the writer must write exactly what the plan says.

const STEP = 10 * 60_000; // holds last 30 minutes: a hold stays in force across the next step
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The program: a coupon WELCOME (30 points, once per member), a bonus once a month per member, points ×2 on food, 10 % off SKU B; a silver tier from 1 000 ₽ a year. */
async function setUpRules(s: TestServer): Promise<void> {
  const admin = { key: s.adminKey };
  const series = await s.request('POST', '/v1/coupon-series', { id: 'welcome', name: 'Welcome', kind: 'shared', code: 'WELCOME' }, admin);
  assert.equal(series.status, 201, JSON.stringify(series.body));
  const campaigns = [
    // A shared code without a use limit: no shared row to settle, so such purchases stay in the batch.
    campaign('welcome', { couponSeriesId: 'welcome', effects: [{ kind: 'points_fixed', points: 30 }] }),
    campaign('bonus', { effects: [{ kind: 'points_fixed', points: 50 }], limits: { perMember: { count: 1, period: 'month' } } }),
    campaign('double-food', { effects: [{ kind: 'points_multiplier', multiplier: 2, lines: { categories: ['food'] } }] }),
    campaign('b-off', { effects: [{ kind: 'discount_percent', percent: 10, lines: { skus: ['B'] } }] }),
  ];
  for (const c of campaigns) {
    const res = await s.request('POST', '/v1/campaigns', { campaign: c, status: 'active' }, admin);
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  assert.equal((await s.request('PUT', '/v1/tier-policy', { window: { kind: 'rolling', days: 365 }, graceDays: 30 }, admin)).status, 200);
  const silver = { id: 'silver', name: 'Silver', rank: 1, qualification: { metric: 'spend', min: 1_000_00 }, benefits: { earnMultiplier: 1.5, discountPercent: 0, perks: [] } };
  const t = await s.request('POST', '/v1/tiers', silver, admin);
  assert.equal(t.status, 201, JSON.stringify(t.body));
}

type Lines = ReturnType<typeof line>[];
/** A receipt for the member at `who` (null: anonymous) of a twin set, its id made from the set's prefix. */
interface Step {
  who: number | null;
  id: string;
  lines: Lines;
  pointsToSpend?: number;
  twoPhase?: boolean;
  coupons?: string[];
}

const inputOf = (prefix: string, members: string[], st: Step): PurchaseInput => ({
  receiptId: `${prefix}-${st.id}`,
  ...(st.who === null ? {} : { memberId: members[st.who]! }),
  total: totalOf(st.lines),
  lines: st.lines,
  storeId: 'store-1',
  channel: 'pos',
  ...(st.pointsToSpend ? { pointsToSpend: st.pointsToSpend } : {}),
  ...(st.twoPhase ? { twoPhase: true } : {}),
  ...(st.coupons ? { coupons: st.coupons } : {}),
});

/** Rows of the tables a purchase writes, for one set of members (and its anonymous receipts, by receipt-id prefix). */
async function rowsOf(s: TestServer, members: string[], prefix: string) {
  const db = s.database.db;
  const q = async (table: string, order: string) =>
    (await sql<Record<string, unknown>>`select * from ${sql.table(table)} where member_id = any(${members}::uuid[]) order by ${sql.raw(order)}`.execute(db)).rows;
  const anonymous = (await sql<Record<string, unknown>>`select * from anonymous_purchases where receipt_id like ${prefix + '-%'} order by receipt_id`.execute(db)).rows;
  const anonIds = anonymous.map((a) => a.purchase_id as string);
  return {
    wallets: await q('wallets', 'member_id'),
    lots: await q('lots', 'created_at, amount, lot_id'),
    entries: await q('entries', 'created_at, kind, amount, entry_id'),
    holds: await q('holds', 'purchase_id, lot_id'),
    purchases: await q('purchases', 'receipt_id'),
    returns: await q('returns', 'created_at, return_id'),
    campaign_effects: await q('campaign_effects', 'occurred_at, purchase_id, seq'),
    campaign_usage: await q('campaign_usage', 'member_id, campaign_id, period'),
    coupon_uses: await q('coupon_uses', 'created_at, coupon_use_id'),
    tier_changes: await q('tier_changes', 'at, change_id'),
    anonymous_purchases: anonymous,
    anonymous_campaign_effects: (await sql<Record<string, unknown>>`select * from anonymous_campaign_effects where purchase_id = any(${anonIds}::uuid[]) order by purchase_id, seq`.execute(db)).rows,
  };
}
type Rows = Awaited<ReturnType<typeof rowsOf>>;

/**
 * The rows with every generated id replaced by its place: members by their place in the set,
 * purchases and receipts by the step, lots, entries, returns and changes by their place in the
 * member's rows sorted by what they record (never by the random id). An id the map does not know fails.
 */
function normalised(rows: Rows, members: string[], prefix: string, purchases: Map<string, string>): unknown {
  const names = new Map<string, string>();
  members.forEach((m, i) => names.set(m, `member#${i}`));
  for (const [id, step] of purchases) names.set(id, `purchase@${step}`);
  const at = (v: unknown) => (v instanceof Date ? v.getTime() : String(v));
  const memberOf = (r: Record<string, unknown>) => names.get(r.member_id as string)!;
  const place = (list: Record<string, unknown>[], idCol: string, tag: string, key: (r: Record<string, unknown>) => string) => {
    const sorted = [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    sorted.forEach((r, i) => names.set(r[idCol] as string, `${tag}#${i}`));
  };
  place(rows.returns, 'return_id', 'return', (r) => `${memberOf(r)}|${at(r.created_at)}|${names.get(r.purchase_id as string)}`);
  place(rows.lots, 'lot_id', 'lot', (r) => `${memberOf(r)}|${at(r.created_at)}|${at(r.available_at)}|${r.amount}|${names.get(r.purchase_id as string) ?? '-'}`);
  place(rows.entries, 'entry_id', 'entry', (r) => `${memberOf(r)}|${at(r.created_at)}|${names.get(r.lot_id as string)}|${r.kind}|${r.amount}`);
  place(rows.tier_changes, 'change_id', 'change', (r) => `${memberOf(r)}|${at(r.at)}|${r.from_tier}|${r.to_tier}`);
  place(rows.coupon_uses, 'coupon_use_id', 'use', (r) => `${memberOf(r)}|${at(r.created_at)}|${r.code}`);
  const receipt = new RegExp(`\\b${prefix}-`, 'g');
  const map = (v: unknown, where = ''): unknown => {
    // The credits' actor is the admin key both sets were credited with: the same id, kept as it is.
    if (where.endsWith('.actor')) return v;
    if (typeof v === 'string') {
      return v
        .replace(UUID, (id) => {
          if (!names.has(id)) throw new Error(`an id the comparison does not know: ${id} at ${where}`);
          return names.get(id)!;
        })
        .replace(receipt, 'receipt-');
    }
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'bigint') return Number(v);
    if (Array.isArray(v)) return v.map((x, i) => map(x, `${where}[${i}]`));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'program_id' ? 'program' : map(x, `${where}.${k}`)]));
    return v;
  };
  // Sort each table by its mapped content, so that the order of random ids does not matter.
  return Object.fromEntries(
    Object.entries(rows).map(([table, list]) => {
      const mapped = (list as Record<string, unknown>[]).map((r) => map(r, table) as Record<string, unknown>);
      return [table, mapped.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0))];
    }),
  );
}

for (const kind of DATABASES) {
  describe(`the single and the batched purchase paths write the same rows (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
      await setUpRules(s);
    });
    after(() => s.close());

    test('the same receipts for twin members give identical lots, entries, holds, purchases, effects, usage, tier changes and wallets', async () => {
      // The batcher's database counts transactions, to show each step's members went as one batch
      // (a batch that failed would be written again one by one through createPurchase, proving nothing).
      let transactions = 0;
      const counted = new Proxy(s.ctx.db, {
        get(target, prop) {
          if (prop === 'transaction') {
            return () => {
              transactions++;
              return target.transaction();
            };
          }
          const v: unknown = Reflect.get(target, prop);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const batcher = new PurchaseBatcher({ ...s.ctx, db: counted }, { maxBatch: 64, maxInFlight: 1 });
      // Twin sets with the same starting state; credits at the same instant of the test clock.
      const starting = [500, 0, 300, 1_000, 0];
      const single: string[] = [];
      const batched: string[] = [];
      for (const points of starting) {
        const [a, b] = [await enrol(s), await enrol(s)];
        if (points > 0) {
          await credit(s, a, points);
          await credit(s, b, points);
        }
        single.push(a);
        batched.push(b);
      }
      const food = (sku: string, n: number, rub: number) => line(sku, n, rub, { category: 'food' });
      // Steps of receipts; each step is sent to both sets at the same instant, the clock moves between steps.
      const steps: Step[][] = [
        [
          { who: 0, id: 'spend', lines: [food('MILK', 2, 120), line('B', 1, 900)], pointsToSpend: 200 },
          { who: 1, id: 'tv', lines: [line('TV', 1, 20_000)] }, // earns 1 000 + bonus, and upgrades to silver
          { who: 2, id: 'held', lines: [line('A', 1, 1_000), food('BREAD', 3, 50)], pointsToSpend: 100, twoPhase: true },
          { who: 3, id: 'plain', lines: [line('B', 2, 300), food('EGGS', 1, 150)], coupons: ['WELCOME'] },
          { who: null, id: 'anon', lines: [line('B', 1, 500), food('MILK', 1, 100)] },
        ],
        [
          { who: 0, id: 'again', lines: [food('MILK', 1, 120)] }, // the monthly bonus is used up
          { who: 1, id: 'spend-tv', lines: [line('A', 1, 4_000)], pointsToSpend: 1_000 }, // spends what the TV earned
          { who: 3, id: 'held-nospend', lines: [line('A', 1, 700)], twoPhase: true },
          { who: 4, id: 'first', lines: [food('CHEESE', 1, 800)] },
        ],
        // (the TV is returned between these steps: member 1 then owes points)
        [
          { who: 1, id: 'payoff', lines: [line('B', 1, 20_000)] }, // pays off the debt first
          { who: 2, id: 'held-again', lines: [line('A', 1, 300)], pointsToSpend: 50, twoPhase: true, coupons: ['WELCOME'] },
          { who: 3, id: 'coupon-again', lines: [line('A', 1, 300)], coupons: ['WELCOME'] }, // refused: once per member
          { who: 0, id: 'all-in', lines: [line('A', 1, 5_000)], pointsToSpend: 150 },
        ],
      ];
      const purchaseIds = { single: new Map<string, string>(), batched: new Map<string, string>() };
      const answers: { single: PurchaseResult[]; batched: PurchaseResult[] } = { single: [], batched: [] };
      for (const [k, step] of steps.entries()) {
        s.clock.advance(STEP);
        if (k === 2) {
          for (const [set, members] of [['single', single], ['batched', batched]] as const) {
            const tv = answers[set].find((a) => a.receiptId.endsWith('-tv'))!;
            const r = await s.request('POST', `/v1/purchases/${tv.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
            assert.equal(r.status, 201, JSON.stringify(r.body));
            assert.ok(r.body.pointsOwed > 0, `member ${members[1]} owes points after the return`);
          }
          s.clock.advance(STEP);
        }
        for (const st of step) {
          const a = await createPurchase(s.ctx, s.programId, inputOf('S', single, st));
          answers.single.push(a);
          purchaseIds.single.set(a.purchaseId!, st.id);
        }
        // The batched path: every receipt of the step submitted at once, in one batch (receipts without a member included).
        transactions = 0;
        const batchAnswers = await Promise.all(step.map((st) => batcher.submit(s.programId, inputOf('T', batched, st))));
        assert.equal(transactions, 1, `step ${k}: one transaction for all the step's receipts`);
        batchAnswers.forEach((a, i) => {
          answers.batched.push(a);
          purchaseIds.batched.set(a.purchaseId!, step[i]!.id);
        });
      }
      // The same answers (ids aside), and points were really spent, held and earned.
      const strip = (a: PurchaseResult) => ({ ...a, purchaseId: null, memberId: null, receiptId: a.receiptId.slice(2), receiptText: a.receiptText.map((t) => t.replaceAll(a.receiptId, a.receiptId.slice(2))) });
      assert.deepEqual(answers.batched.map(strip), answers.single.map(strip));
      assert.ok(answers.single.some((a) => a.status === 'held' && a.pointsSpent > 0));
      assert.ok(answers.single.some((a) => a.status === 'completed' && a.pointsSpent > 0));
      assert.ok(answers.single.some((a) => a.effects.some((e) => e.campaignId === 'bonus')));
      assert.deepEqual(answers.single.flatMap((a) => a.coupons.map((c) => c.status)), ['applied', 'applied', 'refused']);

      const rowsSingle = await rowsOf(s, single, 'S');
      const rowsBatched = await rowsOf(s, batched, 'T');
      // Everything the comparison is about was written.
      for (const table of ['wallets', 'lots', 'entries', 'holds', 'purchases', 'returns', 'campaign_effects', 'campaign_usage', 'coupon_uses', 'tier_changes', 'anonymous_purchases', 'anonymous_campaign_effects'] as const) {
        assert.ok(rowsSingle[table].length > 0, `${table} has rows`);
      }
      assert.ok(rowsSingle.lots.some((l) => Number(l.remaining) < 0 || rowsSingle.entries.some((e) => e.lot_id === l.lot_id && e.kind === 'earn' && e.purchase_id !== l.purchase_id)), 'a debt was paid off');
      assert.deepEqual(normalised(rowsBatched, batched, 'T', purchaseIds.batched), normalised(rowsSingle, single, 'S', purchaseIds.single));
      await s.assertBooksBalance();
    });
  });

  describe(`the purchase writer writes exactly the plan (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
      await setUpRules(s);
    });
    after(() => s.close());

    /** Load, decide and commit one purchase in the test, as createPurchase does, and return the plan. */
    async function planAndWrite(input: PurchaseInput): Promise<PurchasePlan> {
      const program = await s.ctx.programs.get(s.programId);
      const occurredAt = s.clock.now();
      const rc = await loadRulesContext(s.ctx, program, occurredAt, input.coupons);
      return s.ctx.db.transaction().execute(async (trx) => {
        const now = s.clock.now();
        const purchaseId = s.ctx.newId();
        const claim = { receiptId: input.receiptId, purchaseId, memberId: input.memberId!, requestHash: requestHash(input) };
        const item = { rc, memberId: input.memberId!, place: placeOf(input), occurredAt };
        const { claimed, members, reads } = await claimLockAndLoad(trx, s.programId, [claim], readsBeforeLock([item]), now);
        const locked = members.get(input.memberId!);
        assert.ok(claimed.has(purchaseId) && locked);
        const member = toMember(locked);
        const [state] = await statesFrom(trx, [{ ...item, member, wallet: walletFactsOf(locked) }], reads);
        const { evaluation } = evaluateWith(rc, state!.rules, member, state!.ledger, input, occurredAt, now);
        const plan = planPurchase({ programId: s.programId, settings: program.settings, rc, purchaseId, occurredAt, now, newId: s.ctx.newId }, input, member, state!.ledger, { evaluation, rules: state!.rules });
        await writePurchases(trx, { programId: s.programId, at: now, plans: [plan] });
        return plan;
      });
    }

    async function assertWritten(plan: PurchasePlan, before: { balance: number; purchaseCount: number }): Promise<void> {
      const db = s.database.db;
      const memberId = plan.memberId;
      const rows = async (query: ReturnType<typeof sql<Record<string, unknown>>>) => (await query.execute(db)).rows;
      const now = plan.purchase.at;
      // Lots the plan opened.
      const lots = await rows(sql`select lot_id, amount, remaining, available_at, expires_at, purchase_id, created_at from lots where member_id = ${memberId} and created_at = ${now} order by lot_id`);
      const byLot = (id: string) => plan.entries.filter((e) => e.lotId === id).reduce((x, e) => x + e.amount, 0);
      assert.deepEqual(
        lots.map((l) => ({ ...l, amount: Number(l.amount), remaining: Number(l.remaining) })),
        [...plan.newLots].sort((a, b) => (a.lotId < b.lotId ? -1 : 1)).map((l) => ({ lot_id: l.lotId, amount: byLot(l.lotId), remaining: byLot(l.lotId), available_at: l.availableAt, expires_at: l.expiresAt, purchase_id: l.purchaseId, created_at: now })),
      );
      const entries = await rows(sql`select entry_id, lot_id, account, kind, amount, purchase_id, return_id, reason, actor, created_at from entries where member_id = ${memberId} and created_at = ${now} order by entry_id`);
      assert.deepEqual(
        entries.map((e) => ({ ...e, amount: Number(e.amount) })),
        [...plan.entries]
          .sort((a, b) => (a.entryId < b.entryId ? -1 : 1))
          .map((e) => ({ entry_id: e.entryId, lot_id: e.lotId, account: e.account, kind: e.kind, amount: e.amount, purchase_id: e.purchaseId ?? null, return_id: e.returnId ?? null, reason: e.reason ?? null, actor: e.actor ?? null, created_at: now })),
      );
      const holds = await rows(sql`select purchase_id, lot_id, amount, expires_at from holds where member_id = ${memberId} and purchase_id = ${plan.purchaseId} order by lot_id`);
      assert.deepEqual(
        holds.map((h) => ({ ...h, amount: Number(h.amount) })),
        [...plan.holds].sort((a, b) => (a.lotId < b.lotId ? -1 : 1)).map((h) => ({ purchase_id: h.purchaseId, lot_id: h.lotId, amount: h.amount, expires_at: h.expiresAt })),
      );
      const effects = await rows(sql`select member_id, purchase_id, seq, campaign_id, coupon_code, block, kind, points, discount, cost, occurred_at from campaign_effects where purchase_id = ${plan.purchaseId} order by seq`);
      assert.deepEqual(
        effects.map((e) => ({ ...e, points: Number(e.points), discount: Number(e.discount), cost: Number(e.cost) })),
        plan.effects.map((e) => ({ member_id: e.memberId, purchase_id: e.purchaseId, seq: e.seq, campaign_id: e.campaignId, coupon_code: e.couponCode, block: e.block, kind: e.kind, points: e.points, discount: e.discount, cost: e.cost, occurred_at: e.occurredAt })),
      );
      for (const u of plan.usage) {
        const [row] = await rows(sql`select uses from campaign_usage where member_id = ${memberId} and campaign_id = ${u.campaignId} and period = ${u.period}`);
        assert.equal(row?.uses, u.uses, `usage of ${u.campaignId} in ${u.period}`);
      }
      const [p] = await rows(sql`select * from purchases where member_id = ${memberId} and purchase_id = ${plan.purchaseId}`);
      const r = plan.purchase;
      assert.deepEqual(
        { ...p, total: Number(p!.total), points_spent: Number(p!.points_spent), points_earned: Number(p!.points_earned), paid_total: Number(p!.paid_total) },
        {
          member_id: r.memberId,
          purchase_id: r.purchaseId,
          program_id: r.programId,
          receipt_id: r.receiptId,
          status: r.status,
          store_id: r.storeId,
          channel: r.channel,
          occurred_at: r.occurredAt,
          total: r.total,
          points_spent: r.pointsSpent,
          points_earned: r.pointsEarned,
          result: JSON.parse(JSON.stringify(r.response)),
          hold_expires_at: r.holdExpiresAt,
          rule_version: r.ruleVersion,
          paid_total: r.paidTotal,
          created_at: r.at,
          updated_at: r.at,
          cancel_reason: null,
          earned_available_at: r.earnedAvailableAt,
          earned_expires_at: r.earnedExpiresAt,
          line_terms: r.lineTerms.map((l) => [l.quantity, l.paid, l.pointsSpent, l.pointsEarned]),
        },
      );
      const uses = await rows(sql`select coupon_use_id, code, series_id, purchase_id, status, created_at, updated_at from coupon_uses where member_id = ${memberId} and purchase_id = ${plan.purchaseId} order by coupon_use_id`);
      assert.deepEqual(
        uses,
        [...plan.couponUses].sort((a, b) => (a.couponUseId < b.couponUseId ? -1 : 1)).map((u) => ({ coupon_use_id: u.couponUseId, code: u.code, series_id: u.seriesId, purchase_id: u.purchaseId, status: u.status, created_at: u.at, updated_at: u.at })),
      );
      const changes = await rows(sql`select change_id, at, from_tier, to_tier, reason from tier_changes where member_id = ${memberId} and change_id = any(${plan.tierChanges.map((t) => t.changeId)}::uuid[]) order by at, change_id`);
      assert.deepEqual(changes, [...plan.tierChanges].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.changeId < b.changeId ? -1 : 1)).map((t) => ({ change_id: t.changeId, at: t.at, from_tier: t.fromTier, to_tier: t.toTier, reason: t.reason })));
      const [w] = await rows(sql`select balance, purchase_count, last_purchase_at, tier_id, tier_since, updated_at from wallets where member_id = ${memberId}`);
      assert.deepEqual(
        { ...w, balance: Number(w!.balance) },
        {
          balance: before.balance + plan.entries.reduce((x, e) => x + e.amount, 0),
          purchase_count: before.purchaseCount + plan.wallet.purchases,
          last_purchase_at: plan.wallet.purchaseAt,
          tier_id: plan.wallet.tier ? plan.wallet.tier.tierId : null,
          tier_since: plan.wallet.tier ? plan.wallet.tier.since : null,
          updated_at: now,
        },
      );
    }

    const walletOf = async (memberId: string) => {
      const { rows } = await sql<{ balance: string | number; purchase_count: number }>`select balance, purchase_count from wallets where member_id = ${memberId}`.execute(s.database.db);
      return { balance: Number(rows[0]!.balance), purchaseCount: rows[0]!.purchase_count };
    };

    test('a purchase that spends, earns with campaigns and upgrades the tier; then a two-phase one that holds', async () => {
      const member = await enrol(s);
      await credit(s, member, 400);
      s.clock.advance(STEP);
      const before1 = await walletOf(member);
      const lines = [line('TV', 1, 15_000), line('MILK', 2, 100, { category: 'food' }), line('B', 1, 500)];
      const one = await planAndWrite({ receiptId: `W-${kind}-1`, memberId: member, total: totalOf(lines), lines, pointsToSpend: 300, storeId: 'store-1', channel: 'pos' });
      assert.ok(one.entries.some((e) => e.kind === 'redeem') && one.newLots.length === 1 && one.effects.length >= 3 && one.usage.length === 1 && one.tierChanges.length === 1, 'the plan spends, earns, has effects, usage and a tier change');
      await assertWritten(one, before1);

      s.clock.advance(STEP);
      const before2 = await walletOf(member);
      const held = [line('A', 1, 2_000)];
      const two = await planAndWrite({ receiptId: `W-${kind}-2`, memberId: member, total: totalOf(held), lines: held, pointsToSpend: 500, twoPhase: true, coupons: ['WELCOME'] });
      assert.ok(two.holds.length >= 2 && two.entries.length === 0 && two.couponUses.length === 1, 'the plan holds points of more than one lot, posts nothing and holds a coupon use');
      await assertWritten(two, before2);
      // What was written reads back as the plan's answer.
      const got = await s.request('GET', `/v1/purchases/${two.purchaseId}`);
      assert.equal(got.status, 200, JSON.stringify(got.body));
      assert.deepEqual([got.body.status, got.body.pointsSpent, got.body.holdExpiresAt], ['held', 500, two.purchase.holdExpiresAt!.toISOString()]);
      await s.assertBooksBalance();
    });
  });
}
