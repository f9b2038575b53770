import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/app/api-keys.js';
import { createProgram } from '../../src/app/programs.js';
import { checkBooks } from '../../src/store/verify.js';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`bad input and access (${kind})`, () => {
    let s: TestServer;
    let member: string;
    before(async () => {
      s = await startServer(kind);
      member = await enrol(s, { phone: '+79160001000' });
      await s.request('POST', `/v1/members/${member}/adjustments`, { points: 500, reason: 'seed' }, { key: s.adminKey });
    });
    after(() => s.close());

    /** Every refused request must leave the books exactly as they were. */
    async function assertRefused(res: { status: number; body: any; headers: Headers }, status: number, code: string) {
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.code, code);
      assert.equal(res.body.status, status);
      assert.equal(typeof res.body.detail, 'string');
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }

    async function ledgerSize() {
      const r = await checkBooks(s.database.db);
      return [r.entries, r.lots];
    }

    test('wrong types, negative quantities and unknown fields are refused field by field, and nothing is written', async () => {
      const before = await ledgerSize();
      const wrongType = await s.request('POST', '/v1/purchases', { receiptId: 'X1', memberId: member, total: '1000', lines: [{ sku: 'A', quantity: 1, price: 1000 }] });
      await assertRefused(wrongType, 400, 'VALIDATION_FAILED');
      assert.deepEqual(wrongType.body.errors.map((e: any) => e.pointer), ['/total']);
      const negative = await s.request('POST', '/v1/purchases', { receiptId: 'X2', memberId: member, total: -100, lines: [{ sku: 'A', quantity: -1, price: 100 }] });
      await assertRefused(negative, 400, 'VALIDATION_FAILED');
      assert.deepEqual(negative.body.errors.map((e: any) => e.pointer).sort(), ['/lines/0/quantity', '/total']);
      const unknown = await s.request('POST', '/v1/purchases', { ...receipt([line('A', 1, 10)]), memberId: member, bonus: 5 });
      await assertRefused(unknown, 400, 'VALIDATION_FAILED');
      assert.deepEqual(unknown.body.errors.map((e: any) => e.pointer), ['/bonus']);
      const malformed = await fetch(`${s.url}/v1/purchases`, { method: 'POST', headers: { authorization: `Bearer ${s.posKey}`, 'content-type': 'application/json' }, body: '{"receiptId": ' });
      assert.equal(malformed.status, 400);
      assert.equal(((await malformed.json()) as { code: string }).code, 'VALIDATION_FAILED');
      assert.deepEqual(await ledgerSize(), before);
    });

    test('totals that do not add up, an unknown currency and an unknown member are refused', async () => {
      const before = await ledgerSize();
      const mismatch = await s.request('POST', '/v1/purchases', { receiptId: 'X3', memberId: member, total: 999, lines: [line('A', 1, 10)] });
      await assertRefused(mismatch, 422, 'RECEIPT_TOTAL_MISMATCH');
      assert.equal(mismatch.body.linesTotal, 1000);
      const currency = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 10)], { memberId: member, currency: 'EUR' }));
      await assertRefused(currency, 422, 'CURRENCY_MISMATCH');
      const notIso = await s.request('PATCH', '/v1/program', { settings: { currency: 'XYZ' } }, { key: s.adminKey });
      await assertRefused(notIso, 422, 'UNKNOWN_CURRENCY');
      const future = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 10)], { memberId: member, occurredAt: '2026-03-04T09:00:01Z' }));
      await assertRefused(future, 422, 'INVALID_RECEIPT');
      assert.deepEqual(future.body.errors.map((e: any) => e.pointer), ['/occurredAt']);
      const ghost = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 10)], { memberId: '01900000-0000-7000-8000-000000000000' }));
      await assertRefused(ghost, 404, 'MEMBER_NOT_FOUND');
      const ghostCard = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 10)], { identifier: { kind: 'card', value: '0000999' } }));
      await assertRefused(ghostCard, 404, 'MEMBER_NOT_FOUND');
      const badPhone = await s.request('POST', '/v1/members', { phone: '12' });
      await assertRefused(badPhone, 422, 'INVALID_IDENTIFIER');
      const badSettings = await s.request('PATCH', '/v1/program', { settings: { timeZone: 'Mars/Olympus' } }, { key: s.adminKey });
      await assertRefused(badSettings, 422, 'INVALID_SETTINGS');
      assert.deepEqual(badSettings.body.errors, [{ pointer: '/timeZone', detail: 'Mars/Olympus is not an IANA time zone' }]);
      assert.equal((await s.request('GET', '/v1/program')).body.settings.currency, 'RUB');
      assert.equal((await s.request('GET', '/v1/members/lookup?kind=phone&value=12')).status, 422);
      assert.deepEqual(await ledgerSize(), before);
    });

    test('a missing, unknown or expired key is a 401', async () => {
      await assertRefused(await s.request('GET', `/v1/members/${member}/balance`, undefined, { key: null }), 401, 'UNAUTHORIZED');
      await assertRefused(await s.request('GET', `/v1/members/${member}/balance`, undefined, { key: 'kpk_nope' }), 401, 'UNAUTHORIZED');
      const expiring = await createApiKey(s.ctx, { programId: s.programId, role: 'pos', expiresAt: new Date(s.clock.now().getTime() + 60_000) });
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`, undefined, { key: expiring.key })).status, 200);
      s.clock.advance(60_000);
      await assertRefused(await s.request('GET', `/v1/members/${member}/balance`, undefined, { key: expiring.key }), 401, 'UNAUTHORIZED');
      s.clock.advance(-60_000);
    });

    test('a POS key cannot change program settings or adjust points; a read-only key cannot write', async () => {
      await assertRefused(await s.request('PATCH', '/v1/program', { settings: { pendingDays: 0 } }), 403, 'FORBIDDEN');
      await assertRefused(await s.request('POST', `/v1/members/${member}/adjustments`, { points: 1000, reason: 'x' }), 403, 'FORBIDDEN');
      await assertRefused(await s.request('POST', '/v1/purchases', receipt([line('A', 1, 10)]), { key: s.readonlyKey }), 403, 'FORBIDDEN');
      assert.equal((await s.request('GET', `/v1/members/${member}/balance`, undefined, { key: s.readonlyKey })).status, 200);
      assert.equal((await s.request('GET', '/v1/program')).body.settings.pendingDays, 14);
    });

    test("nothing of one program is visible with another program's key", async () => {
      const other = await createProgram(s.ctx, { name: 'Other shop' });
      const otherKey = (await createApiKey(s.ctx, { programId: other.id, role: 'admin' })).key;
      await assertRefused(await s.request('GET', `/v1/members/${member}`, undefined, { key: otherKey }), 404, 'MEMBER_NOT_FOUND');
      await assertRefused(await s.request('GET', `/v1/members/${member}/balance`, undefined, { key: otherKey }), 404, 'MEMBER_NOT_FOUND');
      await assertRefused(await s.request('GET', '/v1/members/lookup?kind=phone&value=%2B79160001000', undefined, { key: otherKey }), 404, 'MEMBER_NOT_FOUND');
      await assertRefused(await s.request('POST', `/v1/members/${member}/adjustments`, { points: 1, reason: 'x' }, { key: otherKey }), 404, 'MEMBER_NOT_FOUND');
      await assertRefused(await s.request('POST', '/v1/purchases', receipt([line('A', 1, 10)], { memberId: member }), { key: otherKey }), 404, 'MEMBER_NOT_FOUND');
      const mine = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 10)], { memberId: member }));
      await assertRefused(await s.request('POST', `/v1/purchases/${mine.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] }, { key: otherKey }), 404, 'PURCHASE_NOT_FOUND');
      const list = await s.request('GET', '/v1/members', undefined, { key: otherKey });
      assert.deepEqual(list.body.items, []);
      // The same phone may belong to a member of each program.
      assert.equal((await s.request('POST', '/v1/members', { phone: '+79160001000' }, { key: otherKey })).status, 201);
    });

    test('the API describes itself', async () => {
      const doc = await s.request('GET', '/openapi.json', undefined, { key: null });
      assert.equal(doc.body.openapi, '3.1.0');
      for (const path of ['/v1/purchases/calculate', '/v1/purchases', '/v1/purchases/{id}/confirm', '/v1/purchases/{id}/returns', '/v1/members/{id}/balance', '/v1/members/{id}/ledger', '/v1/members/{id}/adjustments']) {
        assert.ok(doc.body.paths[path], `${path} is documented`);
      }
      const docs = await fetch(`${s.url}/docs`);
      assert.equal(docs.status, 200);
      assert.match(await docs.text(), /swagger/i);
      const health = await s.request('GET', '/health', undefined, { key: null });
      assert.equal(health.body.status, 'ok');
      assert.equal(health.body.database, 'up');
      assert.deepEqual((await s.request('GET', '/health/ready', undefined, { key: null })).body, { status: 'ready', database: 'up' });
      await assertRefused(await s.request('GET', '/v1/nothing-here'), 404, 'NOT_FOUND');
    });
  });
}
