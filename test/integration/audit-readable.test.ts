import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/app/api-keys.js';
import { auditFirstStart } from '../../src/app/audit.js';
import { fillDemo } from '../../src/app/demo/fill.js';
import { DATABASES, startServer, type TestServer } from '../support/harness.js';

const CSRF = { 'x-kopilka-csrf': '1' };

/*
 * The audit log reads as people know each other: who by name and e-mail (not `admin-user:<uuid>`),
 * what changed field by field; and the server's own doings (first start, the demo fill) are in it.
 */
for (const kind of DATABASES) {
  describe(`a readable audit log (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
    });
    after(() => s.close());

    test('a change by an admin user names them and lists only the fields that changed', async () => {
      const added = await s.request('POST', '/v1/admin-users', { email: 'olga@shop.example', name: 'Ольга Петрова', role: 'owner', password: 'correct horse battery' }, { key: s.adminKey });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      const signedIn = await s.request('POST', '/v1/auth/admin/sign-in', { programId: s.programId, email: 'olga@shop.example', password: 'correct horse battery' }, { key: null, headers: CSRF });
      const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
      const changed = await s.request('PATCH', '/v1/program', { settings: { maxRedeemPercent: 50 } }, { key: null, headers: { cookie, ...CSRF } });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      const [entry] = (await s.request('GET', '/v1/audit?limit=1', undefined, { key: s.adminKey })).body.items;
      assert.equal(entry.actor, `admin-user:${added.body.user.id}`);
      assert.deepEqual(entry.who, { kind: 'admin_user', id: added.body.user.id, name: 'Ольга Петрова', email: 'olga@shop.example' });
      assert.deepEqual(entry.changes, [{ path: 'settings.maxRedeemPercent', before: 30, after: 50 }]);
    });

    test('a change by an API key names the key', async () => {
      const key = await createApiKey(s.ctx, { programId: s.programId, role: 'admin', name: 'Учётная система' });
      const store = await s.request('POST', '/v1/stores', { id: 'MSK-01', name: 'На Тверской' }, { key: key.key });
      assert.equal(store.status, 201, JSON.stringify(store.body));
      const [entry] = (await s.request('GET', '/v1/audit?limit=1', undefined, { key: s.adminKey })).body.items;
      assert.deepEqual([entry.action, entry.entity, entry.who], ['create', 'store', { kind: 'api_key', id: key.id, name: 'Учётная система', email: null }]);
      assert.deepEqual(entry.changes.find((c: { path: string }) => c.path === 'name'), { path: 'name', after: 'На Тверской' });
    });

    test('the first start and the demo fill are in the log', async () => {
      await auditFirstStart(s.ctx, s.ctx.db, { programId: s.programId, programName: 'Test program', adminKeyId: 'k1', ownerEmail: 'owner@kopilka.local' });
      await fillDemo(s.database.db, { programId: s.programId, members: 3, months: 1, seed: 7, now: s.clock.now() });
      const log = (await s.request('GET', '/v1/audit?entity=program&limit=2', undefined, { key: s.adminKey })).body.items;
      assert.deepEqual(
        log.map((e: { action: string; who: { kind: string } }) => [e.action, e.who.kind]),
        [
          ['demo_fill', 'demo'],
          ['first_start', 'first_start'],
        ],
      );
      assert.equal(log[0].after.members, 3);
      assert.deepEqual(log[1].after, { name: 'Test program', adminKeyId: 'k1', ownerEmail: 'owner@kopilka.local' });
    });
  });
}
