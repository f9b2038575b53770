import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors.js';
import { applyMovements, availableAt, heldByLot, pendingOf, type Hold, type Lot } from '../../src/domain/ledger.js';
import { planPurchase, type MemberLedger, type PlanContext, type PurchasePlan } from '../../src/domain/purchase-plan.js';
import { evaluatePurchase, type PurchaseEvaluation } from '../../src/domain/purchase.js';
import { noRuleState, ruleStateOf, tierStepOf, type MemberRuleState, type RulesContext, type TierStep } from '../../src/domain/purchase-rules.js';
import type { PurchaseInput } from '../../src/domain/purchase-types.js';
import type { CompiledRules } from '../../src/domain/rules/compile.js';
import { DEFAULT_SETTINGS, type ProgramSettings } from '../../src/domain/settings.js';
import { decideTier } from '../../src/domain/tiers.js';
import { campaign, NOW, rules, tier } from '../support/rules.js';

// Properties of the purchase plan (domain/purchase-plan.ts) over random member states and receipts:
// the plan moves exactly the points the evaluation decided, never overdraws a lot, is refused exactly
// when the spend is more than is spendable, and its record, wallet move, answer and events agree.

const DAY = 86_400_000;
const MINUTE = 60_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

type LotKind = 'available' | 'pending' | 'expired' | 'debt';

/** A lot of one kind relative to NOW (boundaries included: available from exactly now, expired at exactly now). */
const lotArb = (kind: LotKind) => {
  switch (kind) {
    case 'available':
      return fc.record({
        remaining: fc.integer({ min: 1, max: 600 }),
        availableAt: fc.integer({ min: 0, max: 200 }).map((d) => at(-d * DAY)),
        expiresAt: fc.option(fc.integer({ min: 1, max: 400 * 24 }).map((h) => at(h * 3_600_000)), { nil: null }),
      });
    case 'pending':
      return fc.record({
        remaining: fc.integer({ min: 1, max: 600 }),
        availableAt: fc.integer({ min: 1, max: 14 * 24 }).map((h) => at(h * 3_600_000)),
        expiresAt: fc.constant(null as Date | null),
      });
    case 'expired':
      return fc.record({
        remaining: fc.integer({ min: 1, max: 600 }),
        availableAt: fc.constant(at(-400 * DAY)),
        expiresAt: fc.integer({ min: 0, max: 30 * 24 }).map((h) => at(-h * 3_600_000) as Date | null),
      });
    case 'debt':
      return fc.record({
        remaining: fc.integer({ min: 1, max: 300 }).map((n) => -n),
        availableAt: fc.integer({ min: 1, max: 300 }).map((d) => at(-d * DAY)),
        expiresAt: fc.constant(null as Date | null),
      });
  }
};

/** A member's open lots and holds: holds in force reserve at most what their lot has; lapsed holds are any size. */
const ledgerArb: fc.Arbitrary<MemberLedger> = fc
  .array(fc.constantFrom<LotKind>('available', 'available', 'pending', 'expired', 'debt').chain((k) => lotArb(k).map((l) => ({ kind: k, ...l }))), { maxLength: 7 })
  .chain((raw) => {
    const lots = raw.map((l, i) => ({ lotId: `lot-${i}`, remaining: l.remaining, availableAt: l.availableAt, expiresAt: l.expiresAt, purchaseId: null, kind: l.kind }));
    const holdArbs = lots
      .filter((l) => l.kind === 'available')
      .map((l) =>
        fc.record({
          inForce: fc.option(fc.record({ share: fc.double({ min: 0, max: 1, noNaN: true }), minutes: fc.integer({ min: 1, max: 30 }) }), { nil: null }),
          lapsed: fc.option(fc.record({ amount: fc.integer({ min: 1, max: l.remaining }), minutes: fc.integer({ min: 0, max: 60 }) }), { nil: null }),
        }).map((h) => {
          const holds: (Hold & { purchaseId: string })[] = [];
          const amount = h.inForce ? Math.floor(l.remaining * h.inForce.share) : 0;
          if (h.inForce && amount > 0) holds.push({ purchaseId: `held-${l.lotId}`, lotId: l.lotId, amount, expiresAt: at(h.inForce.minutes * MINUTE) });
          if (h.lapsed) holds.push({ purchaseId: `lapsed-${l.lotId}`, lotId: l.lotId, amount: h.lapsed.amount, expiresAt: at(-h.lapsed.minutes * MINUTE) });
          return holds;
        }),
      );
    return fc.tuple(...holdArbs).map((hs) => ({ lots: lots.map(({ kind: _k, ...l }) => l), holds: hs.flat() }));
  });

const lineArb = fc.record({
  sku: fc.constantFrom('A', 'B', 'C'),
  category: fc.constantFrom('food', 'drink'),
  quantity: fc.integer({ min: 1, max: 3 }),
  price: fc.integer({ min: 1, max: 300_000 }),
});

const settingsArb: fc.Arbitrary<ProgramSettings> = fc
  .record({ pendingDays: fc.constantFrom(0, 14), maxRedeemPercent: fc.constantFrom(0, 30, 50, 100) })
  .map((s) => ({ ...DEFAULT_SETTINGS, ...s }));

/** Silver from 10 000 ₽ spent in the year (points ×1.5), gold from 20 000 ₽ (5 % off). */
const TIERS = [tier('silver', 1, { benefits: { earnMultiplier: 1.5, discountPercent: 0, perks: [] } }), tier('gold', 2, { benefits: { earnMultiplier: 1, discountPercent: 5, perks: [] } })];
const rankOf = (id: string | null) => (id === null ? 0 : TIERS.find((t) => t.id === id)!.rank);
const qualifiedBy = (spend: number) => [...TIERS].reverse().find((t) => spend >= t.qualification.min)?.id ?? null;

/** The empty rule set, or three campaigns (a bonus once a month per member, points ×2 on food, 10 % off B) and the tiers. */
const compiledFor = (withCampaigns: boolean, settings: ProgramSettings): CompiledRules =>
  rules(
    withCampaigns
      ? [
          campaign('bonus', { effects: [{ kind: 'points_fixed', points: 25 }], limits: { perMember: { count: 1, period: 'month' } } }),
          campaign('double', { effects: [{ kind: 'points_multiplier', multiplier: 2, lines: { categories: ['food'] } }] }),
          campaign('off', { effects: [{ kind: 'discount_percent', percent: 10, lines: { skus: ['B'] } }] }),
        ]
      : [],
    { settings, ...(withCampaigns ? { tiers: TIERS } : {}) },
  );

interface Case {
  ledger: MemberLedger;
  settings: ProgramSettings;
  withCampaigns: boolean;
  bonusUsed: number;
  /** The wallet's tier and the spend counted towards tiers so far (with campaigns only). */
  tier: { walletTierId: string | null; spend: number };
  lines: { sku: string; category: string; quantity: number; price: number }[];
  spend: { how: 'within' | 'beyond' | 'any'; n: number };
  twoPhase: boolean;
  occurredBefore: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  ledger: ledgerArb,
  settings: settingsArb,
  withCampaigns: fc.boolean(),
  bonusUsed: fc.constantFrom(0, 1),
  tier: fc.record({ walletTierId: fc.constantFrom(null, 'silver'), spend: fc.integer({ min: 0, max: 2_500_000 }) }),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
  spend: fc.record({ how: fc.constantFrom<'within' | 'beyond' | 'any'>('within', 'beyond', 'any'), n: fc.integer({ min: 0, max: 2_000 }) }),
  twoPhase: fc.boolean(),
  occurredBefore: fc.constantFrom(0, 0, 3 * 3_600_000),
});

const MEMBER = 'member-1';

interface Built {
  input: PurchaseInput;
  pc: PlanContext;
  rc: RulesContext;
  rules: MemberRuleState;
  tier: TierStep | null;
  available: number;
  /** How many ids the plan has taken. */
  idsTaken: () => number;
}

function build(c: Case): Built {
  const available = availableAt(c.ledger.lots, c.ledger.holds, NOW);
  const pointsToSpend = c.spend.how === 'within' ? Math.min(c.spend.n, Math.max(available, 0)) : c.spend.how === 'beyond' ? Math.max(available, 0) + 1 + (c.spend.n % 50) : c.spend.n;
  const lines = c.lines.map((l) => ({ ...l }));
  const input: PurchaseInput = {
    receiptId: 'R-1',
    memberId: MEMBER,
    total: lines.reduce((s, l) => s + l.price * l.quantity, 0),
    lines,
    pointsToSpend,
    twoPhase: c.twoPhase,
    storeId: 'store-1',
    channel: 'pos',
  };
  const compiled = compiledFor(c.withCampaigns, c.settings);
  const rc: RulesContext = { version: c.withCampaigns ? 3 : null, compiled, budgets: {}, codes: [] };
  const occurredAt = at(-c.occurredBefore);
  const place = { storeId: 'store-1', channel: 'pos' };
  let tierStep: TierStep | null = null;
  if (c.withCampaigns) {
    const totals = { current: { spend: c.tier.spend, purchases: 4, points: 0 }, review: null };
    const state = { tierId: c.tier.walletTierId, since: c.tier.walletTierId ? at(-10 * DAY) : null };
    const before = decideTier(compiled.tierList, compiled.tierPolicy!, state, totals, occurredAt, c.settings.timeZone);
    tierStep = tierStepOf(compiled, c.tier.walletTierId, [], before, totals, []);
  }
  const ruleState = c.withCampaigns
    ? ruleStateOf(
        rc,
        { memberId: MEMBER, attributes: {}, birthday: null, createdAt: at(-500 * DAY) },
        { purchaseCount: 4, firstPurchaseAt: at(-100 * DAY), lastPurchaseAt: at(-2 * DAY), tierId: c.tier.walletTierId, tierSince: c.tier.walletTierId ? at(-10 * DAY) : null },
        { usage: { bonus: c.bonusUsed }, seriesUses: new Map(), segmentIds: [], tier: tierStep },
        place,
        occurredAt,
      )
    : noRuleState(place);
  let n = 0;
  const pc: PlanContext = { programId: 'program-1', settings: c.settings, rc, purchaseId: 'purchase-1', occurredAt, now: NOW, newId: () => `id-${++n}` };
  return { input, pc, rc, rules: ruleState, tier: tierStep, available, idsTaken: () => n };
}

/** As the app evaluates (app/purchases/evaluate.ts evaluateWith): the member's spendable balance from the loaded lots. */
const evaluate = (b: Built, c: Case, claimed: number = b.available): PurchaseEvaluation =>
  evaluatePurchase(b.rc.compiled, {
    receipt: { total: b.input.total, lines: b.input.lines },
    member: { status: 'active', available: claimed, pending: () => pendingOf(c.ledger.lots, NOW) },
    facts: b.rules.facts,
    pointsToSpend: b.input.pointsToSpend ?? 0,
    occurredAt: b.pc.occurredAt,
  });

const plan = (b: Built, c: Case, evaluation: PurchaseEvaluation): PurchasePlan =>
  planPurchase(b.pc, b.input, { memberId: MEMBER, status: 'active' }, c.ledger, { evaluation, rules: b.rules });

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

/** The lots after the plan, by id (emptied lots at 0). */
function lotsAfter(c: Case, p: PurchasePlan): Map<string, Lot> {
  const created = p.newLots.map((l) => ({ lotId: l.lotId, remaining: 0, availableAt: l.availableAt, expiresAt: l.expiresAt }));
  const after = applyMovements(c.ledger.lots, created, p.entries);
  const byId = new Map<string, Lot>([...c.ledger.lots, ...created].map((l) => [l.lotId, { ...l, remaining: 0 }]));
  for (const l of after) byId.set(l.lotId, l);
  return byId;
}

const RUNS = { numRuns: 400, includeErrorInReport: true };

describe('planPurchase: properties over random member states and receipts', () => {
  test('conservation: the entries move the book balance by what the evaluation spends and earns', () => {
    // The generators must reach the interesting cases, or the property says little.
    const seen = { spent: 0, held: 0, debtPaid: 0, campaigns: 0 };
    fc.assert(
      fc.property(caseArb, (c) => {
        const b = build(c);
        let evaluation: PurchaseEvaluation;
        try {
          evaluation = evaluate(b, c);
        } catch {
          return; // refusals are the next property's
        }
        const p = plan(b, c, evaluation);
        const after = lotsAfter(c, p);
        const bookBefore = sum(c.ledger.lots.map((l) => l.remaining));
        const bookAfter = sum([...after.values()].map((l) => l.remaining));
        assert.equal(sum(p.entries.map((e) => e.amount)), bookAfter - bookBefore);
        const redeemed = sum(p.entries.filter((e) => e.kind === 'redeem').map((e) => -e.amount));
        const earned = sum(p.entries.filter((e) => e.kind === 'earn').map((e) => e.amount));
        assert.ok(p.entries.every((e) => (e.kind === 'redeem' && e.account === 'redeemed' && e.amount < 0) || (e.kind === 'earn' && e.account === 'issued' && e.amount > 0)));
        assert.ok(p.entries.every((e) => e.purchaseId === b.pc.purchaseId));
        if (c.twoPhase) {
          assert.deepEqual(p.entries, [], 'a two-phase purchase posts nothing until it is confirmed');
          assert.deepEqual(p.newLots, []);
          assert.equal(sum(p.holds.map((h) => h.amount)), evaluation.pointsSpent);
          assert.equal(bookAfter, bookBefore);
          if (p.holds.length > 0) seen.held++;
        } else {
          assert.deepEqual(p.holds, []);
          assert.equal(redeemed, evaluation.pointsSpent);
          assert.equal(earned, evaluation.pointsEarned);
          assert.equal(bookAfter - bookBefore, evaluation.pointsEarned - evaluation.pointsSpent);
          // Debt is paid off first; only the rest opens a lot, with the evaluation's dates.
          const debt = sum(c.ledger.lots.filter((l) => l.remaining < 0).map((l) => -l.remaining));
          const toDebt = sum(p.entries.filter((e) => e.kind === 'earn' && c.ledger.lots.some((l) => l.lotId === e.lotId)).map((e) => e.amount));
          assert.equal(toDebt, Math.min(debt, evaluation.pointsEarned));
          if (toDebt > 0) seen.debtPaid++;
          if (redeemed > 0) seen.spent++;
          assert.equal(p.newLots.length, evaluation.pointsEarned > debt ? 1 : 0);
          for (const l of p.newLots) {
            assert.deepEqual([l.availableAt, l.expiresAt, l.purchaseId], [evaluation.earnedAvailableAt, evaluation.earnedExpiresAt, b.pc.purchaseId]);
          }
        }
        if (evaluation.effects.length > 0) seen.campaigns++;
      }),
      RUNS,
    );
    assert.ok(seen.spent > 10 && seen.held > 10 && seen.debtPaid > 10 && seen.campaigns > 10, JSON.stringify(seen));
  });

  test('no lot is overdrawn, only spendable lots are spent, and holds never reserve more of a lot than it has', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const b = build(c);
        let evaluation: PurchaseEvaluation;
        try {
          evaluation = evaluate(b, c);
        } catch {
          return;
        }
        const p = plan(b, c, evaluation);
        const after = lotsAfter(c, p);
        for (const l of c.ledger.lots) {
          const a = after.get(l.lotId)!;
          if (l.remaining > 0) assert.ok(a.remaining >= 0, `lot ${l.lotId} overdrawn: ${l.remaining} → ${a.remaining}`);
          if (l.remaining < 0) assert.ok(a.remaining <= 0 && a.remaining >= l.remaining, `debt lot ${l.lotId} paid past zero: ${l.remaining} → ${a.remaining}`);
        }
        const spendable = (id: string) => {
          const l = c.ledger.lots.find((x) => x.lotId === id)!;
          return l.remaining > 0 && l.availableAt.getTime() <= NOW.getTime() && (l.expiresAt === null || l.expiresAt.getTime() > NOW.getTime());
        };
        for (const e of p.entries.filter((x) => x.kind === 'redeem')) assert.ok(spendable(e.lotId), `spent from lot ${e.lotId}, which cannot be spent now`);
        for (const h of p.holds) {
          assert.ok(spendable(h.lotId), `held lot ${h.lotId}, which cannot be spent now`);
          assert.ok(h.amount > 0);
          assert.equal(h.purchaseId, b.pc.purchaseId);
          assert.equal(h.expiresAt.getTime(), NOW.getTime() + c.settings.holdTimeoutMinutes * MINUTE);
        }
        // What holds in force reserve, now and just before the new holds lapse, never exceeds the lot.
        for (const when of [NOW, new Date(NOW.getTime() + c.settings.holdTimeoutMinutes * MINUTE - 1)]) {
          for (const [lotId, held] of heldByLot([...c.ledger.holds, ...p.holds], when)) {
            assert.ok(held <= after.get(lotId)!.remaining, `lot ${lotId}: ${held} held of ${after.get(lotId)!.remaining}`);
          }
        }
      }),
      RUNS,
    );
  });

  test('refused with INSUFFICIENT_POINTS exactly when the spend is more than availableAt says is spendable, planning nothing', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const b = build(c);
        const spend = b.input.pointsToSpend ?? 0;
        // A member in debt (available < 0 = minRedeemBalance) is told that instead: held apart below.
        fc.pre(b.available >= c.settings.minRedeemBalance);
        let outcome: PurchasePlan | DomainError;
        try {
          outcome = plan(b, c, evaluate(b, c));
        } catch (err) {
          assert.ok(err instanceof DomainError, String(err));
          outcome = err;
        }
        if (spend > b.available) {
          assert.ok(outcome instanceof DomainError && outcome.code === 'INSUFFICIENT_POINTS', `spend ${spend} of ${b.available}: ${String(outcome)}`);
          assert.equal(b.idsTaken(), 0, 'nothing planned');
        } else if (outcome instanceof DomainError) {
          assert.equal(outcome.code, 'REDEEM_LIMIT_EXCEEDED', `spend ${spend} of ${b.available}: ${outcome.code}`);
        }
      }),
      RUNS,
    );
  });

  test('the plan itself refuses a spend the lots cannot pay (an evaluation made on a stale balance)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const b = build(c);
        const spend = b.input.pointsToSpend ?? 0;
        let evaluation: PurchaseEvaluation;
        try {
          evaluation = evaluate(b, c, 1_000_000);
        } catch {
          return; // more than the receipt allows
        }
        let outcome: PurchasePlan | DomainError;
        try {
          outcome = plan(b, c, evaluation);
        } catch (err) {
          assert.ok(err instanceof DomainError, String(err));
          outcome = err;
        }
        if (spend > 0 && spend > b.available) {
          assert.ok(outcome instanceof DomainError && outcome.code === 'INSUFFICIENT_POINTS', `spend ${spend} of ${b.available}`);
          assert.equal(b.idsTaken(), 0, 'nothing planned');
        } else {
          assert.ok(!(outcome instanceof DomainError), `spend ${spend} of ${b.available}: ${String(outcome)}`);
        }
      }),
      RUNS,
    );
  });

  test('a member in debt may buy without spending, and is refused any spend', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const b = build(c);
        fc.pre(b.available < 0);
        const spend = b.input.pointsToSpend ?? 0;
        let outcome: PurchasePlan | DomainError;
        try {
          outcome = plan(b, c, evaluate(b, c));
        } catch (err) {
          assert.ok(err instanceof DomainError, String(err));
          outcome = err;
        }
        if (spend === 0) assert.ok(!(outcome instanceof DomainError), String(outcome));
        else assert.ok(outcome instanceof DomainError && outcome.code === 'BELOW_MIN_REDEEM_BALANCE', String(outcome));
      }),
      { numRuns: 200, includeErrorInReport: true },
    );
  });

  test('the answer, the record, the wallet move, the tier, the ids and the events agree with the plan', () => {
    const seen = { upgrades: 0 };
    fc.assert(
      fc.property(caseArb, (c) => {
        const b = build(c);
        let evaluation: PurchaseEvaluation;
        try {
          evaluation = evaluate(b, c);
        } catch {
          return;
        }
        const p = plan(b, c, evaluation);
        const { result: r, purchase: rec } = p;
        const after = [...lotsAfter(c, p).values()].filter((l) => l.remaining !== 0);
        assert.equal(r.balanceBefore, b.available);
        assert.equal(r.balanceAfter, availableAt(after, [...c.ledger.holds, ...p.holds], NOW));
        assert.equal(r.status, c.twoPhase ? 'held' : 'completed');
        assert.deepEqual([r.pointsSpent, r.pointsEarned, r.paidTotal, r.purchaseId, r.memberId], [evaluation.pointsSpent, evaluation.pointsEarned, evaluation.paidTotal, b.pc.purchaseId, MEMBER]);

        assert.equal(rec.status, r.status);
        assert.equal(rec.pointsSpent, r.pointsSpent);
        assert.equal(rec.pointsEarned, c.twoPhase ? 0 : r.pointsEarned, 'a held purchase has earned nothing yet');
        assert.equal(rec.paidTotal, r.paidTotal);
        assert.equal(rec.holdExpiresAt?.toISOString() ?? null, r.holdExpiresAt);
        assert.equal(rec.holdExpiresAt === null, !c.twoPhase);
        assert.equal(rec.response, r);
        assert.deepEqual([rec.memberId, rec.purchaseId, rec.receiptId, rec.total, rec.ruleVersion, rec.occurredAt, rec.at], [MEMBER, b.pc.purchaseId, 'R-1', b.input.total, r.ruleVersion, b.pc.occurredAt, NOW]);
        assert.deepEqual({ ...p.wallet, tier: undefined }, { purchases: 1, purchaseAt: b.pc.occurredAt, tier: undefined });

        // Tiers: the purchase is evaluated with the tier held before it; one-phase, it upgrades when its
        // money carries the member over the next tier's threshold; held, it counts only once confirmed.
        if (b.tier) {
          const before = b.tier.before.tierId;
          assert.equal(evaluation.tier?.id ?? null, before);
          const qualified = qualifiedBy(c.tier.spend + evaluation.paidTotal);
          const expected = !c.twoPhase && rankOf(qualified) > rankOf(before) ? qualified : before;
          assert.equal(p.wallet.tier?.tierId, expected);
          let from = c.tier.walletTierId;
          for (const t of p.tierChanges) {
            assert.equal(t.fromTier, from);
            assert.notEqual(t.toTier, t.fromTier);
            from = t.toTier;
          }
          assert.equal(from, expected, 'the changes lead from the wallet tier to the new one');
          if (!c.twoPhase && expected !== before) seen.upgrades++;
        } else {
          assert.equal(p.wallet.tier, undefined);
          assert.deepEqual(p.tierChanges, []);
        }
        assert.deepEqual(
          p.events.filter((e) => e.type === 'tier.changed').map((e) => e.data),
          p.tierChanges.map((t) => ({ from: t.fromTier, to: t.toTier, reason: t.reason, at: t.at.toISOString() })),
        );

        assert.equal(p.effects.length, evaluation.effects.length);
        assert.deepEqual(
          p.usage.map((u) => [u.campaignId, u.uses]),
          evaluation.applied.includes('bonus') ? [['bonus', 1]] : [],
        );
        assert.deepEqual(r.usage, p.usage.map((u) => ({ campaignId: u.campaignId, period: u.period })));

        const ids = [p.purchaseId, ...p.newLots.map((l) => l.lotId), ...p.entries.map((e) => e.entryId), ...p.couponUses.map((u) => u.couponUseId), ...p.tierChanges.map((t) => t.changeId), ...p.budgetWarnings.map((w) => w.auditId), ...p.events.map((e) => e.eventId)];
        assert.equal(new Set(ids).size, ids.length, `ids repeat: ${ids.join(' ')}`);
        assert.ok(p.newLots.every((l) => !c.ledger.lots.some((o) => o.lotId === l.lotId)));

        const count = (type: string) => p.events.filter((e) => e.type === type).length;
        assert.equal(count('purchase.completed') + count('purchase.held'), 1);
        assert.equal(count(c.twoPhase ? 'purchase.held' : 'purchase.completed'), 1);
        assert.equal(count('points.earned'), !c.twoPhase && evaluation.pointsEarned > 0 ? 1 : 0);
        for (const e of p.events) {
          assert.equal(e.purchaseId, b.pc.purchaseId);
          if (e.type === 'points.earned') assert.equal(e.data.points, evaluation.pointsEarned);
          if (e.type === 'purchase.completed' || e.type === 'purchase.held') {
            assert.deepEqual(e.data, { receiptId: 'R-1', total: b.input.total, paidTotal: r.paidTotal, pointsSpent: r.pointsSpent, pointsEarned: r.pointsEarned });
          }
        }
      }),
      RUNS,
    );
    assert.ok(seen.upgrades > 5, `purchases that upgrade: ${seen.upgrades}`);
  });
});
