import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  evaluateReceipt,
  maxPointsToSpend,
  validateReceipt,
  type MemberState,
  type ReceiptInput,
  type ReceiptLineInput,
} from '../../src/domain/receipt.js';
import { DEFAULT_SETTINGS, type ProgramSettings } from '../../src/domain/settings.js';
import { domainError } from '../support/domain.js';

// DEFAULT_SETTINGS: RUB, Europe/Moscow, 5 % back, floor rounding, 1 point = 1 ₽ (pointValue 100),
// at most 30 % of a receipt in points, 14 pending days, expiry 365 days.
const settings = (overrides: Partial<ProgramSettings> = {}): ProgramSettings => ({ ...DEFAULT_SETTINGS, ...overrides });
const member = (available: number, status: MemberState['status'] = 'active'): MemberState => ({ status, available });
const receiptOf = (...lines: ReceiptLineInput[]): ReceiptInput => ({
  total: lines.reduce((s, l) => s + l.price * l.quantity - (l.discount ?? 0), 0),
  lines,
});
const NOW = new Date('2024-03-10T09:00:00Z');

// 1 000.00 ₽ in one line
const THOUSAND = receiptOf({ sku: 'tv', quantity: 1, price: 100_000 });

describe('validateReceipt: the receipt must add up', () => {
  test('a receipt whose lines add up to its total is accepted', () => {
    const r = receiptOf({ sku: 'a', quantity: 2, price: 15_000, discount: 1_000 }, { sku: 'b', quantity: 1, price: 5_000 });
    assert.equal(r.total, 34_000);
    assert.doesNotThrow(() => validateReceipt({ ...r, currency: 'RUB' }, settings()));
  });

  test('a total that differs from the sum of the lines is RECEIPT_TOTAL_MISMATCH and tells the lines’ sum', () => {
    const err = domainError(
      () => validateReceipt({ total: 10_001, lines: [{ sku: 'a', quantity: 2, price: 5_000 }] }, settings()),
      'RECEIPT_TOTAL_MISMATCH',
    );
    assert.deepEqual(err.extra, { linesTotal: 10_000 });
    assert.deepEqual(err.errors, [{ pointer: '/total', detail: 'must equal the sum of the lines (10000)' }]);
  });

  test('a negative quantity is an invalid receipt pointing at that quantity', () => {
    const err = domainError(() => validateReceipt({ total: -100, lines: [{ sku: 'a', quantity: -1, price: 100 }] }, settings()), 'INVALID_RECEIPT');
    assert.deepEqual(err.errors?.[0], { pointer: '/lines/0/quantity', detail: 'must be a positive integer' });
  });

  test('a zero quantity is an invalid receipt pointing at that quantity', () => {
    const err = domainError(
      () => validateReceipt({ total: 100, lines: [{ sku: 'a', quantity: 1, price: 100 }, { sku: 'b', quantity: 0, price: 100 }] }, settings()),
      'INVALID_RECEIPT',
    );
    assert.deepEqual(err.errors?.map((e) => e.pointer), ['/lines/1/quantity']);
  });

  test('a discount larger than the line is an invalid receipt pointing at that discount', () => {
    const err = domainError(
      () => validateReceipt({ total: -100, lines: [{ sku: 'a', quantity: 2, price: 500, discount: 1_100 }] }, settings()),
      'INVALID_RECEIPT',
    );
    assert.deepEqual(err.errors, [{ pointer: '/lines/0/discount', detail: 'is larger than the line amount' }]);
  });

  test('every bad field is reported at once', () => {
    const err = domainError(
      () =>
        validateReceipt(
          { total: 0, lines: [{ sku: 'a', quantity: 0, price: -1 }, { sku: 'b', quantity: 1, price: 100, discount: -5 }] },
          settings(),
        ),
      'INVALID_RECEIPT',
    );
    assert.deepEqual(err.errors?.map((e) => e.pointer), ['/lines/0/quantity', '/lines/0/price', '/lines/1/discount']);
  });

  test('a receipt without lines is invalid', () => {
    domainError(() => validateReceipt({ total: 0, lines: [] }, settings()), 'INVALID_RECEIPT');
  });

  test('a receipt in another currency than the program’s is CURRENCY_MISMATCH', () => {
    const err = domainError(() => validateReceipt({ ...THOUSAND, currency: 'EUR' }, settings()), 'CURRENCY_MISMATCH');
    assert.deepEqual(err.errors, [{ pointer: '/currency', detail: 'must be RUB' }]);
  });
});

describe('evaluateReceipt: earning', () => {
  test('5 % back on 1 000.00 ₽ earns 50 points of 1 ₽', () => {
    const e = evaluateReceipt(THOUSAND, settings(), member(0), 0, NOW);
    assert.equal(e.pointsEarned, 50);
    assert.equal(e.lines[0]!.pointsEarned, 50);
    assert.equal(e.paidTotal, 100_000);
  });

  test('1 point per 100 ₽ earns 12 points on 1 234.56 ₽', () => {
    const e = evaluateReceipt(receiptOf({ sku: 'a', quantity: 1, price: 123_456 }), settings({ earning: { kind: 'per_amount', points: 1, per: 100 } }), member(0), 0, NOW);
    assert.equal(e.pointsEarned, 12);
  });

  test('“per amount” counts whole currency units of a currency without minor units (1 point per 100 ¥ on 1 234 ¥ is 12)', () => {
    const s = settings({ currency: 'JPY', pointValue: 1, earning: { kind: 'per_amount', points: 1, per: 100 } });
    const e = evaluateReceipt({ ...receiptOf({ sku: 'a', quantity: 1, price: 1_234 }), currency: 'JPY' }, s, member(0), 0, NOW);
    assert.equal(e.pointsEarned, 12);
  });

  test('the program’s rounding mode decides a half point (5 % of 1 010.00 ₽ = 50.5 points)', () => {
    const r = receiptOf({ sku: 'a', quantity: 1, price: 101_000 });
    const earned = (rounding: ProgramSettings['rounding']) => evaluateReceipt(r, settings({ rounding }), member(0), 0, NOW).pointsEarned;
    assert.equal(earned('floor'), 50);
    assert.equal(earned('ceil'), 51);
    assert.equal(earned('half_up'), 51);
    assert.equal(earned('half_even'), 50);
  });

  test('lines in an excluded category earn nothing', () => {
    const r = receiptOf({ sku: 'milk', category: 'food', quantity: 1, price: 50_000 }, { sku: 'cigs', category: 'tobacco', quantity: 1, price: 50_000 });
    const e = evaluateReceipt(r, settings({ earnExclusions: { categories: ['tobacco'], skus: [] } }), member(0), 0, NOW);
    assert.equal(e.pointsEarned, 25);
    assert.deepEqual(e.lines.map((l) => l.pointsEarned), [25, 0]);
  });

  test('lines with an excluded SKU earn nothing', () => {
    const r = receiptOf({ sku: 'milk', quantity: 1, price: 50_000 }, { sku: 'gift-card', quantity: 1, price: 50_000 });
    const e = evaluateReceipt(r, settings({ earnExclusions: { categories: [], skus: ['gift-card'] } }), member(0), 0, NOW);
    assert.deepEqual(e.lines.map((l) => l.pointsEarned), [25, 0]);
  });

  test('points are earned on the money paid after points: spending 100 points on 1 000 ₽ at 5 % earns 45', () => {
    const e = evaluateReceipt(THOUSAND, settings(), member(500), 100, NOW);
    assert.equal(e.pointsSpent, 100);
    assert.equal(e.paidTotal, 90_000);
    assert.equal(e.pointsEarned, 45);
  });

  test('a purchase without a member earns nothing', () => {
    const e = evaluateReceipt(THOUSAND, settings(), null, 0, NOW);
    assert.equal(e.pointsEarned, 0);
    assert.equal(e.paidTotal, 100_000);
  });

  test('a blocked member earns nothing', () => {
    const e = evaluateReceipt(THOUSAND, settings(), member(1_000, 'blocked'), 0, NOW);
    assert.equal(e.pointsEarned, 0);
  });

  test('earned points become available after the pending days and expire by the expiry rule', () => {
    const e = evaluateReceipt(THOUSAND, settings({ pendingDays: 14, expiry: { kind: 'days', days: 365 } }), member(0), 0, NOW);
    assert.deepEqual(e.earnedAvailableAt, new Date('2024-03-24T09:00:00Z'));
    assert.deepEqual(e.earnedExpiresAt, new Date('2025-03-24T09:00:00Z'));
  });

  test('with an end-of-month expiry, points earned now expire at the end of the month they become available in', () => {
    const e = evaluateReceipt(THOUSAND, settings({ pendingDays: 14, expiry: { kind: 'end_of_period', period: 'month', after: 0 } }), member(0), 0, NOW);
    assert.deepEqual(e.earnedExpiresAt, new Date('2024-03-31T21:00:00Z'));
  });

  test('with no pending days and no expiry, points are available at once and never expire', () => {
    const e = evaluateReceipt(THOUSAND, settings({ pendingDays: 0, expiry: { kind: 'never' } }), member(0), 0, NOW);
    assert.deepEqual(e.earnedAvailableAt, NOW);
    assert.equal(e.earnedExpiresAt, null);
  });
});

describe('maxPointsToSpend: how much of a receipt points may pay', () => {
  test('at most 30 % of 1 000 ₽ may be paid, i.e. 300 points of 1 ₽', () => {
    assert.equal(maxPointsToSpend(THOUSAND, settings(), member(1_000)), 300);
  });

  test('never more than the member has', () => {
    assert.equal(maxPointsToSpend(THOUSAND, settings(), member(120)), 120);
  });

  test('a balance below the minimum spendable balance may not be spent at all', () => {
    assert.equal(maxPointsToSpend(THOUSAND, settings({ minRedeemBalance: 500 }), member(499)), 0);
  });

  test('a balance exactly at the minimum spendable balance may be spent', () => {
    assert.equal(maxPointsToSpend(THOUSAND, settings({ minRedeemBalance: 500 }), member(500)), 300);
  });

  test('lines that may not be paid with points do not count towards the share', () => {
    const r = receiptOf({ sku: 'bread', category: 'food', quantity: 1, price: 60_000 }, { sku: 'wine', category: 'alcohol', quantity: 1, price: 40_000 });
    assert.equal(maxPointsToSpend(r, settings({ redeemExclusions: { categories: ['alcohol'], skus: [] } }), member(1_000)), 180);
    assert.equal(maxPointsToSpend(r, settings({ redeemExclusions: { categories: [], skus: ['wine'] } }), member(1_000)), 180);
  });

  test('a blocked member may spend nothing', () => {
    assert.equal(maxPointsToSpend(THOUSAND, settings(), member(1_000, 'blocked')), 0);
  });

  test('without a member nothing may be spent', () => {
    assert.equal(maxPointsToSpend(THOUSAND, settings(), null), 0);
  });

  test('a member with a zero or negative balance may spend nothing', () => {
    assert.equal(maxPointsToSpend(THOUSAND, settings(), member(0)), 0);
    assert.equal(maxPointsToSpend(THOUSAND, settings(), member(-40)), 0);
  });

  test('the share rounds down to whole points', () => {
    // 30 % of 999.99 ₽ = 299.997 ₽ → 299 points
    assert.equal(maxPointsToSpend(receiptOf({ sku: 'a', quantity: 1, price: 99_999 }), settings(), member(1_000)), 299);
  });
});

describe('evaluateReceipt: spending', () => {
  test('points spent are split over the lines in proportion to their amounts', () => {
    const r = receiptOf({ sku: 'a', quantity: 1, price: 60_000 }, { sku: 'b', quantity: 1, price: 40_000 });
    const e = evaluateReceipt(r, settings(), member(1_000), 100, NOW);
    assert.deepEqual(
      e.lines.map((l) => [l.pointsSpent, l.pointsDiscount, l.paid, l.pointsEarned]),
      [
        [60, 6_000, 54_000, 27],
        [40, 4_000, 36_000, 18],
      ],
    );
  });

  test('no points are spent on a line that may not be paid with points', () => {
    const r = receiptOf({ sku: 'bread', quantity: 1, price: 60_000 }, { sku: 'wine', quantity: 1, price: 40_000 });
    const e = evaluateReceipt(r, settings({ redeemExclusions: { categories: [], skus: ['wine'] } }), member(1_000), 180, NOW);
    assert.deepEqual(e.lines.map((l) => l.pointsSpent), [180, 0]);
  });

  test('the largest allowed amount can be spent', () => {
    const e = evaluateReceipt(THOUSAND, settings(), member(1_000), 300, NOW);
    assert.equal(e.pointsSpent, 300);
    assert.equal(e.paidTotal, 70_000);
    assert.equal(e.maxPointsToSpend, 300);
  });

  test('spending more than the member has is INSUFFICIENT_POINTS and tells what is available', () => {
    const err = domainError(() => evaluateReceipt(THOUSAND, settings(), member(50), 60, NOW), 'INSUFFICIENT_POINTS');
    assert.deepEqual(err.extra, { available: 50, pending: 0, nextAvailableAt: null });
  });

  test('INSUFFICIENT_POINTS also tells the points pending and when the first become spendable', () => {
    const pending = { pending: 120, nextAvailableAt: new Date('2026-03-16T09:00:00Z') };
    const err = domainError(() => evaluateReceipt(THOUSAND, settings(), { ...member(0), pending: () => pending }, 60, NOW), 'INSUFFICIENT_POINTS');
    assert.deepEqual(err.extra, { available: 0, pending: 120, nextAvailableAt: '2026-03-16T09:00:00.000Z' });
  });

  test('spending more than the program allows on the receipt is REDEEM_LIMIT_EXCEEDED and tells the limit', () => {
    const err = domainError(() => evaluateReceipt(THOUSAND, settings(), member(1_000), 301, NOW), 'REDEEM_LIMIT_EXCEEDED');
    assert.deepEqual(err.extra, { maxPointsToSpend: 300 });
  });

  test('spending from a balance below the minimum spendable balance is BELOW_MIN_REDEEM_BALANCE', () => {
    domainError(() => evaluateReceipt(THOUSAND, settings({ minRedeemBalance: 500 }), member(499), 100, NOW), 'BELOW_MIN_REDEEM_BALANCE');
  });

  test('a blocked member trying to spend is MEMBER_BLOCKED', () => {
    domainError(() => evaluateReceipt(THOUSAND, settings(), member(1_000, 'blocked'), 10, NOW), 'MEMBER_BLOCKED');
  });

  test('spending points without a member is MEMBER_NOT_FOUND', () => {
    domainError(() => evaluateReceipt(THOUSAND, settings(), null, 10, NOW), 'MEMBER_NOT_FOUND');
  });

  test('every amount up to maxPointsToSpend can be spent, even on a receipt of cheap lines', () => {
    // ten lines of 0.99 ₽: 30 % of 9.90 ₽ allows 2 points of 1 ₽
    const lines = Array.from({ length: 10 }, (_, i) => ({ sku: `bag-${i}`, quantity: 1, price: 99 }));
    const r = receiptOf(...lines);
    assert.equal(maxPointsToSpend(r, settings(), member(1_000)), 2);
    const e = evaluateReceipt(r, settings(), member(1_000), 2, NOW);
    assert.equal(e.pointsSpent, 2);
    assert.equal(e.paidTotal, 790);
  });

  test('property: per-line points spent and earned add up to the receipt’s totals, and no line is paid below zero', () => {
    const pv = fc.constantFrom(1, 100, 1_000);
    const lineArb = (pointValue: number) =>
      fc
        .record({
          category: fc.constantFrom('food', 'alcohol', 'tobacco', undefined),
          quantity: fc.integer({ min: 1, max: 5 }),
          // prices in whole points' worth, so that each line can take its share in whole points
          unitPoints: fc.integer({ min: 0, max: 5_000 }),
          discountShare: fc.integer({ min: 0, max: 100 }),
        })
        .map(({ category, quantity, unitPoints, discountShare }) => {
          const price = unitPoints * pointValue;
          const discount = Math.floor((price * quantity * discountShare) / 100 / pointValue / 4) * pointValue;
          return { category, quantity, price, discount };
        });
    const caseArb = pv.chain((pointValue) =>
      fc.record({
        pointValue: fc.constant(pointValue),
        lines: fc.array(lineArb(pointValue), { minLength: 1, maxLength: 8 }),
        percent: fc.constantFrom(0, 1, 3, 5, 7.5, 10, 12.25, 100),
        rounding: fc.constantFrom('floor', 'ceil', 'half_up', 'half_even') as fc.Arbitrary<ProgramSettings['rounding']>,
        maxRedeemPercent: fc.integer({ min: 0, max: 100 }),
        available: fc.integer({ min: 0, max: 1_000_000 }),
        earnExcluded: fc.subarray(['food', 'alcohol', 'tobacco']),
        redeemExcluded: fc.subarray(['food', 'alcohol', 'tobacco']),
        spendShare: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
    );
    fc.assert(
      fc.property(caseArb, (c) => {
        const s = settings({
          pointValue: c.pointValue,
          earning: { kind: 'percent', percent: c.percent },
          rounding: c.rounding,
          maxRedeemPercent: c.maxRedeemPercent,
          earnExclusions: { categories: c.earnExcluded, skus: [] },
          redeemExclusions: { categories: c.redeemExcluded, skus: [] },
        });
        const r = receiptOf(...c.lines.map((l, i) => ({ sku: `sku-${i}`, ...l })));
        const m = member(c.available);
        const max = maxPointsToSpend(r, s, m);
        const spend = Math.floor(max * c.spendShare);
        const e = evaluateReceipt(r, s, m, spend, NOW);
        assert.equal(e.pointsSpent, spend);
        assert.equal(e.lines.reduce((sum, l) => sum + l.pointsSpent, 0), e.pointsSpent);
        assert.equal(e.lines.reduce((sum, l) => sum + l.pointsEarned, 0), e.pointsEarned);
        assert.equal(e.lines.reduce((sum, l) => sum + l.paid, 0), e.paidTotal);
        assert.equal(e.paidTotal, r.total - spend * c.pointValue);
        assert.equal(e.lines.reduce((sum, l) => sum + l.pointsDiscount, 0), spend * c.pointValue);
        for (const l of e.lines) {
          assert.ok(l.paid >= 0, `line ${l.index} paid ${l.paid}`);
          assert.ok(l.pointsDiscount <= l.amount, `line ${l.index}: points cover at most the line`);
          if (l.category !== null && c.redeemExcluded.includes(l.category)) assert.equal(l.pointsSpent, 0);
          if (l.category !== null && c.earnExcluded.includes(l.category)) assert.equal(l.pointsEarned, 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('property: points spent on a receipt never exceed the program’s share of the eligible lines', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ price: fc.integer({ min: 0, max: 1_000_000 }), quantity: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom(1, 100, 1_000),
        fc.integer({ min: 0, max: 10_000_000 }),
        (rows, maxRedeemPercent, pointValue, available) => {
          const r = receiptOf(...rows.map((row, i) => ({ sku: `s${i}`, ...row })));
          const max = maxPointsToSpend(r, settings({ maxRedeemPercent, pointValue }), member(available));
          assert.ok(max <= available);
          assert.ok(max * pointValue * 100 <= r.total * maxRedeemPercent, `${max} points of ${pointValue} on ${r.total}`);
        },
      ),
      { numRuns: 300 },
    );
  });
});
