import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors.js';
import { decodeCursor, encodeCursor, pageInMemory, parseSort, type ListSpec } from '../../src/domain/list-paging.js';

const SPEC: ListSpec<'createdAt' | 'name' | 'points'> = { list: 'things', keys: { createdAt: 'instant', name: 'text', points: 'integer' }, id: 'uuid', defaultSort: '-createdAt' };
const ID = '0190f0c4-1d2e-7a00-8000-000000000001';

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('list sort and cursor', () => {
  test('a sort names a key, with a minus for descending; none means the list default', () => {
    assert.deepEqual(parseSort(SPEC, 'name'), { key: 'name', direction: 'asc' });
    assert.deepEqual(parseSort(SPEC, '-points'), { key: 'points', direction: 'desc' });
    assert.deepEqual(parseSort(SPEC, undefined), { key: 'createdAt', direction: 'desc' });
  });

  test('an unknown sort key is INVALID_SORT, naming the allowed ones', () => {
    assert.equal(codeOf(() => parseSort(SPEC, 'balance')), 'INVALID_SORT');
    assert.equal(codeOf(() => parseSort(SPEC, '--name')), 'INVALID_SORT');
    assert.equal(codeOf(() => parseSort(SPEC, 'constructor')), 'INVALID_SORT');
    try {
      parseSort(SPEC, 'balance');
    } catch (e) {
      assert.match((e as DomainError).message, /createdAt, -createdAt, name, -name, points, -points/);
      assert.deepEqual((e as DomainError).errors?.[0]?.pointer, 'querystring:/sort');
    }
  });

  test('a cursor gives back the row it was made after', () => {
    const sort = parseSort(SPEC, 'name');
    const cursor = encodeCursor('things', sort, { value: 'Мария', id: ID });
    assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'safe in a URL as it is');
    assert.deepEqual(decodeCursor(SPEC, sort, cursor), { value: 'Мария', id: ID });
    assert.equal(decodeCursor(SPEC, sort, undefined), undefined);
  });

  test('a cursor of another sort is CURSOR_SORT_MISMATCH; of another list or garbled, INVALID_CURSOR', () => {
    const byName = encodeCursor('things', parseSort(SPEC, 'name'), { value: 'a', id: ID });
    assert.equal(codeOf(() => decodeCursor(SPEC, parseSort(SPEC, '-name'), byName)), 'CURSOR_SORT_MISMATCH');
    assert.equal(codeOf(() => decodeCursor(SPEC, parseSort(SPEC, 'createdAt'), byName)), 'CURSOR_SORT_MISMATCH');
    assert.equal(codeOf(() => decodeCursor({ ...SPEC, list: 'others' }, parseSort(SPEC, 'name'), byName)), 'INVALID_CURSOR');
    assert.equal(codeOf(() => decodeCursor(SPEC, parseSort(SPEC, 'name'), 'not a cursor')), 'INVALID_CURSOR');
    assert.equal(codeOf(() => decodeCursor(SPEC, parseSort(SPEC, 'name'), Buffer.from('{"a":1}').toString('base64url'))), 'INVALID_CURSOR');
  });

  test('a forged cursor whose value or id is not of the right kind never reaches the database', () => {
    const forge = (sort: string, value: unknown, id: unknown) => Buffer.from(JSON.stringify(['things', sort, value, id])).toString('base64url');
    assert.equal(codeOf(() => decodeCursor(SPEC, parseSort(SPEC, 'createdAt'), forge('createdAt', 'yesterday', ID))), 'INVALID_CURSOR');
    assert.equal(codeOf(() => decodeCursor(SPEC, parseSort(SPEC, 'points'), forge('points', '1; drop table', ID))), 'INVALID_CURSOR');
    assert.equal(codeOf(() => decodeCursor(SPEC, parseSort(SPEC, 'name'), forge('name', 'a', 'not-a-uuid'))), 'INVALID_CURSOR');
    assert.deepEqual(decodeCursor(SPEC, parseSort(SPEC, 'createdAt'), forge('createdAt', '2026-03-02 09:00:00.123456+00', ID)), { value: '2026-03-02 09:00:00.123456+00', id: ID });
  });
});

describe('paging a list in memory', () => {
  const NEAR: ListSpec<'distance'> = { list: 'near', keys: { distance: 'number' }, id: 'text', defaultSort: 'distance' };

  test('every row comes exactly once over all pages, in order, ties broken by id', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), (distances, limit, descending) => {
        const rows = distances.map((d, i) => ({ id: `s${String(i).padStart(3, '0')}`, d }));
        const sort = descending ? '-distance' : 'distance';
        const seen: typeof rows = [];
        let cursor: string | undefined;
        for (let guard = 0; guard <= rows.length + 1; guard++) {
          const page = pageInMemory(NEAR, rows, { limit, sort, cursor }, { distance: (r) => r.d }, (r) => r.id);
          assert.ok(page.items.length <= limit);
          seen.push(...page.items);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        const sign = descending ? -1 : 1;
        const expected = [...rows].sort((a, b) => sign * (a.d - b.d || (a.id < b.id ? -1 : 1)));
        assert.deepEqual(seen, expected);
      }),
    );
  });

  test('the last page says there is no next one', () => {
    const page = pageInMemory(NEAR, [{ id: 'a' }, { id: 'b' }], { limit: 2 }, { distance: () => 1 }, (r) => r.id);
    assert.deepEqual([page.items.length, page.nextCursor], [2, null]);
  });
});
