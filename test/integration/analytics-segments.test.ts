import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { recomputeRfm } from '../../src/app/analytics/rfm.js';
import { recomputeRuleSegments } from '../../src/app/analytics/segment-jobs.js';
import { segmentIdsOfMembers } from '../../src/store/analytics-segments.js';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`segments (${kind})`, () => {
    let s: TestServer;
    const m: Record<string, string> = {};
    const seg: Record<string, string> = {};
    const admin = (method: string, path: string, body?: unknown) => s.request(method, path, body, { key: s.adminKey });
    const buy = async (member: string, rub: number, day: string) => {
      const res = await s.request('POST', '/v1/purchases', receipt([line('SKU', 1, rub)], { memberId: member, occurredAt: `${day}T09:00:00Z` }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    const members = async (id: string) => (await admin('GET', `/v1/segments/${id}/members?limit=50`)).body.items.map((i: any) => i.memberId).sort();
    const sorted = (...ids: string[]) => ids.sort();

    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
      s.clock.current = new Date('2026-03-09T11:00:00Z');
      m.anna = await enrol(s, { name: 'Анна', city: 'Москва', attributes: { vip: true } });
      m.boris = await enrol(s, { name: 'Борис', city: 'Москва' });
      m.clara = await enrol(s, { name: 'Клара', city: 'Казань' });
      m.dmitry = await enrol(s, { name: 'Дмитрий', city: 'Москва' });
      for (const day of ['2026-03-02', '2026-03-05', '2026-03-09']) await buy(m.anna!, 1000, day);
      await buy(m.boris!, 500, '2026-03-02');
      for (const day of ['2026-03-03', '2026-03-08']) await buy(m.clara!, 2000, day);
      // The job looks 10 minutes back from its last run (transactions in flight): keep this history out of it.
      s.clock.current = new Date('2026-03-09T12:00:00Z');
    });
    after(() => s.close());

    test('rule segments are created empty and computed by the job', async () => {
      const rules = {
        moscowRegulars: { match: 'all', conditions: [{ kind: 'profile', field: 'city', op: 'in', values: ['Москва'] }, { kind: 'purchases', windowDays: 30, min: 2 }] },
        lapsed: { match: 'all', conditions: [{ kind: 'last_purchase', minDays: 7 }] },
        valuable: { match: 'any', conditions: [{ kind: 'attribute', name: 'vip', op: 'eq', value: true }, { kind: 'spend', windowDays: 30, min: 300_000 }] },
      };
      for (const [name, rule] of Object.entries(rules)) {
        const res = await admin('POST', '/v1/segments', { name, rule });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.deepEqual([res.body.kind, res.body.memberCount, res.body.computedAt], ['rule', null, null]);
        seg[name] = res.body.id;
      }
      const run = await recomputeRuleSegments(s.ctx, s.programId);
      assert.deepEqual([run.fullSegments, run.changedMembers], [3, 0], 'the first run computes every segment over every member');
      assert.deepEqual(await members(seg.moscowRegulars!), [m.anna]);
      assert.deepEqual(await members(seg.lapsed!), sorted(m.boris!, m.dmitry!), 'Boris last bought 7 days ago, Dmitry never');
      assert.deepEqual(await members(seg.valuable!), sorted(m.anna!, m.clara!));
      const view = (await admin('GET', `/v1/segments/${seg.valuable}`)).body;
      assert.deepEqual([view.memberCount, view.computedAt], [2, '2026-03-09T12:00:00.000Z']);
    });

    test('members who change are moved between segments at the next run', async () => {
      s.clock.advance(3_600_000);
      await buy(m.boris!, 500, '2026-03-09');
      assert.equal((await admin('PATCH', `/v1/members/${m.anna}`, { city: 'Казань' })).status, 200);
      s.clock.advance(3_600_000);
      const run = await recomputeRuleSegments(s.ctx, s.programId);
      assert.deepEqual([run.fullSegments, run.changedMembers], [0, 2]);
      assert.deepEqual(await members(seg.moscowRegulars!), [m.boris]);
      assert.deepEqual(await members(seg.lapsed!), [m.dmitry]);
      const borisSegments = (await s.request('GET', `/v1/members/${m.boris}/segments`, undefined, { key: s.readonlyKey })).body.items;
      assert.deepEqual(borisSegments.map((x: any) => [x.name, x.since]), [['moscowRegulars', '2026-03-09T14:00:00.000Z']], 'since the run that found the change');
      const ids = await segmentIdsOfMembers(s.database.db, [m.anna!, m.boris!, m.dmitry!, '00000000-0000-0000-0000-000000000000']);
      assert.deepEqual([...ids.entries()], [
        [m.anna, [seg.valuable]],
        [m.boris, [seg.moscowRegulars]],
        [m.dmitry, [seg.lapsed]],
        ['00000000-0000-0000-0000-000000000000', []],
      ]);
      const anna = (await s.request('GET', `/v1/members/${m.anna}/segments`, undefined, { key: s.readonlyKey })).body.items;
      assert.deepEqual(anna.map((x: any) => x.since), ['2026-03-09T12:00:00.000Z'], 'a member who stays keeps the time they joined');
    });

    test('windows move with time: the daily full run drops members whose purchases left the window', async () => {
      s.clock.current = new Date('2026-04-08T12:00:00Z');
      await recomputeRuleSegments(s.ctx, s.programId);
      assert.deepEqual(await members(seg.moscowRegulars!), [m.boris], 'nobody changed: the incremental run leaves it');
      await recomputeRuleSegments(s.ctx, s.programId, { full: true });
      assert.deepEqual(await members(seg.moscowRegulars!), []);
      assert.deepEqual(await members(seg.lapsed!), sorted(m.anna!, m.boris!, m.clara!, m.dmitry!));
    });

    test('a changed rule waits for the job; built-in segments cannot be changed; bad rules are refused', async () => {
      const changed = await admin('PATCH', `/v1/segments/${seg.valuable}`, { rule: { match: 'all', conditions: [{ kind: 'attribute', name: 'vip', op: 'exists' }] } });
      assert.deepEqual([changed.status, changed.body.memberCount, changed.body.computedAt], [200, 1, null], 'the old members (Anna, the VIP) stay until the job has computed the new rule');
      await recomputeRuleSegments(s.ctx, s.programId);
      assert.deepEqual(await members(seg.valuable!), [m.anna]);
      const rfm = (await admin('GET', '/v1/segments?kind=rfm')).body.items;
      assert.equal(rfm.length, 10);
      assert.deepEqual([rfm[0].code, rfm[0].names], ['rfm:at_risk', { ru: 'В зоне риска', en: 'At risk' }]);
      const builtIn = await admin('PATCH', `/v1/segments/${rfm[0].id}`, { name: 'x' });
      assert.deepEqual([builtIn.status, builtIn.body.code], [409, 'SEGMENT_READ_ONLY']);
      assert.equal((await admin('DELETE', `/v1/segments/${rfm[0].id}`)).status, 409);
      const minMax = await admin('POST', '/v1/segments', { name: 'bad', rule: { match: 'all', conditions: [{ kind: 'purchases', windowDays: 30, min: 5, max: 2 }] } });
      assert.deepEqual([minMax.status, minMax.body.code, minMax.body.errors[0].pointer], [422, 'INVALID_SEGMENT_RULE', '/rule/conditions/0/min']);
      const unknown = await admin('POST', '/v1/segments', { name: 'bad', rule: { match: 'all', conditions: [{ kind: 'horoscope' }] } });
      assert.deepEqual([unknown.status, unknown.body.code], [400, 'VALIDATION_FAILED']);
      assert.equal((await s.request('POST', '/v1/segments', { name: 'x', rule: { match: 'all', conditions: [{ kind: 'enrolled', minDays: 1 }] } }, { key: s.readonlyKey })).status, 403);
    });

    test('a deleted segment is gone with its memberships', async () => {
      assert.equal((await admin('DELETE', `/v1/segments/${seg.lapsed}`)).status, 204);
      const gone = await admin('GET', `/v1/segments/${seg.lapsed}/members`);
      assert.deepEqual([gone.status, gone.body.code], [404, 'SEGMENT_NOT_FOUND']);
      assert.deepEqual((await segmentIdsOfMembers(s.database.db, [m.dmitry!])).get(m.dmitry!), []);
    });
  });

  describe(`RFM (${kind})`, () => {
    let s: TestServer;
    const m: string[] = [];
    const buy = async (member: string, rub: number, day: string) => {
      const res = await s.request('POST', '/v1/purchases', receipt([line('SKU', 1, rub)], { memberId: member, occurredAt: `${day}T09:00:00Z` }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
      s.clock.current = new Date('2026-03-31T12:00:00Z');
      // Member i (0…4) bought 5 − i times, last 0, 3, 10, 20, 28 days ago; a sixth member never bought.
      const spec = [[2000, 0], [1000, 3], [500, 10], [300, 20], [100, 28]] as const;
      for (const [i, [rub, last]] of spec.entries()) {
        m.push(await enrol(s, { name: `M${i}` }));
        for (let k = 0; k < 5 - i; k++) await buy(m[i]!, rub, new Date(Date.parse('2026-03-31') - (last + k) * 86_400_000).toISOString().slice(0, 10));
      }
      m.push(await enrol(s, { name: 'never' }));
    });
    after(() => s.close());

    const rfmSegmentOf = async (code: string) => {
      const list = (await s.request('GET', '/v1/segments?kind=rfm', undefined, { key: s.adminKey })).body.items;
      const id = list.find((x: any) => x.code === code).id;
      return (await s.request('GET', `/v1/segments/${id}/members`, undefined, { key: s.adminKey })).body.items.map((x: any) => x.memberId).sort();
    };

    test('scores are quintiles of the members who bought in the window; the grid and segment sizes follow', async () => {
      assert.deepEqual((await recomputeRfm(s.ctx, s.programId)).members, 5);
      const r = (await s.request('GET', '/v1/analytics/rfm', undefined, { key: s.readonlyKey })).body;
      assert.deepEqual([r.members, r.windowDays, r.computedAt], [5, 365, '2026-03-31T12:00:00.000Z']);
      assert.deepEqual(r.grid.filter((c: any) => c.members > 0).map((c: any) => [c.r, c.fm, c.segment, c.members]), [
        [5, 5, 'champions', 1],
        [4, 4, 'loyal', 1],
        [3, 3, 'need_attention', 1],
        [2, 2, 'hibernating', 1],
        [1, 1, 'lost', 1],
      ]);
      assert.equal(r.grid.length, 25);
      const sizes = Object.fromEntries(r.segments.map((x: any) => [x.segment, [x.members, x.share]]));
      assert.deepEqual(sizes.champions, [1, 0.2]);
      assert.deepEqual(sizes.cant_lose_them, [0, 0]);
      assert.deepEqual(r.segments.find((x: any) => x.segment === 'lost').ru, 'Потерянные');
      assert.deepEqual(r.ranges.filter((x: any) => x.measure === 'r').map((x: any) => [x.score, x.min, x.max]), [[1, 28, 28], [2, 20, 20], [3, 10, 10], [4, 3, 3], [5, 0, 0]]);
      assert.deepEqual(await rfmSegmentOf('rfm:champions'), [m[0]]);
    });

    test('after a member changes, the next recompute moves the segments', async () => {
      for (let k = 0; k < 6; k++) await buy(m[4]!, 3000, '2026-03-31');
      await recomputeRfm(s.ctx, s.programId);
      const r = (await s.request('GET', '/v1/analytics/rfm', undefined, { key: s.readonlyKey })).body;
      const sizes = Object.fromEntries(r.segments.map((x: any) => [x.segment, x.members]));
      assert.deepEqual([sizes.champions, sizes.loyal, sizes.need_attention, sizes.hibernating, sizes.lost], [0, 2, 1, 1, 1]);
      assert.deepEqual(await rfmSegmentOf('rfm:loyal'), [m[0], m[4]].sort());
      assert.deepEqual(await rfmSegmentOf('rfm:champions'), []);
      const segs = (await s.request('GET', `/v1/members/${m[4]}/segments`, undefined, { key: s.readonlyKey })).body.items;
      assert.deepEqual(segs.map((x: any) => x.code), ['rfm:loyal']);
    });
  });
}
