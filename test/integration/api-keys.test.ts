import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES, startServer, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`API keys (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    test('an admin makes a till key, sees it listed without its secret, and revokes it at once', async () => {
      const made = await s.request('POST', '/v1/api-keys', { role: 'pos', name: 'store 12 till 3' }, { key: s.adminKey });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.match(made.body.key, /^kpk_/);
      assert.equal((await s.request('GET', '/v1/program', undefined, { key: made.body.key })).status, 200);

      const list = await s.request('GET', '/v1/api-keys', undefined, { key: s.adminKey });
      const listed = list.body.items.find((k: any) => k.id === made.body.id);
      assert.deepEqual([listed.name, listed.role, listed.prefix, listed.revokedAt], ['store 12 till 3', 'pos', made.body.key.slice(0, 8), null]);
      assert.ok(!JSON.stringify(list.body).includes(made.body.key), 'the key itself is never listed');

      const revoked = await s.request('DELETE', `/v1/api-keys/${made.body.id}`, undefined, { key: s.adminKey });
      assert.equal(revoked.status, 200);
      assert.equal(revoked.body.revokedAt, s.clock.now().toISOString());
      const refused = await s.request('GET', '/v1/program', undefined, { key: made.body.key });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.code, 'UNAUTHORIZED');
    });

    test('only admin keys manage keys, and only of their own program', async () => {
      const asPos = await s.request('POST', '/v1/api-keys', { role: 'admin' });
      assert.equal(asPos.status, 403);
      assert.equal(asPos.body.code, 'FORBIDDEN');
      const unknown = await s.request('DELETE', '/v1/api-keys/01900000-0000-7000-8000-000000000000', undefined, { key: s.adminKey });
      assert.equal(unknown.status, 404);
      const past = await s.request('POST', '/v1/api-keys', { role: 'pos', expiresAt: '2020-01-01T00:00:00Z' }, { key: s.adminKey });
      assert.equal(past.status, 400);
      assert.deepEqual(past.body.errors, [{ pointer: '/expiresAt', detail: 'must be in the future' }]);
    });
  });
}
