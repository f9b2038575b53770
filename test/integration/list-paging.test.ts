import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { campaign } from '../support/campaigns.js';
import { DATABASES, enrol, startServer, type Response, type TestServer } from '../support/harness.js';

/*
 * The list contract (docs/api-lists.md) over HTTP: walking every page of a list gives every row
 * exactly once, in the asked order, ties broken by id; bad sorts and cursors are 400 problems.
 * Names are lower-case Latin so that both databases' collations order them as JavaScript does.
 */

interface Row {
  id: string;
  [field: string]: unknown;
}

const byKeys =
  (...keys: ((r: Row) => string | number)[]) =>
  (a: Row, b: Row): number => {
    for (const key of [...keys, (r: Row) => r.id]) {
      const x = key(a);
      const y = key(b);
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };
const desc =
  (order: (a: Row, b: Row) => number) =>
  (a: Row, b: Row): number =>
    order(b, a);

for (const kind of DATABASES) {
  describe(`every list pages and sorts on the server (${kind})`, () => {
    let s: TestServer;
    const admin = () => ({ key: s.adminKey });
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    /** Follows nextCursor to the end; every page holds at most `limit` rows. */
    async function walk(path: string, limit: number): Promise<{ rows: Row[]; pages: number }> {
      const rows: Row[] = [];
      let cursor: string | null = null;
      let pages = 0;
      const sep = path.includes('?') ? '&' : '?';
      do {
        const res: Response = await s.request('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, admin());
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.items.length <= limit);
        rows.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages++;
        assert.ok(pages < 100, 'paging ends');
      } while (cursor);
      return { rows, pages };
    }

    async function assertWalk(path: string, limit: number, expected: Row[]) {
      const { rows, pages } = await walk(path, limit);
      assert.deepEqual(
        rows.map((r) => r.id),
        expected.map((r) => r.id),
        path,
      );
      assert.equal(pages, Math.max(1, Math.ceil(expected.length / limit)), `${path}: no empty last page`);
    }

    test('members: newest first by default, by name, oldest first; a name filter pages too', async () => {
      const names = ['olga', 'ivan', null, 'boris', 'ivan', 'anna', 'zoya', 'boris', 'elena', 'ivan', 'maria', null, 'pavel'];
      for (const [i, name] of names.entries()) {
        if (i % 3 !== 0) s.clock.advance(1_000); // every third member joins in the same millisecond as the one before
        const res = await s.request('POST', '/v1/members', name === null ? {} : { name });
        assert.equal(res.status, 201);
      }
      const all = (await walk('/v1/members', 200)).rows;
      assert.equal(all.length, names.length);
      const joined = (r: Row) => r.createdAt as string;
      const name = (r: Row) => ((r.name as string | null) ?? '').toLowerCase();
      await assertWalk('/v1/members', 4, [...all].sort(desc(byKeys(joined))));
      await assertWalk('/v1/members?sort=createdAt', 5, [...all].sort(byKeys(joined)));
      await assertWalk('/v1/members?sort=name', 3, [...all].sort(byKeys(name)));
      await assertWalk('/v1/members?sort=-name', 4, [...all].sort(desc(byKeys(name))));
      await assertWalk('/v1/members?sort=name&name=iv', 2, all.filter((r) => r.name === 'ivan').sort(byKeys(name)));
    });

    test('stores: by name, city or date added; nearest first with near', async () => {
      const cities = ['moskva', 'tver', null, 'moskva', 'kazan', 'tver', 'moskva', null, 'sochi'];
      for (const [i, city] of cities.entries()) {
        s.clock.advance(i % 2 === 0 ? 0 : 500);
        const res = await s.request('POST', '/v1/stores', { id: `S-${i}`, name: `store ${'kdbhagfcei'[i]}`, city, latitude: 55 + i / 100, longitude: 37 }, admin());
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const all = (await walk('/v1/stores', 200)).rows;
      assert.equal(all.length, cities.length);
      await assertWalk('/v1/stores', 4, [...all].sort(byKeys((r) => r.name as string)));
      await assertWalk('/v1/stores?sort=-name', 2, [...all].sort(desc(byKeys((r) => r.name as string))));
      await assertWalk('/v1/stores?sort=city', 3, [...all].sort(byKeys((r) => (r.city as string | null) ?? '')));
      await assertWalk('/v1/stores?sort=-createdAt', 4, [...all].sort(desc(byKeys((r) => r.createdAt as string))));
      const near = await walk('/v1/stores?near=55.05,37', 2);
      assert.deepEqual(
        near.rows.map((r) => r.id),
        ['S-5', 'S-4', 'S-6', 'S-3', 'S-7', 'S-2', 'S-8', 'S-1', 'S-0'],
      );
      assert.equal((await s.request('GET', '/v1/stores?near=55,37&sort=name', undefined, admin())).body.code, 'INVALID_SORT', 'near has its own order');
    });

    test('campaigns and coupon series: newest first, by name, by status', async () => {
      for (let i = 0; i < 7; i++) {
        s.clock.advance(i === 3 ? 0 : 1_000);
        const c = campaign(`c-${i}`, { name: `campaign ${'gcaefbd'[i]}`, effects: [{ kind: 'points_fixed', points: 1 }] });
        const res = await s.request('POST', '/v1/campaigns', { campaign: c, ...(i % 2 ? { status: 'active' } : {}) }, admin());
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const campaigns = (await walk('/v1/campaigns', 200)).rows;
      assert.equal(campaigns.length, 7);
      const cname = (r: Row) => (r.campaign as { name: string }).name;
      await assertWalk('/v1/campaigns', 3, [...campaigns].sort(desc(byKeys((r) => r.createdAt as string))));
      await assertWalk('/v1/campaigns?sort=name', 2, [...campaigns].sort(byKeys(cname)));
      await assertWalk('/v1/campaigns?sort=-status', 3, [...campaigns].sort(desc(byKeys((r) => r.status as string))));
      await assertWalk('/v1/campaigns?sort=name&status=active', 2, campaigns.filter((r) => r.status === 'active').sort(byKeys(cname)));

      for (let i = 0; i < 6; i++) {
        s.clock.advance(1_000);
        const res = await s.request('POST', '/v1/coupon-series', { id: `cs-${i}`, name: `series ${'fbdace'[i]}`, kind: 'unique', count: i, prefix: `P${i}` }, admin());
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const series = (await walk('/v1/coupon-series', 200)).rows;
      assert.equal(series.length, 6);
      await assertWalk('/v1/coupon-series', 4, [...series].sort(desc(byKeys((r) => r.createdAt as string))));
      await assertWalk('/v1/coupon-series?sort=name', 4, [...series].sort(byKeys((r) => (r.series as { name: string }).name)));
      assert.deepEqual(
        series.map((r) => [r.id, r.codes]),
        [5, 4, 3, 2, 1, 0].map((i) => [`cs-${i}`, i]),
      );
      const codes = await walk('/v1/coupon-series/cs-5/codes', 2);
      assert.equal(codes.rows.length, 5);
      assert.deepEqual(
        codes.rows.map((r) => r.code),
        codes.rows.map((r) => r.code as string).sort(),
      );
      assert.equal((await s.request('GET', '/v1/coupon-series/nope/codes', undefined, admin())).body.code, 'COUPON_SERIES_NOT_FOUND');
    });

    test("a member's personal coupons: newest first by default, or by code, every code once", async () => {
      const member = await enrol(s);
      const made: string[] = [];
      for (let i = 0; i < 5; i++) {
        s.clock.advance(1_000);
        const res = await s.request('POST', '/v1/coupon-series/cs-5/codes', { count: 1, memberId: member }, admin());
        assert.equal(res.status, 201, JSON.stringify(res.body));
        made.push(...res.body.codes);
      }
      const codesOf = async (query: string) => (await walk(`/v1/members/${member}/coupons${query}`, 2)).rows.map((r) => r.code as string);
      assert.deepEqual(await codesOf(''), [...made].reverse(), 'newest first');
      assert.deepEqual(await codesOf('?sort=code'), [...made].sort());
      const refused = await s.request('GET', `/v1/members/${member}/coupons?sort=uses`, undefined, admin());
      assert.equal(refused.body.code, 'INVALID_SORT');
    });

    test('audit log: newest first, or by action, across everything done above', async () => {
      const all = (await walk('/v1/audit', 200)).rows;
      assert.ok(all.length >= 20, `${all.length} audit entries`);
      await assertWalk('/v1/audit', 7, [...all].sort(desc(byKeys((r) => r.at as string))));
      await assertWalk('/v1/audit?sort=action', 6, [...all].sort(byKeys((r) => r.action as string)));
      await assertWalk('/v1/audit?sort=-entity&entity=store', 4, all.filter((r) => r.entity === 'store').sort(desc(byKeys((r) => r.entity as string))));
    });

    test('the short lists page and sort too: API keys, admin users, segments, surveys, rules versions', async () => {
      const keys = (await walk('/v1/api-keys', 200)).rows;
      await assertWalk('/v1/api-keys?sort=-createdAt', 2, [...keys].sort(desc(byKeys((r) => r.createdAt as string))));
      await assertWalk('/v1/admin-users?sort=email', 1, (await walk('/v1/admin-users', 200)).rows.sort(byKeys((r) => r.email as string)));
      const segments = (await walk('/v1/segments', 200)).rows;
      assert.deepEqual(
        segments.slice(0, 1).map((r) => r.kind),
        ['at_risk'],
        'built-in segments first',
      );
      await assertWalk('/v1/segments?sort=name', 5, [...segments].sort(byKeys((r) => (r.name as string).toLowerCase())));
      for (const name of ['spring', 'autumn', 'winter']) assert.equal((await s.request('POST', '/v1/nps/surveys', { name }, admin())).status, 201);
      await assertWalk('/v1/nps/surveys?sort=name', 2, (await walk('/v1/nps/surveys', 200)).rows.sort(byKeys((r) => r.name as string)));
      const versions = (await walk('/v1/rules/versions', 2)).rows;
      assert.deepEqual(
        versions.map((r) => r.version),
        [...versions.map((r) => r.version as number)].sort((a, b) => b - a),
      );
      assert.deepEqual(versions.filter((r) => r.state === 'in_force').length, 1);
    });

    test('a bad sort or cursor is a 400 problem with a stable code, and changes nothing', async () => {
      const membersBefore = (await walk('/v1/members', 200)).rows.length;
      const bad = await s.request('GET', '/v1/members?sort=balance', undefined, admin());
      assert.deepEqual([bad.status, bad.body.code, bad.body.errors[0].pointer], [400, 'INVALID_SORT', 'querystring:/sort']);
      assert.equal(bad.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const first = (await s.request('GET', '/v1/members?sort=name&limit=2', undefined, admin())).body;
      const other = await s.request('GET', `/v1/members?sort=-createdAt&limit=2&cursor=${first.nextCursor}`, undefined, admin());
      assert.deepEqual([other.status, other.body.code], [400, 'CURSOR_SORT_MISMATCH']);
      const elsewhere = await s.request('GET', `/v1/audit?sort=name&cursor=${first.nextCursor}`, undefined, admin());
      assert.deepEqual([elsewhere.status, elsewhere.body.code], [400, 'INVALID_SORT']);
      const otherList = await s.request('GET', `/v1/stores?sort=name&cursor=${first.nextCursor}`, undefined, admin());
      assert.deepEqual([otherList.status, otherList.body.code], [400, 'INVALID_CURSOR']);
      const garbled = await s.request('GET', '/v1/campaigns?cursor=bm90IGEgY3Vyc29y', undefined, admin());
      assert.deepEqual([garbled.status, garbled.body.code], [400, 'INVALID_CURSOR']);
      const forged = Buffer.from(JSON.stringify(['members', 'name', 'x', "'; drop table members; --"])).toString('base64url');
      assert.deepEqual((await s.request('GET', `/v1/members?sort=name&cursor=${forged}`, undefined, admin())).body.code, 'INVALID_CURSOR');
      const tooMany = await s.request('GET', '/v1/members?limit=201', undefined, admin());
      assert.deepEqual([tooMany.status, tooMany.body.code], [400, 'VALIDATION_FAILED']);
      assert.equal((await walk('/v1/members', 200)).rows.length, membersBefore, 'nothing changed');
    });
  });
}
