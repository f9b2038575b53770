import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES, startServer, type TestServer } from '../support/harness.js';

const tverskaya = {
  id: 'MSK-01',
  name: 'Маркет на Тверской',
  address: 'Москва, ул. Тверская, 18',
  city: 'Москва',
  latitude: 55.7652,
  longitude: 37.6039,
  openingHours: { mon: [['08:00', '23:00']], sun: [['10:00', '20:00']] },
  phone: '+74950000001',
};

for (const kind of DATABASES) {
  describe(`stores and the audit log (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    test('an admin adds stores; the member app lists them nearest first; a till may read but not write', async () => {
      const made = await s.request('POST', '/v1/stores', tverskaya, { key: s.adminKey });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.deepEqual({ ...made.body, createdAt: undefined, updatedAt: undefined }, { ...tverskaya, partner: null, archived: false, createdAt: undefined, updatedAt: undefined });
      const mytishchi = await s.request('POST', '/v1/stores', { id: 'MYT-01', name: 'Маркет Мытищи', latitude: 55.9108, longitude: 37.7331 }, { key: s.adminKey });
      assert.equal(mytishchi.status, 201);
      assert.equal((await s.request('POST', '/v1/stores', { id: 'WEB', name: 'Интернет-магазин' }, { key: s.adminKey })).status, 201);

      const byName = await s.request('GET', '/v1/stores');
      assert.deepEqual(byName.body.items.map((x: any) => x.id), ['WEB', 'MYT-01', 'MSK-01']);
      // From Mytishchi station: the Mytishchi store (≈ 0.3 km) before Tverskaya (≈ 17 km); the web shop has no place.
      const near = await s.request('GET', '/v1/stores?near=55.9135,37.7340');
      assert.deepEqual(near.body.items.map((x: any) => x.id), ['MYT-01', 'MSK-01', 'WEB']);
      assert.ok(near.body.items[0].distance < 500 && near.body.items[1].distance > 15_000 && near.body.items[1].distance < 20_000);
      assert.equal(near.body.items[2].distance, undefined);

      const asTill = await s.request('POST', '/v1/stores', { id: 'X', name: 'X' });
      assert.equal(asTill.status, 403);
    });

    test('bad store data is refused with the field named, and changes nothing', async () => {
      const taken = await s.request('POST', '/v1/stores', tverskaya, { key: s.adminKey });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.code, 'STORE_EXISTS');
      const half = await s.request('POST', '/v1/stores', { id: 'HALF', name: 'x', latitude: 55.7 }, { key: s.adminKey });
      assert.equal(half.status, 400);
      assert.deepEqual(half.body.errors, [{ pointer: '/longitude', detail: 'latitude and longitude are given together or not at all' }]);
      const badHours = await s.request('PATCH', '/v1/stores/MSK-01', { openingHours: { mon: [['8:00', '25:00']] } }, { key: s.adminKey });
      assert.equal(badHours.status, 400);
      assert.deepEqual(badHours.body.errors.map((e: any) => e.pointer), ['/openingHours/mon/0/0', '/openingHours/mon/0/1']);
      const unknownDay = await s.request('PATCH', '/v1/stores/MSK-01', { openingHours: { monday: [] } }, { key: s.adminKey });
      assert.equal(unknownDay.status, 400);
      assert.equal((await s.request('GET', '/v1/stores/HALF')).status, 404);
      assert.deepEqual((await s.request('GET', '/v1/stores/MSK-01')).body.openingHours, tverskaya.openingHours);
      assert.equal((await s.request('PATCH', '/v1/stores/NOPE', { name: 'y' }, { key: s.adminKey })).body.code, 'STORE_NOT_FOUND');
    });

    test('an archived store leaves the list but can still be read and brought back', async () => {
      const archived = await s.request('PATCH', '/v1/stores/WEB', { archived: true }, { key: s.adminKey });
      assert.equal(archived.body.archived, true);
      assert.ok(!(await s.request('GET', '/v1/stores')).body.items.some((x: any) => x.id === 'WEB'));
      assert.ok((await s.request('GET', '/v1/stores?includeArchived=true')).body.items.some((x: any) => x.id === 'WEB'));
      assert.equal((await s.request('GET', '/v1/stores/WEB')).body.archived, true);
      assert.equal((await s.request('PATCH', '/v1/stores/WEB', { archived: false }, { key: s.adminKey })).body.archived, false);
    });

    test('every change is in the audit log with who made it and the values before and after', async () => {
      const changed = await s.request('PATCH', '/v1/program', { settings: { maxRedeemPercent: 50 } }, { key: s.adminKey });
      assert.equal(changed.status, 200);
      const log = await s.request('GET', '/v1/audit?limit=2', undefined, { key: s.adminKey });
      assert.equal(log.status, 200);
      const [last, previous] = log.body.items;
      assert.deepEqual([last.action, last.entity, last.before.settings.maxRedeemPercent, last.after.settings.maxRedeemPercent], ['update', 'program', 30, 50]);
      assert.match(last.actor, /^key:/);
      assert.deepEqual([previous.action, previous.entity, previous.entityId, previous.before.archived, previous.after.archived], ['update', 'store', 'WEB', true, false]);
      assert.ok(log.body.nextCursor);

      const storeHistory = await s.request('GET', '/v1/audit?entity=store&entityId=WEB', undefined, { key: s.adminKey });
      assert.deepEqual(storeHistory.body.items.map((e: any) => e.action), ['update', 'archive', 'create']);
      const page2 = await s.request('GET', `/v1/audit?limit=2&cursor=${log.body.nextCursor}`, undefined, { key: s.adminKey });
      assert.notEqual(page2.body.items[0].id, previous.id);
      // A refused change writes nothing to the log.
      assert.ok(!storeHistory.body.items.some((e: any) => e.entityId === 'HALF'));
      assert.equal((await s.request('GET', '/v1/audit')).status, 403, 'a till key cannot read the audit log');
    });
  });
}
