import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RFM_GRID, RFM_SEGMENTS, quintileEdges, quintileScores, rfmScores, segmentOf, type RfmSegment } from '../../src/domain/analytics/rfm.js';

describe('quintile scores', () => {
  test('ten distinct values: two members per score, the highest value scores 5', () => {
    assert.deepEqual(quintileScores([3, 1, 4, 10, 5, 9, 2, 6, 8, 7], 'higher'), [2, 1, 2, 5, 3, 5, 1, 3, 4, 4]);
  });

  test('for recency the most recent (smallest) value scores 5', () => {
    assert.deepEqual(quintileScores([0, 10, 20, 30, 40], 'lower'), [5, 4, 3, 2, 1]);
  });

  test('equal values get equal scores, set by how many members are strictly behind them', () => {
    // 6 of 10 members bought once: nobody is behind them (score 1); behind the 2-purchase members
    // are 6 of 10 (1 + ⌊5·0.6⌋ = 4); behind the 3-purchase member 9 of 10 (score 5).
    assert.deepEqual(quintileScores([1, 1, 1, 1, 1, 1, 2, 2, 2, 3], 'higher'), [1, 1, 1, 1, 1, 1, 4, 4, 4, 5]);
  });

  test('when everybody is equal, everybody scores 1', () => {
    assert.deepEqual(quintileScores([7, 7, 7], 'higher'), [1, 1, 1]);
    assert.deepEqual(quintileScores([7, 7, 7], 'lower'), [1, 1, 1]);
  });

  test('one member alone scores 1; no members, no scores', () => {
    assert.deepEqual(quintileScores([42], 'higher'), [1]);
    assert.deepEqual(quintileScores([], 'higher'), []);
  });

  test('do not depend on the order of the members, and never fall as the value rises', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 60 }), (values) => {
        const scores = quintileScores(values, 'higher');
        const reversed = quintileScores([...values].reverse(), 'higher').reverse();
        assert.deepEqual(scores, reversed);
        values.forEach((v, i) =>
          values.forEach((w, j) => {
            if (v === w) assert.equal(scores[i], scores[j]);
            if (v < w) assert.ok((scores[i] as number) <= (scores[j] as number));
          }),
        );
        assert.ok(scores.every((s) => s >= 1 && s <= 5));
      }),
    );
  });

  test('with distinct values each score holds a fifth of the members', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer(), { minLength: 5, maxLength: 200 }).filter((a) => a.length % 5 === 0), (values) => {
        const scores = quintileScores(values, 'higher');
        for (let s = 1; s <= 5; s++) assert.equal(scores.filter((x) => x === s).length, values.length / 5);
      }),
    );
  });

  test('refuses NaN', () => {
    assert.throws(() => quintileScores([1, NaN], 'higher'), RangeError);
  });
});

describe('quintile edges', () => {
  test('are the least good values that reach scores 2, 3, 4, 5', () => {
    assert.deepEqual(quintileEdges([3, 1, 4, 10, 5, 9, 2, 6, 8, 7], 'higher'), [3, 5, 7, 9]);
    assert.deepEqual(quintileEdges([0, 10, 20, 30, 40], 'lower'), [30, 20, 10, 0]);
  });

  test('with ties a skipped score shares the edge of the next one, and an unreached score has none', () => {
    assert.deepEqual(quintileEdges([1, 1, 1, 1, 1, 1, 2, 2, 2, 3], 'higher'), [2, 2, 2, 3]);
    assert.deepEqual(quintileEdges([7, 7, 7], 'higher'), [null, null, null, null]);
  });
});

describe('segments', () => {
  test('the corners of the grid', () => {
    assert.equal(segmentOf(5, 5), 'champions');
    assert.equal(segmentOf(5, 1), 'new_customers');
    assert.equal(segmentOf(1, 5), 'cant_lose_them');
    assert.equal(segmentOf(1, 1), 'lost');
  });

  test('the middle of the grid', () => {
    assert.equal(segmentOf(4, 1), 'promising');
    assert.equal(segmentOf(4, 4), 'loyal');
    assert.equal(segmentOf(3, 3), 'need_attention');
    assert.equal(segmentOf(2, 3), 'at_risk');
    assert.equal(segmentOf(2, 2), 'hibernating');
    assert.equal(segmentOf(5, 3), 'potential_loyalists');
  });

  test('every segment appears in the grid and has a Russian and an English name', () => {
    const inGrid = new Set(RFM_GRID.flat());
    for (const segment of Object.keys(RFM_SEGMENTS) as RfmSegment[]) {
      assert.ok(inGrid.has(segment), segment);
      assert.ok(RFM_SEGMENTS[segment].ru.length > 0 && RFM_SEGMENTS[segment].en.length > 0);
    }
    assert.equal(RFM_GRID.length, 5);
    assert.ok(RFM_GRID.every((row) => row.length === 5));
    assert.equal(RFM_SEGMENTS.cant_lose_them.ru, 'Нельзя потерять');
  });

  test('scores outside 1–5 are refused', () => {
    assert.throws(() => segmentOf(0, 3), RangeError);
    assert.throws(() => segmentOf(3, 6), RangeError);
    assert.throws(() => segmentOf(2.5, 3), RangeError);
  });
});

describe('rfmScores', () => {
  test('scores five members and names their segments', () => {
    const members = [
      { memberId: 'a', recency: 2, frequency: 12, monetary: 90_000 },
      { memberId: 'b', recency: 200, frequency: 10, monetary: 70_000 },
      { memberId: 'c', recency: 1, frequency: 1, monetary: 500 },
      { memberId: 'd', recency: 400, frequency: 1, monetary: 700 },
      { memberId: 'e', recency: 60, frequency: 4, monetary: 8_000 },
    ];
    assert.deepEqual(rfmScores(members), [
      { memberId: 'a', r: 4, f: 5, m: 5, fm: 5, segment: 'loyal' },
      { memberId: 'b', r: 2, f: 4, m: 4, fm: 4, segment: 'at_risk' },
      { memberId: 'c', r: 5, f: 1, m: 1, fm: 1, segment: 'new_customers' },
      { memberId: 'd', r: 1, f: 1, m: 2, fm: 2, segment: 'lost' },
      { memberId: 'e', r: 3, f: 3, m: 3, fm: 3, segment: 'need_attention' },
    ]);
  });

  test('FM rounds the mean of F and M half up', () => {
    const [first] = rfmScores([
      { memberId: 'x', recency: 1, frequency: 2, monetary: 1 },
      { memberId: 'y', recency: 2, frequency: 1, monetary: 2 },
    ]);
    // x: F = 1 + ⌊5·½⌋ = 3, M = 1 → FM = 2.
    assert.deepEqual(first, { memberId: 'x', r: 3, f: 3, m: 1, fm: 2, segment: 'need_attention' });
  });
});
