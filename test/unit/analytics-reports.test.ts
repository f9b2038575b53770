import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cohortMatrix } from '../../src/domain/analytics/cohorts.js';
import { countScores, npsClass, npsOf, npsTrend } from '../../src/domain/analytics/nps.js';
import { payback } from '../../src/domain/analytics/payback.js';
import { addMonths, checkRange, monthsBetween, periodsOf, weekStart } from '../../src/domain/analytics/periods.js';
import { DomainError } from '../../src/domain/errors.js';

describe('report periods', () => {
  test('weeks run Monday to Sunday and months from the 1st, clipped to the range', () => {
    assert.equal(weekStart('2026-03-01'), '2026-02-23', '1 March 2026 is a Sunday');
    assert.deepEqual(periodsOf('2026-03-01', '2026-03-10', 'week'), [
      { period: '2026-02-23', from: '2026-03-01', to: '2026-03-01' },
      { period: '2026-03-02', from: '2026-03-02', to: '2026-03-08' },
      { period: '2026-03-09', from: '2026-03-09', to: '2026-03-10' },
    ]);
    assert.deepEqual(periodsOf('2026-01-31', '2026-03-01', 'month').map((p) => [p.period, p.from, p.to]), [
      ['2026-01-01', '2026-01-31', '2026-01-31'],
      ['2026-02-01', '2026-02-01', '2026-02-28'],
      ['2026-03-01', '2026-03-01', '2026-03-01'],
    ]);
    assert.deepEqual([addMonths('2026-11-15', 3), addMonths('2026-01-01', -1), monthsBetween('2025-12-31', '2026-02-01')], ['2027-02-01', '2025-12-01', 2]);
  });

  test('a range must be real days in order and at most ten years long', () => {
    const code = (f: () => void) => {
      try {
        f();
        return null;
      } catch (err) {
        return [(err as DomainError).code, (err as DomainError).errors?.[0]?.pointer];
      }
    };
    assert.equal(code(() => checkRange('2026-01-01', '2026-01-01')), null);
    assert.deepEqual(code(() => checkRange('2026-02-30', '2026-03-01')), ['INVALID_DATE_RANGE', 'querystring:/from']);
    assert.deepEqual(code(() => checkRange('2026-03-02', '2026-03-01')), ['INVALID_DATE_RANGE', 'querystring:/from']);
    assert.deepEqual(code(() => checkRange('2010-01-01', '2026-03-01')), ['INVALID_DATE_RANGE', 'querystring:/from']);
  });
});

describe('cohorts', () => {
  test('a triangle of the cohorts in the range, each followed to the end', () => {
    const rows = cohortMatrix('2026-01-01', '2026-03-01', new Map([['2026-01-01', 10], ['2026-02-01', 4]]), [
      { cohortMonth: '2026-01-01', month: '2026-01-01', members: 6 },
      { cohortMonth: '2026-01-01', month: '2026-03-01', members: 3 },
      { cohortMonth: '2026-02-01', month: '2026-02-01', members: 1 },
      { cohortMonth: '2025-12-01', month: '2026-01-01', members: 9 },
    ]);
    assert.deepEqual(rows, [
      { cohort: '2026-01', size: 10, active: [6, 0, 3], retention: [0.6, 0, 0.3] },
      { cohort: '2026-02', size: 4, active: [1, 0], retention: [0.25, 0] },
      { cohort: '2026-03', size: 0, active: [0], retention: [null] },
    ]);
  });
});

describe('payback', () => {
  const none = { marginPercent: 25, launchCost: 0, monthlyCost: 0 };
  test("the doc's example pays back in the first month", () => {
    const r = payback([{ month: '2026-03-01', memberPurchases: 100, memberSales: 12_000_000, anonPurchases: 50, anonSales: 5_000_000, cost: 300_000 }], none);
    assert.deepEqual([r.months[0]!.incrementalRevenue, r.months[0]!.incrementalMargin, r.paybackMonths, r.paidBackIn, r.roi], [2_000_000, 500_000, 1, '2026-03', 0.6667]);
  });

  test('launch and monthly costs delay it; the first month it covers them is the payback period', () => {
    const month = (m: string) => ({ month: m, memberPurchases: 10, memberSales: 1_100_000, anonPurchases: 10, anonSales: 1_000_000, cost: 5_000 });
    const r = payback([month('2026-01-01'), month('2026-02-01'), month('2026-03-01')], { marginPercent: 50, launchCost: 50_000, monthlyCost: 10_000 });
    assert.deepEqual(r.months.map((m) => [m.incrementalMargin, m.cost, m.cumulativeNet]), [[50_000, 65_000, -15_000], [50_000, 15_000, 20_000], [50_000, 15_000, 55_000]]);
    assert.deepEqual([r.paybackMonths, r.paidBackIn, r.paidBack], [2, '2026-02', true]);
  });

  test('without any receipt without a member there is no baseline', () => {
    const r = payback([{ month: '2026-01-01', memberPurchases: 10, memberSales: 100_000, anonPurchases: 0, anonSales: 0, cost: 1_000 }], none);
    assert.deepEqual([r.noBaseline, r.months[0]!.baselineAverageReceipt, r.months[0]!.incrementalRevenue, r.paybackMonths], [true, null, 0, null]);
  });
});

describe('NPS', () => {
  test('9–10 promote, 7–8 are passive, 0–6 detract; the score is the difference of the shares', () => {
    assert.deepEqual([0, 6, 7, 8, 9, 10].map(npsClass), ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
    assert.throws(() => npsClass(11), RangeError);
    assert.deepEqual(npsOf(countScores([10, 10, 9, 9, 9, 8, 8, 7, 3, 0])), { promoters: 5, passives: 3, detractors: 2, responses: 10, score: 30 });
    assert.deepEqual(npsOf({ promoters: 0, passives: 0, detractors: 0 }).score, null);
    assert.equal(npsOf(countScores([10, 10, 7])).score, 66.7);
  });

  test('the trend compares each period with the last one that had answers', () => {
    const t = npsTrend([
      { period: '2026-01-01', promoters: 1, passives: 0, detractors: 1 },
      { period: '2026-02-01', promoters: 0, passives: 0, detractors: 0 },
      { period: '2026-03-01', promoters: 3, passives: 1, detractors: 0 },
    ]);
    assert.deepEqual(t.map((p) => [p.score, p.change]), [[0, null], [null, null], [75, 75]]);
  });
});
