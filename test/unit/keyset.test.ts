import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { keysetFragments, keysetPage, type Keyset } from '../../src/store/keyset.js';
import type { DB } from '../../src/store/schema.js';

// Compiles only: the queries run against both databases in test/integration/list-paging.test.ts.
const db = new Kysely<DB>({
  dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (k) => new PostgresIntrospector(k), createQueryCompiler: () => new PostgresQueryCompiler() },
});

const MEMBERS: Keyset<'createdAt' | 'name'> = {
  columns: { createdAt: { expr: sql`created_at`, type: 'timestamptz' }, name: { expr: sql`lower(coalesce(name, ''))`, type: 'text' } },
  id: 'member_id',
};
const base = () => db.selectFrom('members').select('member_id').where('program_id', '=', 'p');
const ID = '0190f0c4-1d2e-7a00-8000-000000000001';

describe('keyset paging in SQL', () => {
  test('the first page orders by the sort expression, then the id, and reads one row more', () => {
    const q = keysetPage(base(), MEMBERS, { key: 'name', direction: 'asc' }, undefined, 50).compile();
    assert.equal(
      q.sql,
      `select "member_id", (lower(coalesce(name, '')))::text as "sort_value", ("member_id")::text as "sort_id" from "members" where "program_id" = $1 and true order by lower(coalesce(name, '')) asc, "member_id" asc limit $2`,
    );
    assert.deepEqual(q.parameters, ['p', 51]);
  });

  test('a later page starts after the cursor with a row comparison, reversed when descending', () => {
    const q = keysetPage(base(), MEMBERS, { key: 'createdAt', direction: 'desc' }, { value: '2026-03-02 09:00:00.123456+00', id: ID }, 25).compile();
    assert.match(q.sql, /where "program_id" = \$1 and \(created_at, "member_id"\) < \(cast\(\$2 as timestamptz\), \$3\) order by created_at desc, "member_id" desc limit \$4$/);
    assert.deepEqual(q.parameters, ['p', '2026-03-02 09:00:00.123456+00', ID, 26]);
  });

  test('the same pieces serve queries written as sql templates', () => {
    const f = keysetFragments(MEMBERS, { key: 'name', direction: 'asc' }, { value: 'анна', id: ID });
    const q = sql`select member_id, ${f.select} from members where ${f.where} order by ${f.orderBy}`.compile(db);
    assert.equal(
      q.sql,
      `select member_id, (lower(coalesce(name, '')))::text as sort_value, ("member_id")::text as sort_id from members where (lower(coalesce(name, '')), "member_id") > (cast($1 as text), $2) order by lower(coalesce(name, '')) asc, "member_id" asc`,
    );
    assert.deepEqual(q.parameters, ['анна', ID]);
  });
});
