import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { analyticsJob } from '../../src/jobs/analytics.js';
import { enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

// PostgreSQL only: the embedded database belongs to one process and its tasks run in-process.
describe('analytics tasks in worker threads (postgres)', () => {
  let s: TestServer;
  const admin = (method: string, path: string) => s.request(method, path, undefined, { key: s.adminKey });

  before(async () => {
    s = await startServer('postgres', { pendingDays: 0 });
    s.ctx.isolation = { databaseUrl: s.database.url!, maxHeapMb: 256 };
    s.clock.current = new Date('2026-04-19T18:00:00Z');
    // 30 members over 12 weeks: the first 20 buy every other week, the rest twice, early.
    for (let i = 0; i < 30; i++) {
      const member = await enrol(s);
      const days = i < 20 ? [0, 14, 28, 42, 56, 70] : [0, 7];
      for (const d of days) {
        const at = new Date(Date.parse('2026-01-26T09:00:00Z') + (d + (i % 3)) * 86_400_000).toISOString();
        const res = await s.request('POST', '/v1/purchases', receipt([line('SKU', 1, 400 + 10 * i)], { memberId: member, occurredAt: at }));
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    }
  });
  after(() => s.close());

  test('the model fit runs in a worker: same result over HTTP, stamped with the caller’s clock', async () => {
    const res = await admin('POST', '/v1/analytics/models/fit');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.members, res.body.repeatMembers, res.body.calibrationEnd], [30, 30, '2026-04-19']);
    const fittedAt = Date.parse(res.body.fittedAt);
    assert.ok(fittedAt >= s.clock.current.getTime() && fittedAt < s.clock.current.getTime() + 60_000, `${res.body.fittedAt} continues the test clock`);
    assert.deepEqual((await admin('GET', '/v1/analytics/models')).body, res.body);
    const stored = await sql<{ n: number }>`select count(*)::int as n from member_predictions where program_id = ${s.programId}`.execute(s.database.db);
    assert.equal(stored.rows[0]!.n, 30);
  });

  test('a domain error in the worker is the same problem, with its details', async () => {
    const early = await admin('POST', '/v1/analytics/models/fit?calibrationEnd=2025-01-01');
    assert.deepEqual([early.status, early.body.code], [422, 'NOT_ENOUGH_DATA'], JSON.stringify(early.body));
    const late = await admin('POST', '/v1/analytics/models/fit?calibrationEnd=2026-05-01');
    assert.deepEqual([late.status, late.body.code, late.body.errors], [422, 'INVALID_DATE_RANGE', [{ pointer: 'querystring:/calibrationEnd', detail: 'must not be after today' }]]);
  });

  test('a task that outgrows its heap fails with ANALYTICS_OUT_OF_MEMORY and the server goes on', async () => {
    const before = (await admin('GET', '/v1/analytics/models')).body;
    s.ctx.isolation = { databaseUrl: s.database.url!, maxHeapMb: 4 };
    try {
      const res = await admin('POST', '/v1/analytics/models/fit');
      assert.deepEqual([res.status, res.body.code], [503, 'ANALYTICS_OUT_OF_MEMORY'], JSON.stringify(res.body));
      assert.match(res.body.detail, /ANALYTICS_HEAP_MB/);
    } finally {
      s.ctx.isolation = { databaseUrl: s.database.url!, maxHeapMb: 256 };
    }
    assert.deepEqual((await admin('GET', '/v1/analytics/models')).body, before, 'nothing was written');
    const member = await enrol(s);
    assert.equal((await s.request('POST', '/v1/purchases', receipt([line('SKU', 1, 100)], { memberId: member }))).status, 201);
  });

  test('the analytics job runs in a worker: aggregates, RFM and segments are written, failures reported', async () => {
    const logged: string[] = [];
    const log = { info: (_: object, msg: string) => logged.push(msg), error: (_: object, msg: string) => logged.push(`error: ${msg}`) };
    const runs = await analyticsJob(s.ctx, log);
    const mine = runs.find((r) => r.programId === s.programId);
    assert.ok(mine && mine.daily && mine.aggregatedDays > 0 && mine.rfmMembers === 31, JSON.stringify(runs));
    assert.deepEqual(logged.filter((m) => m.startsWith('error')), []);
    const kpis = await admin('GET', '/v1/analytics/kpis?from=2026-01-01&to=2026-04-19&interval=month');
    assert.equal(kpis.status, 200, JSON.stringify(kpis.body));
    assert.deepEqual([kpis.body.totals.members, kpis.body.totals.memberPurchases], [31, 20 * 6 + 10 * 2 + 1]);
  });
});
