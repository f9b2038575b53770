import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyMovements, availableAt, heldByLot, type Hold } from '../../src/domain/ledger.js';
import { planCancel, planConfirm, planMemberReturn, type PurchaseChange, type PurchaseCouponUse, type PurchaseTerms } from '../../src/domain/purchase-changes.js';
import type { MemberLedger } from '../../src/domain/purchase-plan.js';
import type { EffectRow } from '../../src/domain/purchase-rules.js';
import type { PurchaseResult } from '../../src/domain/purchase-types.js';
import type { LineTerms } from '../../src/domain/returns.js';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.js';
import { NOW } from '../support/rules.js';

// Properties of the plans of what becomes of a purchase after create (domain/purchase-changes.ts):
// over random member ledgers and purchase terms, the entries move the book balance by exactly
// what the plan says it moved, no lot is overdrawn (nor a hold's reservation taken), and what a
// cancel reverses nets what the purchase counted to zero.

const DAY = 86_400_000;
const MINUTE = 60_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const PURCHASE = 'purchase-1';
const MEMBER = 'member-1';

const counter = () => {
  let n = 0;
  return () => `id-${++n}`;
};

const lineArb: fc.Arbitrary<LineTerms> = fc.record({
  quantity: fc.integer({ min: 1, max: 5 }),
  paid: fc.integer({ min: 0, max: 50_000 }),
  pointsSpent: fc.integer({ min: 0, max: 400 }),
  pointsEarned: fc.integer({ min: 0, max: 300 }),
});

/** Other lots of the member: spendable, pending, expired or debt; some partly held by other purchases. */
const otherLotsArb = fc.array(
  fc.record({
    kind: fc.constantFrom('available', 'available', 'pending', 'expired', 'debt'),
    remaining: fc.integer({ min: 1, max: 500 }),
    heldShare: fc.constantFrom(0, 0, 0.5, 1),
    expiresInDays: fc.option(fc.integer({ min: 1, max: 300 }), { nil: null }),
  }),
  { maxLength: 5 },
);

function ledgerOf(raw: { kind: string; remaining: number; heldShare: number; expiresInDays: number | null }[]): MemberLedger {
  const lots: MemberLedger['lots'] = [];
  const holds: MemberLedger['holds'] = [];
  raw.forEach((r, i) => {
    const lotId = `lot-${i}`;
    if (r.kind === 'debt') lots.push({ lotId, remaining: -r.remaining, availableAt: at(-10 * DAY), expiresAt: null, purchaseId: null });
    else if (r.kind === 'pending') lots.push({ lotId, remaining: r.remaining, availableAt: at(3 * DAY), expiresAt: null, purchaseId: null });
    else if (r.kind === 'expired') lots.push({ lotId, remaining: r.remaining, availableAt: at(-400 * DAY), expiresAt: at(-DAY), purchaseId: null });
    else {
      lots.push({ lotId, remaining: r.remaining, availableAt: at(-5 * DAY), expiresAt: r.expiresInDays === null ? null : at(r.expiresInDays * DAY), purchaseId: null });
      const held = Math.floor(r.remaining * r.heldShare);
      if (held > 0) holds.push({ purchaseId: `other-${i}`, lotId, amount: held, expiresAt: at(10 * MINUTE) });
    }
  });
  return { lots, holds };
}

const terms = (status: PurchaseTerms['status'], lineTerms: LineTerms[], pointsSpent: number): PurchaseTerms => ({
  memberId: MEMBER,
  purchaseId: PURCHASE,
  status,
  occurredAt: at(-MINUTE),
  pointsSpent,
  earnedAvailableAt: at(14 * DAY),
  earnedExpiresAt: at(379 * DAY),
  lineTerms,
});

/** The stored answer: only its shape is carried into the new answer, never its numbers. */
const ANSWER = { purchaseId: PURCHASE, status: 'held', lines: [], pointsEarned: -1 } as unknown as PurchaseResult;

const total = (c: Pick<PurchaseChange, 'entries'>) => c.entries.reduce((s, e) => s + e.amount, 0);

/** No lot ends below what it must keep: a positive lot stays ≥ what holds in force still reserve of it, a debt is paid at most to zero. */
function assertNotOverdrawn(ledger: MemberLedger, plan: Pick<PurchaseChange, 'entries' | 'newLots'>, holdsAfter: readonly Hold[]) {
  const created = plan.newLots.map((l) => ({ lotId: l.lotId, remaining: 0, availableAt: l.availableAt, expiresAt: l.expiresAt }));
  const after = new Map(applyMovements(ledger.lots, created, plan.entries).map((l) => [l.lotId, l]));
  const held = heldByLot(holdsAfter, NOW);
  for (const l of ledger.lots) {
    const remaining = after.get(l.lotId)?.remaining ?? 0;
    if (l.remaining >= 0) assert.ok(remaining >= Math.min(l.remaining, held.get(l.lotId) ?? 0), `lot ${l.lotId} overdrawn: ${l.remaining} → ${remaining}`);
    else assert.ok(remaining <= 0 && remaining >= l.remaining, `debt lot ${l.lotId} moved past zero: ${l.remaining} → ${remaining}`);
  }
}

describe('planConfirm: a held purchase carried out on its terms', () => {
  test('property: the holds become redeem entries of the same lots, the terms earn, and the entries move the balance by exactly that', () => {
    fc.assert(
      fc.property(otherLotsArb, fc.array(lineArb, { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 3 }), (raw, lines, heldAmounts) => {
        const ledger = ledgerOf(raw);
        // The purchase's own holds, each on a lot of its own that has the points.
        heldAmounts.forEach((amount, i) => {
          ledger.lots.push({ lotId: `held-lot-${i}`, remaining: amount, availableAt: at(-DAY), expiresAt: null, purchaseId: null });
          ledger.holds.push({ purchaseId: PURCHASE, lotId: `held-lot-${i}`, amount, expiresAt: at(5 * MINUTE) });
        });
        const spent = heldAmounts.reduce((s, a) => s + a, 0);
        const earned = lines.reduce((s, l) => s + l.pointsEarned, 0);
        const plan = planConfirm({ now: NOW, newId: counter(), settings: DEFAULT_SETTINGS }, terms('held', lines, spent), ledger, [], ANSWER);
        assert.equal(total(plan), earned - spent, 'conservation: the entries sum to what is earned less what was held');
        assert.equal(plan.state!.pointsEarned, earned);
        const created = plan.newLots.map((l) => ({ lotId: l.lotId, remaining: 0, availableAt: l.availableAt, expiresAt: l.expiresAt }));
        const otherHolds = ledger.holds.filter((h) => h.purchaseId !== PURCHASE);
        assert.equal(plan.result.balanceAfter, availableAt(applyMovements(ledger.lots, created, plan.entries), otherHolds, NOW), 'the answer agrees with the entries');
        const redeemed = plan.entries.filter((e) => e.kind === 'redeem');
        assert.deepEqual(
          redeemed.map((e) => [e.lotId, e.amount]),
          ledger.holds.filter((h) => h.purchaseId === PURCHASE).map((h) => [h.lotId, -h.amount]),
        );
        // Earned points pay debt first; the rest is one new lot on the purchase's terms.
        const debt = ledger.lots.reduce((s, l) => s + Math.max(0, -l.remaining), 0);
        const newLot = plan.entries.filter((e) => e.kind === 'earn' && plan.newLots.some((l) => l.lotId === e.lotId)).reduce((s, e) => s + e.amount, 0);
        assert.equal(newLot, Math.max(0, earned - debt));
        for (const l of plan.newLots) assert.deepEqual([l.availableAt, l.expiresAt, l.purchaseId], [at(14 * DAY), at(379 * DAY), PURCHASE]);
        assert.equal(plan.endsHolds, true);
        assertNotOverdrawn(ledger, plan, ledger.holds.filter((h) => h.purchaseId !== PURCHASE));
      }),
      { numRuns: 300 },
    );
  });

  test('its held coupon uses become used, and nothing is given back', () => {
    const uses: PurchaseCouponUse[] = [
      { couponUseId: 'u1', code: 'SPRING', status: 'held' },
      { couponUseId: 'u2', code: 'OLD', status: 'released' },
    ];
    const plan = planConfirm({ now: NOW, newId: counter(), settings: DEFAULT_SETTINGS }, terms('held', [{ quantity: 1, paid: 100, pointsSpent: 0, pointsEarned: 0 }], 0), { lots: [], holds: [] }, uses, ANSWER);
    assert.deepEqual(plan.couponUses, [{ couponUseId: 'u1', code: 'SPRING', status: 'used', givenBack: false }]);
  });
});

describe('planCancel: a held purchase that did not happen', () => {
  const effect = (seq: number, campaignId: string, points: number, cost: number): EffectRow => ({
    memberId: MEMBER,
    purchaseId: PURCHASE,
    seq,
    campaignId,
    couponCode: null,
    block: 'mass',
    kind: 'points_fixed',
    points,
    discount: 0,
    cost,
    occurredAt: at(-MINUTE),
  });

  test('property: no entries, the hold ends, and the reversals net every effect, use and budget charge to zero', () => {
    fc.assert(
      fc.property(otherLotsArb, fc.array(fc.record({ campaign: fc.constantFrom('a', 'b', 'c'), points: fc.integer({ min: 0, max: 100 }), cost: fc.integer({ min: 0, max: 5000 }) }), { maxLength: 5 }), (raw, fx) => {
        const ledger = ledgerOf(raw);
        ledger.lots.push({ lotId: 'held-lot', remaining: 50, availableAt: at(-DAY), expiresAt: null, purchaseId: null });
        ledger.holds.push({ purchaseId: PURCHASE, lotId: 'held-lot', amount: 50, expiresAt: at(5 * MINUTE) });
        const effects = fx.map((e, i) => effect(i, e.campaign, e.points, e.cost));
        const uses = [...new Set(fx.map((e) => e.campaign))].map((campaignId) => ({ campaignId, period: '2024-03' }));
        const couponUses: PurchaseCouponUse[] = [{ couponUseId: 'u1', code: 'SPRING', status: 'held' }];
        const plan = planCancel({ now: NOW, newId: counter() }, terms('held', [], 50), ledger, { counts: { uses, effects }, couponUses }, 'cancel', ANSWER);
        assert.deepEqual([plan.entries, plan.newLots], [[], []]);
        assert.equal(plan.endsHolds, true);
        assert.equal(plan.result.balanceAfter, availableAt(ledger.lots, ledger.holds.filter((h) => h.purchaseId !== PURCHASE), NOW), 'the held points are free again');
        assert.equal(plan.wallet.purchases, -1);
        const all = [...effects, ...plan.reversals.effects];
        for (const key of ['points', 'discount', 'cost'] as const) assert.equal(all.reduce((s, e) => s + e[key], 0), 0, `${key} net to zero`);
        assert.deepEqual(plan.reversals.effects.map((e) => e.seq), effects.map((e) => -1 - e.seq));
        assert.deepEqual(plan.reversals.usage.map((u) => [u.campaignId, u.uses]), uses.map((u) => [u.campaignId, -1]));
        for (const b of plan.reversals.budgets) {
          const of = effects.filter((e) => e.campaignId === b.campaignId);
          assert.deepEqual([b.points, b.money], [of.reduce((s, e) => s + e.points, 0), of.reduce((s, e) => s + e.cost, 0)]);
        }
        assert.deepEqual(plan.couponUses, [{ couponUseId: 'u1', code: 'SPRING', status: 'released', givenBack: true }]);
        assert.deepEqual([plan.state!.status, plan.state!.cancelReason, plan.state!.pointsSpent], ['cancelled', 'cancel', 0]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('planMemberReturn: what a return moves on the ledger', () => {
  const returnArb = fc
    .record({
      raw: otherLotsArb,
      lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
      // How much of the purchase's own lot is left (the member may have spent it), and how much of each line is returned before and now.
      ownLeft: fc.double({ min: 0, max: 1, noNaN: true }),
      before: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
      now: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
      policy: fc.constantFrom<'negative_balance' | 'withhold_from_refund'>('negative_balance', 'withhold_from_refund'),
    })
    .filter((c) => c.lines.some((l, i) => Math.floor((l.quantity - Math.floor(l.quantity * c.before[i]!)) * c.now[i]!) > 0));

  test('property: entries sum to restored − clawed back − owed, the clawback is settled in full, and no lot is overdrawn', () => {
    fc.assert(
      fc.property(returnArb, (c) => {
        const ledger = ledgerOf(c.raw);
        const earned = c.lines.reduce((s, l) => s + l.pointsEarned, 0);
        const own = Math.floor(earned * c.ownLeft);
        if (own > 0) ledger.lots.push({ lotId: 'own-lot', remaining: own, availableAt: at(2 * DAY), expiresAt: null, purchaseId: PURCHASE });
        const returnedBefore = new Map(c.lines.map((l, i) => [i, Math.floor(l.quantity * c.before[i]!)]));
        const request = c.lines
          .map((l, i) => ({ line: i, quantity: Math.floor((l.quantity - returnedBefore.get(i)!) * c.now[i]!) }))
          .filter((r) => r.quantity > 0);
        const settings = { ...DEFAULT_SETTINGS, clawbackPolicy: c.policy };
        const plan = planMemberReturn(
          { returnId: 'return-1', now: NOW, newId: counter(), settings },
          MEMBER,
          { purchaseId: PURCHASE, status: 'completed', lineTerms: c.lines, returnedBefore, request },
          ledger,
          [],
        );
        const r = plan.result;
        assert.equal(total(plan), r.pointsRestored - r.pointsClawedBack - r.pointsOwed, 'conservation');
        assert.equal(r.pointsClawedBack + r.pointsWithheld + r.pointsOwed, r.lines.reduce((s, l) => s + l.pointsToClawBack, 0), 'every point earned on the goods is settled');
        assert.equal(r.pointsRestored, r.lines.reduce((s, l) => s + l.pointsToRestore, 0));
        assert.equal(r.refundDue + r.refundWithheld, r.refund);
        assert.ok(r.refundWithheld <= r.refund);
        if (c.policy === 'negative_balance') assert.equal(r.pointsWithheld, 0);
        assert.deepEqual(plan.returned!.lines, request.map((q) => ({ line: q.line, quantity: q.quantity })));
        assertNotOverdrawn(ledger, plan, ledger.holds);
        // The purchase's own lot is taken first, pending or not.
        const fromOwn = plan.entries.filter((e) => e.lotId === 'own-lot').reduce((s, e) => s - e.amount, 0);
        const clawed = r.lines.reduce((s, l) => s + l.pointsToClawBack, 0);
        assert.equal(fromOwn, Math.min(own, clawed));
      }),
      { numRuns: 300 },
    );
  });

  test('a purchase that is not complete cannot be returned', () => {
    const ask = { purchaseId: PURCHASE, status: 'held' as const, lineTerms: [{ quantity: 1, paid: 100, pointsSpent: 0, pointsEarned: 0 }], returnedBefore: new Map(), request: [{ line: 0, quantity: 1 }] };
    assert.throws(
      () => planMemberReturn({ returnId: 'r', now: NOW, newId: counter(), settings: DEFAULT_SETTINGS }, MEMBER, ask, { lots: [], holds: [] }, []),
      (e: Error & { code?: string }) => e.code === 'PURCHASE_NOT_RETURNABLE',
    );
  });

  test('returned in full, the used coupon uses are given back when the program says so', () => {
    const uses: PurchaseCouponUse[] = [{ couponUseId: 'u1', code: 'SPRING', status: 'used' }];
    const lineTerms = [{ quantity: 2, paid: 100, pointsSpent: 0, pointsEarned: 0 }];
    const plan = (before: number, quantity: number, back: boolean) =>
      planMemberReturn(
        { returnId: 'r', now: NOW, newId: counter(), settings: { ...DEFAULT_SETTINGS, couponUseBackOnReturn: back } },
        MEMBER,
        { purchaseId: PURCHASE, status: 'completed', lineTerms, returnedBefore: new Map([[0, before]]), request: [{ line: 0, quantity }] },
        { lots: [], holds: [] },
        uses,
      ).couponUses;
    const givenBack = [{ couponUseId: 'u1', code: 'SPRING', status: 'returned', givenBack: true }];
    assert.deepEqual(plan(0, 2, true), givenBack);
    assert.deepEqual(plan(1, 1, true), givenBack, 'the last unit completes the return');
    assert.deepEqual(plan(0, 1, true), [], 'half returned: the coupon stays used');
    assert.deepEqual(plan(0, 2, false), []);
  });
});
