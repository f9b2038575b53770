import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { average, kpisOf, pointsSummary, rate, roundHalfUp, visitCounts, visitSums, zeroSums, type VisitCell } from '../../src/domain/analytics/kpis.js';
import { addDays } from '../../src/domain/analytics/periods.js';

/** The histogram the aggregation job builds (src/store/analytics-days.ts), from visit days per member. */
function histogram(visits: Map<string, string[]>): VisitCell[] {
  const cells = new Map<string, VisitCell>();
  for (const days of visits.values()) {
    const sorted = [...new Set(days)].sort();
    sorted.forEach((day, i) => {
      const prevDay = i === 0 ? day : sorted[i - 1]!;
      const ordinal = Math.min(i + 1, 3) as 1 | 2 | 3;
      const key = `${day}|${prevDay}|${ordinal}`;
      const cell = cells.get(key) ?? { day, prevDay, ordinal, members: 0 };
      cell.members += 1;
      cells.set(key, cell);
    });
  }
  return [...cells.values()];
}

describe('distinct members from the visit histogram', () => {
  test('active, new and returning members of any range equal a direct count', () => {
    const day = fc.integer({ min: 0, max: 40 }).map((n) => addDays('2026-01-01', n));
    fc.assert(
      fc.property(fc.array(fc.array(day, { minLength: 1, maxLength: 8 }), { maxLength: 30 }), day, day, (members, a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const visits = new Map(members.map((days, i) => [`m${i}`, days]));
        const counts = visitCounts(visitSums(histogram(visits), from, to));
        let active = 0;
        let newBuyers = 0;
        let returning = 0;
        for (const days of visits.values()) {
          const inRange = new Set(days.filter((d) => d >= from && d <= to));
          if (inRange.size === 0) continue;
          active++;
          const first = [...days].sort()[0]!;
          if (first >= from) newBuyers++;
          if (new Set(days.filter((d) => d <= to)).size >= 2) returning++;
        }
        assert.deepEqual(counts, { active, newBuyers, returning });
      }),
      { numRuns: 500 },
    );
  });

  test('an example: bought 1 and 5 March, asked about 3–10 March', () => {
    const cells = histogram(new Map([['anna', ['2026-03-01', '2026-03-05']], ['boris', ['2026-03-04', '2026-03-06']], ['clara', ['2026-03-09']]]));
    assert.deepEqual(visitCounts(visitSums(cells, '2026-03-03', '2026-03-10')), { active: 3, newBuyers: 2, returning: 2 });
  });
});

describe('KPI arithmetic', () => {
  test('rounding: half up to whole minor units, rates to four decimals', () => {
    assert.deepEqual([roundHalfUp(2.5), roundHalfUp(-2.5), roundHalfUp(2.4999)], [3, -3, 2]);
    assert.deepEqual([average(100, 3), average(200, 3), average(5, 0)], [33, 67, null]);
    assert.deepEqual([rate(1, 3), rate(2, 3), rate(1, 0), rate(-2, 3)], [0.3333, 0.6667, null, -0.6667]);
  });

  test('the KPIs of a period', () => {
    const sums = { ...zeroSums(), purchases: 4, sales: 210_000, paid: 208_000, anonPurchases: 2, anonSales: 100_000, refunds: 60_000, returns: 1, newMembers: 3, issued: 74, redeemed: 20 };
    const k = kpisOf(sums, { active: 3, newBuyers: 3, returning: 1 }, 3);
    assert.deepEqual(
      [k.memberAverageReceipt, k.anonymousAverageReceipt, k.memberSalesShare, k.averageReceiptUplift, k.purchaseFrequency, k.repeatPurchaseRate, k.netSales, k.activeShare],
      [52_500, 50_000, 0.6774, 0.05, 1.3333, 0.3333, 250_000, 1],
    );
    const store = kpisOf(sums, { active: 3, newBuyers: 3, returning: 1 }, null);
    assert.deepEqual([store.members, store.newMembers, store.pointsIssued, store.activeShare], [null, null, null, null]);
  });

  test('an active share is never above 100 %: more buyers than members means the members are not counted yet, and no share is stated', () => {
    const k = kpisOf(zeroSums(), { active: 2, newBuyers: 2, returning: 0 }, 1);
    assert.deepEqual([k.members, k.activeMembers, k.activeShare], [1, 2, null]);
  });

  test('points: outstanding is everything issued less redeemed and expired, valued at pointValue', () => {
    const p = pointsSummary({ issued: 100, redeemed: 30, expired: 10, adjusted: 0 }, { issued: 1_000, redeemed: 300, expired: 200, adjusted: 5 }, 100);
    assert.deepEqual(
      [p.outstanding, p.liability, p.redemptionRate, p.breakageRate, p.lifetimeRedemptionRate, p.lifetimeBreakageRate],
      [505, 50_500, 0.3, 0.1, 0.3, 0.2],
    );
  });
});
