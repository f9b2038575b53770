import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conditionalExpectedPurchases } from '../../src/domain/analytics/bgnbd.js';
import { fitAndPredict, forecastParams, isAtRisk, MAX_DROPOUT_CONCENTRATION } from '../../src/domain/analytics/predictions.js';
import { dayString } from '../../src/domain/analytics/summary.js';
import { DomainError } from '../../src/domain/errors.js';

const start = 20_500; // 2026-02-15 as a day number
const options = { calibrationEnd: dayString(start + 120), predictionWeeks: 12, clvMonths: 12, monthlyDiscountRate: 0.01 };

/** Members who buy every `gap` days from `first` for `count` visits, spending around `amount` (±30 %, by a fixed pattern). */
function history(members: { id: string; first: number; gap: number; count: number; amount: number }[]) {
  return members.flatMap((m, i) =>
    Array.from({ length: m.count }, (_, k) => ({ memberId: m.id, at: dayString(start + m.first + k * m.gap), amount: Math.round(m.amount * (0.7 + ((k * 7919 + i * 104_729) % 61) / 100)) })),
  );
}

describe('fitting and predicting from a purchase history', () => {
  const members = [
    ...Array.from({ length: 12 }, (_, i) => ({ id: `steady${i}`, first: i, gap: 7 + (i % 3), count: Math.floor((118 - i) / (7 + (i % 3))) + 1, amount: 80_000 + i * 5_000 })),
    ...Array.from({ length: 8 }, (_, i) => ({ id: `gone${i}`, first: i, gap: 5 + i, count: 4, amount: 40_000 + i * 2_000 })),
    ...Array.from({ length: 10 }, (_, i) => ({ id: `once${i}`, first: 3 * i, gap: 1, count: 1, amount: 30_000 })),
  ];
  const fit = fitAndPredict(history(members), options);
  const p = (id: string) => fit.predictions.find((x) => x.memberId === id)!;

  test('every member who bought gets finite forecasts', () => {
    assert.deepEqual([fit.members, fit.repeatMembers, fit.predictions.length], [30, 20, 30]);
    for (const x of fit.predictions) {
      assert.ok([x.expectedPurchases, x.pAlive, x.expectedSpend!, x.clv!].every(Number.isFinite), JSON.stringify(x));
    }
  });

  test('steady buyers are alive and worth more than members who stopped months ago', () => {
    assert.ok(p('steady0').pAlive > 0.9 && p('gone0').pAlive < 0.3, `${p('steady0').pAlive} ${p('gone0').pAlive}`);
    assert.ok(p('steady0').expectedPurchases > 5 * p('gone0').expectedPurchases);
    assert.ok(p('steady0').clv! > 10 * p('gone0').clv!);
    assert.deepEqual([p('once0').x, p('once0').pAlive], [0, 1]);
  });

  test('too little history is refused', () => {
    try {
      fitAndPredict(history(members.slice(0, 19)), options);
      assert.fail('expected NOT_ENOUGH_DATA');
    } catch (err) {
      assert.equal((err as DomainError).code, 'NOT_ENOUGH_DATA');
    }
  });
});

describe('forecasts when the fit sends a and b to infinity', () => {
  test('a and b are scaled down to a + b = 200 with their ratio kept, and forecasts stay finite', () => {
    const fitted = { r: 1.23, alpha: 2.29, a: 15_994_141, b: 25_985_874 };
    const h = { x: 1, tx: 1.3, T: 14.7 };
    assert.ok(Number.isNaN(conditionalExpectedPurchases(fitted, 12, h)), 'the closed form is 0 × ∞ there');
    const f = forecastParams(fitted);
    assert.ok(Math.abs(f.a + f.b - MAX_DROPOUT_CONCENTRATION) < 1e-9);
    assert.ok(Math.abs(f.a / (f.a + f.b) - fitted.a / (fitted.a + fitted.b)) < 1e-12);
    const e = conditionalExpectedPurchases(f, 12, h);
    assert.ok(Number.isFinite(e) && e > 0, String(e));
    assert.equal(forecastParams({ r: 1, alpha: 1, a: 1, b: 2 }).a, 1, 'ordinary parameters are kept');
  });

  test('at risk: below the threshold, or fallen by more than the drop', () => {
    assert.deepEqual([isAtRisk(0.25, null, 0.3, 0.3), isAtRisk(0.55, 0.9, 0.3, 0.3), isAtRisk(0.65, 0.9, 0.3, 0.3), isAtRisk(0.9, null, 0.3, 0.3)], [true, true, false, false]);
  });
});
