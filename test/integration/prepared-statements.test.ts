import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { dirtyDays, recomputeDays } from '../../src/store/analytics-aggregate.js';
import { monthlyCosts } from '../../src/store/analytics-blocks.js';
import { effectSums } from '../../src/store/analytics-campaigns.js';
import { purchaseDays } from '../../src/store/analytics-models.js';
import { responseCounts } from '../../src/store/analytics-nps.js';
import { cohortData, membersBefore, periodSums, periodVisits, pointTotals } from '../../src/store/analytics-read.js';
import { rfmInputs } from '../../src/store/analytics-rfm.js';
import { memberFacts, membersChangedSince } from '../../src/store/analytics-segments.js';
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

  test('every analytics statement that reads a date range is planned on every call (reports, the aggregation job, RFM, segments, the model fit)', async () => {
    const programId = '01900000-0000-7000-8000-0000000000aa';
    const timeZone = 'Europe/Moscow';
    const start = new Date('2026-01-01T00:00:00Z');
    const end = new Date('2026-03-01T00:00:00Z');
    // Today inside the range, so the reports also run the live day rows of the job's SQL.
    const scope = { programId, timeZone, today: '2026-02-10', from: '2026-01-01', to: '2026-02-28', storeId: '' };
    for (let i = 0; i < 7; i++) {
      await periodSums(database.db, scope, 'month');
      await periodVisits(database.db, scope, 'week');
      await membersBefore(database.db, programId, '2026-01-01');
      await pointTotals(database.db, scope);
      await cohortData(database.db, scope);
      await monthlyCosts(database.db, scope, 100);
      await responseCounts(database.db, { programId, timeZone, from: scope.from, start, end, interval: 'month' });
      await rfmInputs(database.db, programId, timeZone, scope.today, start, end);
      await memberFacts(database.db, programId, timeZone, start, { after: null, limit: 10 });
      await membersChangedSince(database.db, programId, start);
      await dirtyDays(database.db, programId, timeZone, start);
      await purchaseDays(database.db, programId, timeZone, end);
      await database.db.transaction().execute((tx) => recomputeDays(tx, { programId, timeZone, days: ['2026-01-05', '2026-01-06'] }));
    }
    const prepared = (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(database.db)).rows.map((r) => r.statement);
    const rangeReads = prepared.filter((s) => /analytics_days|analytics_visits|analytics_cohort_days|campaign_effects|nps_responses|member_rfm|occurred_at >=|occurred_at <|created_at >=|updated_at >=/.test(s));
    assert.deepEqual(rangeReads, [], 'no statement over a date range is prepared');
    assert.deepEqual(prepared.filter((s) => s.includes('plan each call')), [], 'a marked statement is never prepared');
  });
});
