import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dayNumber, dayString, summarize, summarizeMemberDays, type MemberDays, type Transaction } from '../../src/domain/analytics/summary.js';

const END = { calibrationEnd: '2024-01-29' };

describe('summarize: per-member x, tx, T and mean repeat spend', () => {
  test('purchases on one day are one transaction with their amounts added', () => {
    const [s] = summarize(
      [
        { memberId: 'm1', at: '2024-01-01', amount: 100 },
        { memberId: 'm1', at: '2024-01-08', amount: 30 },
        { memberId: 'm1', at: '2024-01-08', amount: 20 },
        { memberId: 'm1', at: '2024-01-15', amount: 10 },
      ],
      END,
    );
    assert.deepEqual(s, { memberId: 'm1', firstDay: '2024-01-01', x: 2, tx: 2, T: 4, meanRepeatSpend: 30, firstSpend: 100, holdoutX: 0, holdoutSpend: 0 });
  });

  test('a member who bought once has x = 0, tx = 0 and no mean repeat spend', () => {
    assert.deepEqual(summarize([{ memberId: 'm', at: '2024-01-15', amount: 5 }], END), [
      { memberId: 'm', firstDay: '2024-01-15', x: 0, tx: 0, T: 2, meanRepeatSpend: null, firstSpend: 5, holdoutX: 0, holdoutSpend: 0 },
    ]);
  });

  test('purchases after the calibration end count only in the hold-out period, and only until its end', () => {
    const [s] = summarize(
      [
        { memberId: 'm', at: '2024-01-01', amount: 1 },
        { memberId: 'm', at: '2024-02-05', amount: 2 },
        { memberId: 'm', at: '2024-02-05', amount: 3 },
        { memberId: 'm', at: '2024-02-12', amount: 4 },
        { memberId: 'm', at: '2024-03-30', amount: 5 },
      ],
      { ...END, holdoutEnd: '2024-02-29' },
    );
    assert.equal(s?.x, 0);
    assert.equal(s?.holdoutX, 2);
    assert.equal(s?.holdoutSpend, 9);
  });

  test('members who first bought after the calibration end are not in the cohort', () => {
    assert.deepEqual(summarize([{ memberId: 'late', at: '2024-02-01', amount: 1 }], { ...END, holdoutEnd: '2024-03-01' }), []);
  });

  test('purchases before calibrationStart are ignored', () => {
    const [s] = summarize(
      [
        { memberId: 'm', at: '2023-12-01', amount: 1 },
        { memberId: 'm', at: '2024-01-08', amount: 2 },
      ],
      { ...END, calibrationStart: '2024-01-01' },
    );
    assert.equal(s?.firstDay, '2024-01-08');
    assert.equal(s?.x, 0);
  });

  test('the time unit is configurable: days', () => {
    const [s] = summarize(
      [
        { memberId: 'm', at: '2024-01-01', amount: 1 },
        { memberId: 'm', at: '2024-01-04', amount: 1 },
      ],
      { ...END, unitDays: 1 },
    );
    assert.equal(s?.tx, 3);
    assert.equal(s?.T, 28);
  });

  test('a Date counts by its UTC calendar day', () => {
    const [s] = summarize(
      [
        { memberId: 'm', at: new Date('2024-01-01T23:30:00Z'), amount: 1 },
        { memberId: 'm', at: '2024-01-01', amount: 1 },
      ],
      END,
    );
    assert.equal(s?.x, 0);
    assert.equal(s?.firstSpend, 2);
  });

  test('the result is sorted by member id, whatever the input order', () => {
    const input: Transaction[] = [
      { memberId: 'b', at: '2024-01-02', amount: 1 },
      { memberId: 'a', at: '2024-01-03', amount: 1 },
      { memberId: 'c', at: '2024-01-01', amount: 1 },
    ];
    assert.deepEqual(summarize(input, END).map((s) => s.memberId), ['a', 'b', 'c']);
  });

  test('0 ≤ tx ≤ T, x counts distinct days after the first, for any purchases', () => {
    const purchase = fc.record({ memberId: fc.constantFrom('a', 'b', 'c'), day: fc.integer({ min: 0, max: 60 }), amount: fc.integer({ min: 0, max: 1000 }) });
    fc.assert(
      fc.property(fc.array(purchase, { maxLength: 40 }), (rows) => {
        const start = dayNumber('2024-01-01');
        const txs = rows.map((r) => ({ memberId: r.memberId, at: dayString(start + r.day), amount: r.amount }));
        for (const s of summarize(txs, { calibrationEnd: '2024-03-01' })) {
          const days = new Set(rows.filter((r) => r.memberId === s.memberId).map((r) => r.day));
          assert.equal(s.x, days.size - 1);
          assert.ok(s.tx >= 0 && s.tx <= s.T);
          assert.equal(s.x === 0, s.meanRepeatSpend === null);
        }
      }),
    );
  });

  test('refuses days that do not exist and amounts that are not numbers', () => {
    assert.throws(() => summarize([{ memberId: 'm', at: '2024-02-30', amount: 1 }], END), RangeError);
    assert.throws(() => summarize([{ memberId: 'm', at: '24-01-01', amount: 1 }], END), RangeError);
    assert.throws(() => summarize([{ memberId: 'm', at: '2024-01-01', amount: NaN }], END), RangeError);
    assert.throws(() => summarize([], { calibrationEnd: '2024-01-01', holdoutEnd: '2023-12-31' }), RangeError);
  });
});

describe('summarizeMemberDays: the same summaries from histories grouped by member', () => {
  test('equals summarize on the same purchases, with or without a start and a hold-out', () => {
    const purchase = fc.record({
      memberId: fc.constantFrom('a', 'b', 'c', 'd'),
      day: fc.integer({ min: dayNumber('2023-12-01'), max: dayNumber('2024-03-31') }),
      amount: fc.integer({ min: 0, max: 10_000 }),
    });
    const opts = fc.constantFrom(END, { calibrationEnd: '2024-01-29', calibrationStart: '2024-01-01' }, { calibrationEnd: '2024-01-29', holdoutEnd: '2024-03-01' });
    fc.assert(
      fc.property(fc.array(purchase, { maxLength: 40 }), opts, (ps, o) => {
        const transactions: Transaction[] = ps.map((p) => ({ memberId: p.memberId, at: dayString(p.day), amount: p.amount }));
        // As the store gives them: one row per member, one entry per day (same-day receipts added), days ascending.
        const grouped = new Map<string, Map<number, number>>();
        for (const p of ps) {
          const days = grouped.get(p.memberId) ?? new Map<number, number>();
          days.set(p.day, (days.get(p.day) ?? 0) + p.amount);
          grouped.set(p.memberId, days);
        }
        const rows: MemberDays[] = [...grouped].map(([memberId, days]) => {
          const sorted = [...days].sort((x, y) => x[0] - y[0]);
          return { memberId, days: sorted.map(([d]) => d), amounts: sorted.map(([, a]) => a) };
        });
        assert.deepEqual(summarizeMemberDays(rows, o), summarize(transactions, o));
      }),
    );
  });

  test('a day that is not a whole day number, or an amount that is not a number, is refused', () => {
    assert.throws(() => summarizeMemberDays([{ memberId: 'm', days: [19_700.5], amounts: [1] }], END), RangeError);
    assert.throws(() => summarizeMemberDays([{ memberId: 'm', days: [19_700], amounts: [Number.NaN] }], END), RangeError);
  });
});
