import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newOperatorKey } from '../../src/app/operator.js';
import { DATABASES, startServer, type TestServer } from '../support/harness.js';

/*
 * An operator opens programs over the API with the operator key (docs/adr/0023-operator-key.md):
 * the server holds only its hash; the key lists and opens programs and reads no program's data.
 */

for (const kind of DATABASES) {
  describe(`the operator key opens programs over the API (${kind})`, () => {
    let s: TestServer;
    const operator = newOperatorKey();
    const rotated = newOperatorKey();

    before(async () => {
      s = await startServer(kind);
      s.ctx.auth = { ...s.ctx.auth, operatorKeyHashes: [operator.hash, rotated.hash] };
    });
    after(() => s.close());

    test('POST /v1/programs opens a program with its first admin key and owner, each shown once', async () => {
      const res = await s.request('POST', '/v1/programs', { name: 'Магазин у дома', currency: 'usd', timeZone: 'Asia/Yekaterinburg', locale: 'en', owner: { email: 'Anna@Shop.RU' } }, { key: operator.key });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const { program, adminKey, owner } = res.body;
      assert.equal(program.name, 'Магазин у дома');
      assert.deepEqual([program.settings.currency, program.settings.timeZone, program.settings.locale], ['USD', 'Asia/Yekaterinburg', 'en']);
      assert.match(adminKey.key, /^kpk_/);
      assert.equal(owner.email, 'anna@shop.ru');

      const own = await s.request('GET', '/v1/program', undefined, { key: adminKey.key });
      assert.equal(own.status, 200);
      assert.equal(own.body.id, program.id);
      const signIn = await s.request('POST', '/v1/auth/admin/sign-in', { programId: program.id, email: 'anna@shop.ru', password: owner.password }, { key: null, headers: { 'x-kopilka-csrf': '1' } });
      assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
      const log = await s.request('GET', '/v1/audit?entity=program', undefined, { key: adminKey.key });
      assert.deepEqual(
        log.body.items.map((e: { action: string; actor: string }) => [e.action, e.actor]),
        [['create', 'operator']],
      );
      const stored = await s.database.db.selectFrom('api_keys').select('key_hash').where('program_id', '=', program.id).execute();
      assert.ok(!JSON.stringify(stored).includes(adminKey.key), 'only the hash of the admin key is stored');
    });

    test('GET /v1/programs lists every program, oldest first, with names and formats only', async () => {
      const res = await s.request('GET', '/v1/programs', undefined, { key: rotated.key });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.items.map((p: { name: string; currency: string; timeZone: string; locale: string }) => [p.name, p.currency, p.timeZone, p.locale]),
        [
          ['Test program', 'RUB', 'Europe/Moscow', 'ru'],
          ['Магазин у дома', 'USD', 'Asia/Yekaterinburg', 'en'],
        ],
      );
      assert.deepEqual(Object.keys(res.body.items[0]).sort(), ['createdAt', 'currency', 'id', 'locale', 'name', 'timeZone']);
    });

    test('the operator key reads no program data, and program keys cannot open programs', async () => {
      for (const path of ['/v1/program', '/v1/members', '/v1/audit', '/v1/api-keys', '/v1/analytics/kpis']) {
        const res = await s.request('GET', path, undefined, { key: operator.key });
        assert.equal(res.status, 403, `${path}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.code, 'FORBIDDEN');
      }
      const enrol = await s.request('POST', '/v1/members', { name: 'Пётр' }, { key: operator.key });
      assert.equal(enrol.status, 403);
      for (const key of [s.adminKey, s.posKey, s.readonlyKey]) {
        assert.equal((await s.request('GET', '/v1/programs', undefined, { key })).status, 403);
        assert.equal((await s.request('POST', '/v1/programs', { name: 'X' }, { key })).status, 403);
      }
    });

    test('a wrong operator key, or none configured, is turned away', async () => {
      const wrong = await s.request('GET', '/v1/programs', undefined, { key: newOperatorKey().key });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.code, 'UNAUTHORIZED');
      assert.equal((await s.request('GET', '/v1/programs', undefined, { key: null })).status, 401);
      const saved = s.ctx.auth;
      s.ctx.auth = { ...saved, operatorKeyHashes: [] };
      try {
        const none = await s.request('GET', '/v1/programs', undefined, { key: operator.key });
        assert.equal(none.status, 401);
        assert.match(none.body.detail, /OPERATOR_KEY_HASH/);
      } finally {
        s.ctx.auth = saved;
      }
    });

    test('a bad currency or time zone opens nothing', async () => {
      const before = (await s.request('GET', '/v1/programs', undefined, { key: operator.key })).body.items.length;
      const currency = await s.request('POST', '/v1/programs', { name: 'Bad', currency: 'XYZ' }, { key: operator.key });
      assert.equal(currency.status, 422);
      assert.equal(currency.body.code, 'UNKNOWN_CURRENCY');
      const zone = await s.request('POST', '/v1/programs', { name: 'Bad', timeZone: 'Mars/Olympus' }, { key: operator.key });
      assert.equal(zone.body.code, 'INVALID_SETTINGS');
      const email = await s.request('POST', '/v1/programs', { name: 'Bad', owner: { email: 'not an address' } }, { key: operator.key });
      assert.equal(email.body.code, 'VALIDATION_FAILED');
      assert.equal((await s.request('GET', '/v1/programs', undefined, { key: operator.key })).body.items.length, before);
    });
  });
}
