import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors.js';
import {
  applyMovements,
  availableAt,
  balanceAt,
  debtOf,
  planClawback,
  planEarn,
  planExpiry,
  planRedeem,
  pendingOf,
  lotViews,
  spendableLots,
  type Hold,
  type Lot,
} from '../../src/domain/ledger.js';

const DAY = 86_400_000;
const T = new Date('2024-06-01T12:00:00Z');
/** The instant `days` days from T (negative = before). */
const day = (days: number) => new Date(T.getTime() + days * DAY);
const lot = (lotId: string, remaining: number, availableFrom: number, expiresIn: number | null): Lot => ({
  lotId,
  remaining,
  availableAt: day(availableFrom),
  expiresAt: expiresIn === null ? null : day(expiresIn),
});
const hold = (lotId: string, amount: number, expiresIn: number): Hold => ({ lotId, amount, expiresAt: day(expiresIn) });
const FAR = day(10_000);

describe('spendableLots: which points are spent, in which order', () => {
  test('points expiring first are spent first, points that never expire last', () => {
    const lots = [lot('never', 10, -50, null), lot('dec', 20, -40, 180), lot('aug', 30, -30, 60)];
    assert.deepEqual(spendableLots(lots, [], T), [
      { lotId: 'aug', amount: 30 },
      { lotId: 'dec', amount: 20 },
      { lotId: 'never', amount: 10 },
    ]);
  });

  test('lots expiring at the same instant are spent oldest first, then by id', () => {
    const lots = [lot('b', 1, -10, 30), lot('c', 1, -20, 30), lot('a', 1, -10, 30)];
    assert.deepEqual(spendableLots(lots, [], T).map((m) => m.lotId), ['c', 'a', 'b']);
  });

  test('pending points, expired points, empty lots and debts are not spendable', () => {
    const lots = [lot('pending', 10, 1, 100), lot('expired', 10, -100, -1), lot('empty', 0, -10, 100), lot('debt', -10, -10, null), lot('ok', 10, -10, 100)];
    assert.deepEqual(spendableLots(lots, [], T), [{ lotId: 'ok', amount: 10 }]);
  });

  test('points become spendable at the very instant they become available', () => {
    assert.deepEqual(spendableLots([lot('a', 10, 0, 100)], [], T), [{ lotId: 'a', amount: 10 }]);
  });

  test('points are gone at the very instant they expire', () => {
    assert.deepEqual(spendableLots([lot('a', 10, -100, 0)], [], T), []);
  });

  test('held points are not spendable, and a fully held lot is skipped', () => {
    const lots = [lot('a', 100, -10, 30), lot('b', 50, -10, 60)];
    const holds = [hold('a', 30, 1), hold('b', 20, 1), hold('b', 30, 1)];
    assert.deepEqual(spendableLots(lots, holds, T), [{ lotId: 'a', amount: 70 }]);
  });
});

describe('balanceAt: what a member sees', () => {
  const lots = [
    lot('soon', 40, -300, 10), // expires in 10 days
    lot('later', 60, -200, 100),
    lot('never', 25, -100, null),
    lot('pending-1', 15, 3, 400),
    lot('pending-2', 5, 3, 400),
    lot('pending-3', 7, 9, 400),
  ];

  test('available is the sum of spendable lots', () => {
    assert.equal(balanceAt(lots, [], T, day(30)).available, 125);
  });

  test('pending points are grouped by the instant they become available, earliest first', () => {
    assert.deepEqual(balanceAt(lots, [], T, day(30)).pending, [
      { amount: 20, availableAt: day(3) },
      { amount: 7, availableAt: day(9) },
    ]);
  });

  test('“expiring soon” lists spendable points expiring within the window', () => {
    assert.deepEqual(balanceAt(lots, [], T, day(30)).expiringSoon, [{ amount: 40, expiresAt: day(10) }]);
    assert.deepEqual(balanceAt(lots, [], T, day(100)).expiringSoon, [
      { amount: 40, expiresAt: day(10) },
      { amount: 60, expiresAt: day(100) },
    ]);
  });

  test('the ledger balance is everything remaining on the lots, pending included', () => {
    assert.equal(balanceAt(lots, [], T, day(30)).ledgerBalance, 152);
  });

  test('a lot that has expired but was not yet written down is not available, but stays in the ledger balance', () => {
    const withStale = [...lots, lot('stale', 1_000, -400, -1)];
    const b = balanceAt(withStale, [], T, day(30));
    assert.equal(b.available, 125);
    assert.equal(b.ledgerBalance, 1_152);
    assert.deepEqual(b.expiringSoon, [{ amount: 40, expiresAt: day(10) }]);
  });

  test('held points are reported and reduce what is available', () => {
    const b = balanceAt(lots, [hold('later', 35, 1)], T, day(30));
    assert.equal(b.held, 35);
    assert.equal(b.available, 90);
    assert.equal(b.ledgerBalance, 152);
  });

  test('a hold that has timed out no longer reduces availability', () => {
    const b = balanceAt(lots, [hold('later', 35, -1), hold('never', 5, 0)], T, day(30));
    assert.equal(b.held, 0);
    assert.equal(b.available, 125);
  });

  test('a debt from a return reduces the available balance, even below zero', () => {
    assert.equal(balanceAt([...lots, lot('debt', -200, -5, null)], [], T, day(30)).available, -75);
    assert.equal(debtOf([lot('d1', -200, -5, null), lot('d2', -30, -4, null), lot('p', 50, -1, null)]), 230);
  });

  test('availableAt gives the same number as balanceAt', () => {
    const all = [...lots, lot('debt', -20, -5, null)];
    const holds = [hold('soon', 10, 1)];
    assert.equal(availableAt(all, holds, T), balanceAt(all, holds, T, day(30)).available);
    assert.equal(availableAt(all, holds, T), 95);
  });
});

describe('planRedeem: spending points', () => {
  const lots = [lot('dec', 100, -40, 180), lot('aug', 50, -30, 60), lot('never', 100, -50, null)];

  test('points are taken first-expiring-first across lots', () => {
    assert.deepEqual(planRedeem(lots, [], 120, T), [
      { lotId: 'aug', amount: -50 },
      { lotId: 'dec', amount: -70 },
    ]);
  });

  test('everything available can be spent, down to the never-expiring lot', () => {
    assert.deepEqual(planRedeem(lots, [], 250, T), [
      { lotId: 'aug', amount: -50 },
      { lotId: 'dec', amount: -100 },
      { lotId: 'never', amount: -100 },
    ]);
  });

  test('held points are left alone', () => {
    assert.deepEqual(planRedeem(lots, [hold('aug', 45, 1)], 10, T), [
      { lotId: 'aug', amount: -5 },
      { lotId: 'dec', amount: -5 },
    ]);
  });

  test('asking for more than is available is INSUFFICIENT_POINTS and tells what is available', () => {
    assert.throws(
      () => planRedeem(lots, [hold('dec', 10, 1)], 241, T),
      (err: unknown) => err instanceof DomainError && err.code === 'INSUFFICIENT_POINTS' && (err.extra as { available: number }).available === 240,
    );
  });

  test('a refused redeem changes nothing: the lots are as before and the same points can still be spent', () => {
    const before = structuredClone(lots);
    assert.throws(() => planRedeem(lots, [], 251, T), DomainError);
    assert.deepEqual(lots, before);
    assert.equal(availableAt(lots, [], T), 250);
    assert.equal(planRedeem(lots, [], 250, T).reduce((s, m) => s + m.amount, 0), -250);
  });

  test('a debt must be covered before points can be spent', () => {
    const withDebt = [...lots, lot('debt', -30, -1, null)];
    assert.throws(() => planRedeem(withDebt, [], 221, T), (err: unknown) => err instanceof DomainError && err.code === 'INSUFFICIENT_POINTS');
    assert.equal(planRedeem(withDebt, [], 220, T).reduce((s, m) => s + m.amount, 0), -220);
  });

  test('spending nothing is always possible, even with a negative balance', () => {
    assert.deepEqual(planRedeem([lot('debt', -30, -1, null)], [], 0, T), []);
  });

  test('pending and expired points cannot be spent', () => {
    const only = [lot('pending', 100, 1, 100), lot('expired', 100, -100, -1)];
    assert.throws(() => planRedeem(only, [], 1, T), (err: unknown) => err instanceof DomainError && err.code === 'INSUFFICIENT_POINTS');
  });

  test('a spend refused for want of points says how many are pending and when the first become spendable', () => {
    const only = [lot('later', 30, 5, 100), lot('sooner', 70, 2, 100), lot('never', 40, 3, 1), lot('expired', 100, -100, -1), lot('spendable', 10, -1, 100)];
    assert.deepEqual(pendingOf(only, T), { pending: 100, nextAvailableAt: day(2) });
    assert.deepEqual(pendingOf([lot('spendable', 10, -1, 100)], T), { pending: 0, nextAvailableAt: null });
    assert.throws(
      () => planRedeem(only, [], 11, T),
      (err: unknown) =>
        err instanceof DomainError &&
        err.code === 'INSUFFICIENT_POINTS' &&
        JSON.stringify(err.extra) === JSON.stringify({ available: 10, pending: 100, nextAvailableAt: day(2).toISOString() }) &&
        err.message.includes('100 pending'),
    );
  });

  test('property: a redeem of any amount up to the available balance takes exactly that amount and leaves no lot below what is held on it', () => {
    const lotArb = fc.record({
      remaining: fc.integer({ min: -200, max: 1_000 }),
      availableFrom: fc.integer({ min: -30, max: 10 }),
      expiresIn: fc.option(fc.integer({ min: -20, max: 400 })),
      heldShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
      holdExpiresIn: fc.integer({ min: -2, max: 2 }),
    });
    fc.assert(
      fc.property(fc.array(lotArb, { minLength: 1, maxLength: 10 }), fc.double({ min: 0, max: 1, noNaN: true }), (rows, share) => {
        const lots = rows.map((r, i) => lot(`lot-${i}`, r.remaining, r.availableFrom, r.expiresIn));
        const holds = rows.flatMap((r, i) =>
          r.heldShare !== null && r.remaining > 0 ? [hold(`lot-${i}`, Math.floor(r.remaining * r.heldShare), r.holdExpiresIn)] : [],
        );
        const available = availableAt(lots, holds, T);
        fc.pre(available > 0);
        const amount = Math.max(1, Math.floor(available * share));
        const movements = planRedeem(lots, holds, amount, T);
        assert.equal(movements.reduce((s, m) => s + m.amount, 0), -amount);
        const spendable = new Set(spendableLots(lots, holds, T).map((m) => m.lotId));
        for (const m of movements) {
          assert.ok(m.amount < 0, `${m.lotId}: ${m.amount}`);
          assert.ok(spendable.has(m.lotId), `${m.lotId} is not spendable`);
        }
        const held = new Map<string, number>();
        for (const h of holds) if (h.expiresAt.getTime() > T.getTime()) held.set(h.lotId, (held.get(h.lotId) ?? 0) + h.amount);
        const after = new Map(applyMovements(lots, [], movements).map((l) => [l.lotId, l.remaining]));
        for (const l of lots) {
          if (l.remaining < 0) continue;
          const left = after.get(l.lotId) ?? 0;
          assert.ok(left >= 0, `${l.lotId} went to ${left}`);
          assert.ok(left >= (held.get(l.lotId) ?? 0), `${l.lotId} went below its hold`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('planEarn: new points pay off a debt first', () => {
  const debts = [lot('newer-debt', -20, -1, null), lot('older-debt', -30, -5, null), lot('points', 100, -10, null)];

  test('an earn smaller than the debt goes entirely to the debt, oldest first', () => {
    assert.deepEqual(planEarn(debts, 40), {
      toDebt: [
        { lotId: 'older-debt', amount: 30 },
        { lotId: 'newer-debt', amount: 10 },
      ],
      newLot: 0,
    });
  });

  test('what is left after the debt becomes the new lot', () => {
    assert.deepEqual(planEarn(debts, 100), {
      toDebt: [
        { lotId: 'older-debt', amount: 30 },
        { lotId: 'newer-debt', amount: 20 },
      ],
      newLot: 50,
    });
  });

  test('without a debt the whole earn becomes the new lot', () => {
    assert.deepEqual(planEarn([lot('points', 100, -10, null)], 45), { toDebt: [], newLot: 45 });
  });
});

describe('planClawback: taking back points of a returned purchase', () => {
  test('points come from the purchase’s own lot first, even while it is still pending', () => {
    const lots = [lot('other', 100, -10, 30), lot('own', 50, 5, 400)];
    assert.deepEqual(planClawback(lots, [], ['own'], 30, T), { taken: [{ lotId: 'own', amount: -30 }], shortfall: 0 });
  });

  test('what the own lot cannot cover is taken from other lots first-expiring-first', () => {
    const lots = [lot('own', 20, 5, 400), lot('dec', 100, -40, 180), lot('aug', 10, -30, 60)];
    assert.deepEqual(planClawback(lots, [], ['own'], 50, T), {
      taken: [
        { lotId: 'own', amount: -20 },
        { lotId: 'aug', amount: -10 },
        { lotId: 'dec', amount: -20 },
      ],
      shortfall: 0,
    });
  });

  test('what no lot can cover is reported as the shortfall', () => {
    const lots = [lot('own', 5, -10, 400), lot('other', 10, -30, 60), lot('pending-other', 100, 3, 400)];
    assert.deepEqual(planClawback(lots, [], ['own'], 40, T), {
      taken: [
        { lotId: 'own', amount: -5 },
        { lotId: 'other', amount: -10 },
      ],
      shortfall: 25,
    });
  });

  test('an own lot that has expired gives nothing back', () => {
    const lots = [lot('own', 50, -100, -1), lot('other', 100, -10, 30)];
    assert.deepEqual(planClawback(lots, [], ['own'], 30, T), { taken: [{ lotId: 'other', amount: -30 }], shortfall: 0 });
  });

  test('points held on the own lot are not taken', () => {
    const lots = [lot('own', 50, -10, 400), lot('other', 100, -10, 30)];
    assert.deepEqual(planClawback(lots, [hold('own', 40, 1)], ['own'], 30, T), {
      taken: [
        { lotId: 'own', amount: -10 },
        { lotId: 'other', amount: -20 },
      ],
      shortfall: 0,
    });
  });
});

describe('planExpiry: writing down expired points', () => {
  test('an expired lot is burnt down to zero', () => {
    assert.deepEqual(planExpiry([lot('old', 70, -100, -1), lot('fresh', 30, -10, 30)], [], T), [{ lotId: 'old', amount: -70 }]);
  });

  test('points reserved by a hold in force are not burnt', () => {
    assert.deepEqual(planExpiry([lot('old', 70, -100, -1)], [hold('old', 20, 1)], T), [{ lotId: 'old', amount: -50 }]);
  });

  test('a fully held expired lot is left alone until the hold ends', () => {
    assert.deepEqual(planExpiry([lot('old', 70, -100, -1)], [hold('old', 70, 1)], T), []);
  });

  test('a timed-out hold no longer protects points from expiry', () => {
    assert.deepEqual(planExpiry([lot('old', 70, -100, -1)], [hold('old', 20, -1)], T), [{ lotId: 'old', amount: -70 }]);
  });

  test('a lot expires exactly at its expiry instant, and debts never expire', () => {
    assert.deepEqual(planExpiry([lot('now', 5, -100, 0), lot('debt', -10, -100, -1), lot('tomorrow', 5, -100, 1)], [], T), [{ lotId: 'now', amount: -5 }]);
  });
});

describe('applyMovements: the lots after an operation', () => {
  test('movements change the remainders, empty lots disappear and new lots appear', () => {
    const lots = [lot('a', 50, -10, 30), lot('b', 100, -10, 60)];
    const created = [lot('new', 0, 14, 400)];
    const after = applyMovements(lots, created, [
      { lotId: 'a', amount: -50 },
      { lotId: 'b', amount: -20 },
      { lotId: 'new', amount: 45 },
    ]);
    assert.deepEqual(
      after.map((l) => [l.lotId, l.remaining]),
      [
        ['b', 80],
        ['new', 45],
      ],
    );
    assert.equal(lots[0]!.remaining, 50, 'the input lots are not changed');
    assert.equal(balanceAt(after, [], T, FAR).ledgerBalance, 125);
  });
});

describe('lotViews', () => {
  test('open lots in the order they are used, each with its state, holds and place in the spending order', () => {
    const lots = [
      lot('never', 40, -10, null),
      lot('soon', 30, -5, 3),
      lot('later', 20, -5, 60),
      lot('pending', 10, 2, 90),
      lot('debt', -15, -1, null),
      lot('gone', 5, -100, -1),
      lot('empty', 0, -3, 30),
    ];
    const views = lotViews(lots, [hold('soon', 30, 1), hold('later', 5, 1)], T);
    assert.deepEqual(
      views.map((v) => [v.lot.lotId, v.state, v.held, v.spendOrder]),
      [
        ['later', 'available', 5, 1], // 'soon' is wholly held, so the next spend starts here
        ['never', 'available', 0, 2],
        ['soon', 'available', 30, null],
        ['pending', 'pending', 0, null],
        ['debt', 'debt', 0, null],
        ['gone', 'expired', 0, null],
      ],
    );
  });

  test('the spending order is the order planRedeem takes points in', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: -30, max: 5 }), fc.option(fc.integer({ min: -5, max: 90 }))), { maxLength: 12 }), (spec) => {
        const lots = spec.map(([r, a, e], i) => lot(`l${String(i).padStart(2, '0')}`, r, a, e));
        const order = lotViews(lots, [], T)
          .filter((v) => v.spendOrder !== null)
          .map((v) => v.lot.lotId);
        const total = availableAt(lots, [], T);
        const taken = total > 0 ? planRedeem(lots, [], total, T).map((m) => m.lotId) : [];
        assert.deepEqual(order, taken);
      }),
    );
  });
});
