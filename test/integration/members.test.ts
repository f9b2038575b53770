import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`members (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    test('a member enrols with a profile, consents and identifiers, and is found by any of them', async () => {
      const res = await s.request('POST', '/v1/members', {
        name: 'Иван Петров',
        phone: '8 (916) 123-45-67',
        email: 'Ivan@Example.RU',
        birthday: '1990-05-17',
        gender: 'male',
        city: 'Москва',
        attributes: { favouriteStore: 'S1' },
        consents: { sms: true, email: false },
        identifiers: [{ kind: 'card', value: '7777 0000 1234' }, { kind: 'external_id', value: 'crm-42' }],
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const m = res.body;
      assert.equal(m.phone, '+79161234567');
      assert.equal(m.email, 'ivan@example.ru');
      assert.equal(m.birthday, '1990-05-17');
      assert.deepEqual(m.consents, { sms: true, email: false });
      assert.deepEqual(
        m.identifiers.map((i: any) => `${i.kind}:${i.value}`).sort(),
        ['card:777700001234', 'email:ivan@example.ru', 'external_id:crm-42', 'phone:+79161234567'],
      );
      for (const [k, v] of [['phone', '+7 916 123 45 67'], ['card', '7777-0000-1234'], ['email', 'IVAN@example.ru'], ['external_id', 'crm-42']]) {
        const found = await s.request('GET', `/v1/members/lookup?kind=${k}&value=${encodeURIComponent(v!)}`);
        assert.equal(found.status, 200, `${k} ${v}`);
        assert.equal(found.body.id, m.id);
      }
    });

    test('an identifier belongs to one member only', async () => {
      await enrol(s, { phone: '+79160000100' });
      const clash = await s.request('POST', '/v1/members', { name: 'Second', phone: '89160000100' });
      assert.equal(clash.status, 409);
      assert.equal(clash.body.code, 'IDENTIFIER_TAKEN');
      assert.deepEqual(clash.body.errors, [{ pointer: '/phone', detail: 'already belongs to another member' }]);
      const list = await s.database.db.selectFrom('members').select('member_id').where('name', '=', 'Second').execute();
      assert.equal(list.length, 0, 'the refused enrolment left nothing behind');
    });

    test('a changed phone moves the identifier with it', async () => {
      const id = await enrol(s, { phone: '+79160000200' });
      const res = await s.request('PATCH', `/v1/members/${id}`, { phone: '+79160000201', city: 'Казань' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.city, 'Казань');
      assert.equal((await s.request('GET', '/v1/members/lookup?kind=phone&value=%2B79160000201')).body.id, id);
      assert.equal((await s.request('GET', '/v1/members/lookup?kind=phone&value=%2B79160000200')).status, 404);
    });

    test('a blocked member neither earns nor spends, and can be unblocked', async () => {
      const id = await enrol(s);
      await s.request('POST', `/v1/members/${id}/adjustments`, { points: 100, reason: 'gift' }, { key: s.adminKey });
      const blocked = await s.request('POST', `/v1/members/${id}/block`, { reason: 'fraud check' }, { key: s.adminKey });
      assert.equal(blocked.body.status, 'blocked');
      const spend = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: id, pointsToSpend: 10 }));
      assert.equal(spend.status, 409);
      assert.equal(spend.body.code, 'MEMBER_BLOCKED');
      const plain = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: id }));
      assert.equal(plain.status, 201);
      assert.equal(plain.body.pointsEarned, 0);
      assert.equal(plain.body.maxPointsToSpend, 0);
      const unblocked = await s.request('POST', `/v1/members/${id}/unblock`, undefined, { key: s.adminKey });
      assert.equal(unblocked.body.status, 'active');
      const after = await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: id, pointsToSpend: 10 }));
      assert.equal(after.status, 201);
    });

    test('manual adjustments record the reason and who made them', async () => {
      const id = await enrol(s);
      const credit = await s.request('POST', `/v1/members/${id}/adjustments`, { points: 250, reason: 'complaint #12' }, { key: s.adminKey });
      assert.equal(credit.status, 201);
      assert.match(credit.body.actor, /^key:/);
      const debit = await s.request('POST', `/v1/members/${id}/adjustments`, { points: -300, reason: 'too much' }, { key: s.adminKey });
      assert.equal(debit.body.code, 'INSUFFICIENT_POINTS');
      const ledger = (await s.request('GET', `/v1/members/${id}/ledger`)).body.items;
      assert.deepEqual(ledger.map((e: any) => [e.kind, e.points, e.cause.reason, e.cause.actor]), [['adjust', 250, 'complaint #12', credit.body.actor]]);
      await s.assertBooksBalance();
    });

    test('the ledger pages newest first', async () => {
      const id = await enrol(s);
      for (let i = 1; i <= 5; i++) await s.request('POST', `/v1/members/${id}/adjustments`, { points: i, reason: `r${i}` }, { key: s.adminKey });
      const first = (await s.request('GET', `/v1/members/${id}/ledger?limit=2`)).body;
      assert.deepEqual(first.items.map((e: any) => e.points), [5, 4]);
      const second = (await s.request('GET', `/v1/members/${id}/ledger?limit=2&cursor=${first.nextCursor}`)).body;
      assert.deepEqual(second.items.map((e: any) => e.points), [3, 2]);
      const third = (await s.request('GET', `/v1/members/${id}/ledger?limit=2&cursor=${second.nextCursor}`)).body;
      assert.deepEqual(third.items.map((e: any) => e.points), [1]);
      assert.equal(third.nextCursor, null);
    });
  });
}
