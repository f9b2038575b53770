import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateReceipt, type EvaluatedLine } from '../../src/domain/receipt.js';
import { planReturn } from '../../src/domain/returns.js';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.js';
import { domainError } from '../support/domain.js';

const line = (index: number, quantity: number, paid: number, pointsEarned: number, pointsSpent: number): EvaluatedLine => ({
  index,
  sku: `sku-${index}`,
  name: null,
  category: null,
  quantity,
  price: Math.ceil((paid + pointsSpent * 100) / quantity),
  amount: paid + pointsSpent * 100,
  pointsSpent,
  pointsDiscount: pointsSpent * 100,
  paid,
  pointsEarned,
});

// Three units for 300 ₽, 100 points paid: 200 ₽ paid in money, 10 points earned; and one unit for 50 ₽.
const PURCHASE = [line(0, 3, 20_000, 10, 100), line(1, 1, 5_000, 2, 0)];
const nothingReturned = new Map<number, number>();

describe('planReturn: what a return gives back and takes back', () => {
  test('a full return refunds exactly what was paid, takes back exactly the points earned and restores exactly the points spent', () => {
    assert.deepEqual(planReturn(PURCHASE, nothingReturned, [{ line: 0, quantity: 3 }, { line: 1, quantity: 1 }]), [
      { line: 0, quantity: 3, refund: 20_000, pointsToClawBack: 10, pointsToRestore: 100 },
      { line: 1, quantity: 1, refund: 5_000, pointsToClawBack: 2, pointsToRestore: 0 },
    ]);
  });

  test('a full return of an evaluated purchase gives back the evaluation’s own totals', () => {
    const e = evaluateReceipt(
      { total: 95_000, lines: [{ sku: 'a', quantity: 3, price: 20_000 }, { sku: 'b', quantity: 7, price: 5_000, discount: 1_000 }, { sku: 'c', quantity: 1, price: 1_000 }] },
      DEFAULT_SETTINGS,
      { status: 'active', available: 1_000 },
      123,
      new Date('2024-03-10T09:00:00Z'),
    );
    const back = planReturn(e.lines, nothingReturned, e.lines.map((l) => ({ line: l.index, quantity: l.quantity })));
    assert.equal(back.reduce((s, r) => s + r.refund, 0), e.paidTotal);
    assert.equal(back.reduce((s, r) => s + r.pointsToClawBack, 0), e.pointsEarned);
    assert.equal(back.reduce((s, r) => s + r.pointsToRestore, 0), e.pointsSpent);
  });

  test('returning one unit of three gives back a third, rounded down', () => {
    assert.deepEqual(planReturn(PURCHASE, nothingReturned, [{ line: 0, quantity: 1 }]), [
      { line: 0, quantity: 1, refund: 6_666, pointsToClawBack: 3, pointsToRestore: 33 },
    ]);
  });

  test('the last units returned bring back what the earlier partial returns left over', () => {
    assert.deepEqual(planReturn(PURCHASE, new Map([[0, 1]]), [{ line: 0, quantity: 2 }]), [
      { line: 0, quantity: 2, refund: 13_334, pointsToClawBack: 7, pointsToRestore: 67 },
    ]);
  });

  test('several request rows for the same line count together', () => {
    assert.deepEqual(planReturn(PURCHASE, nothingReturned, [{ line: 0, quantity: 1 }, { line: 0, quantity: 2 }]), [
      { line: 0, quantity: 3, refund: 20_000, pointsToClawBack: 10, pointsToRestore: 100 },
    ]);
  });

  test('the result lists lines in purchase order whatever the order of the request', () => {
    assert.deepEqual(
      planReturn(PURCHASE, nothingReturned, [{ line: 1, quantity: 1 }, { line: 0, quantity: 1 }]).map((r) => r.line),
      [0, 1],
    );
  });

  test('returning more than was bought is RETURN_EXCEEDS_PURCHASE', () => {
    domainError(() => planReturn(PURCHASE, nothingReturned, [{ line: 1, quantity: 2 }]), 'RETURN_EXCEEDS_PURCHASE');
  });

  test('returning more than is left after earlier returns is RETURN_EXCEEDS_PURCHASE and tells how many are left', () => {
    const err = domainError(() => planReturn(PURCHASE, new Map([[0, 2]]), [{ line: 0, quantity: 2 }]), 'RETURN_EXCEEDS_PURCHASE');
    assert.deepEqual(err.errors, [{ pointer: '/lines', detail: 'line 0 has only 1 left to return' }]);
  });

  test('a line the purchase does not have is an invalid request pointing at that row', () => {
    const err = domainError(() => planReturn(PURCHASE, nothingReturned, [{ line: 0, quantity: 1 }, { line: 2, quantity: 1 }]), 'INVALID_RECEIPT');
    assert.deepEqual(err.errors, [{ pointer: '/lines/1/line', detail: 'the purchase has no line 2' }]);
  });

  test('a negative line index is an invalid request', () => {
    const err = domainError(() => planReturn(PURCHASE, nothingReturned, [{ line: -1, quantity: 1 }]), 'INVALID_RECEIPT');
    assert.deepEqual(err.errors?.map((e) => e.pointer), ['/lines/0/line']);
  });

  test('a zero or negative quantity is an invalid request', () => {
    const err = domainError(() => planReturn(PURCHASE, nothingReturned, [{ line: 0, quantity: 0 }, { line: 1, quantity: -1 }]), 'INVALID_RECEIPT');
    assert.deepEqual(err.errors?.map((e) => e.pointer), ['/lines/0/quantity', '/lines/1/quantity']);
  });

  test('property: returning a line in any sequence of partial steps gives back exactly its money and points', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((quantity) =>
          fc.record({
            quantity: fc.constant(quantity),
            paid: fc.integer({ min: 0, max: 10_000_000 }),
            earned: fc.integer({ min: 0, max: 100_000 }),
            spent: fc.integer({ min: 0, max: 100_000 }),
            cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, quantity - 1) }), { maxLength: quantity - 1 }),
          }),
        ),
        ({ quantity, paid, earned, spent, cuts }) => {
          const purchase = [line(0, quantity, paid, earned, spent)];
          const bounds = [...new Set([0, ...cuts.filter((c) => c < quantity), quantity])].sort((a, b) => a - b);
          const total = { refund: 0, clawBack: 0, restore: 0 };
          for (let i = 1; i < bounds.length; i++) {
            const [step] = planReturn(purchase, new Map([[0, bounds[i - 1]!]]), [{ line: 0, quantity: bounds[i]! - bounds[i - 1]! }]);
            total.refund += step!.refund;
            total.clawBack += step!.pointsToClawBack;
            total.restore += step!.pointsToRestore;
          }
          assert.deepEqual(total, { refund: paid, clawBack: earned, restore: spent });
        },
      ),
      { numRuns: 300 },
    );
  });
});
