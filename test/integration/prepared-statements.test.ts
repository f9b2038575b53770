import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { effectSums } from '../../src/store/analytics-campaigns.js';
import type { Database } from '../../src/store/db.js';
import { loadOpenLotsMany } from '../../src/store/ledger.js';
import { freshDatabase } from '../support/harness.js';

// PostgreSQL only: PGlite has no named statements of ours.
describe('prepared statements (postgres)', () => {
  let database: Database;
  before(async () => {
    database = await freshDatabase('postgres', 1); // one connection, so every statement meets the same session
  });
  after(() => database.close());

  test('the hot path is prepared; a statement marked plan-each-call is not, so PostgreSQL never gives it a generic plan', async () => {
    const member = '01900000-0000-7000-8000-000000000001';
    for (let i = 0; i < 7; i++) {
      await loadOpenLotsMany(database.db, [member]);
      await effectSums(database.db, '01900000-0000-7000-8000-000000000000', new Date('2026-01-01'), new Date('2026-02-01'), 'spring');
    }
    const prepared = (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(database.db)).rows.map((r) => r.statement);
    assert.ok(prepared.some((s) => s.includes('from lots where member_id = any')), 'the lots read is a prepared statement');
    assert.deepEqual(
      prepared.filter((s) => s.includes('campaign_effects') || s.includes('plan each call')),
      [],
      'the campaign report statements are planned on every call',
    );
  });
});
