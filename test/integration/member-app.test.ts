import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Transports } from '../../src/app/outbox.js';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { campaign, tier } from '../support/rules.js';
import { credit, DATABASES, line, receipt, startServer, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`the member app's own routes (${kind})`, () => {
    let s: TestServer;
    const inbox: { to: string; text: string }[] = [];
    const transports: Transports = { email: { description: 'test', send: async (m) => void inbox.push({ to: m.recipient, text: m.body ?? '' }) } };
    before(async () => {
      s = await startServer(kind);
    });
    after(async () => s.close());

    /** Signs a member in by e-mail (joining when new) and returns the session token. */
    async function signIn(email: string, join: Record<string, unknown> = { name: 'Анна' }): Promise<string> {
      s.clock.advance(61_000); // past the resend limit of the previous code
      const sent = await s.request('POST', '/v1/auth/member/code', { programId: s.programId, email }, { key: null });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      await runOutboxOnce(s.ctx, transports);
      const code = /\b(\d{6})\b/.exec(inbox.filter((m) => m.to === email).at(-1)!.text)![1]!;
      const headers = { 'x-kopilka-csrf': '1' };
      const verified = await s.request('POST', '/v1/auth/member/verify', { programId: s.programId, email, code }, { key: null, headers });
      if (verified.status === 200) return verified.body.token;
      assert.equal(verified.body.code, 'NOT_ENROLLED');
      const joined = await s.request('POST', '/v1/auth/member/join', { programId: s.programId, email, code, ...join }, { key: null, headers });
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
      return joined.body.token;
    }

    test('the admin panel finds members by part of their name, in any case, paged on the server', async () => {
      for (const name of ['Мария Иванова', 'Иван Петров', 'Ivana 100%_off']) await s.request('POST', '/v1/members', { name });
      const found = await s.request('GET', `/v1/members?name=${encodeURIComponent('иван')}&limit=1`, undefined, { key: s.adminKey });
      assert.equal(found.status, 200);
      assert.deepEqual(found.body.items.map((m: { name: string }) => m.name), ['Иван Петров']);
      const next = await s.request('GET', `/v1/members?name=${encodeURIComponent('иван')}&limit=1&cursor=${found.body.nextCursor}`, undefined, { key: s.adminKey });
      assert.deepEqual(next.body.items.map((m: { name: string }) => m.name), ['Мария Иванова']);
      const oldest = await s.request('GET', `/v1/members?name=${encodeURIComponent('иван')}&sort=createdAt`, undefined, { key: s.adminKey });
      assert.deepEqual(oldest.body.items.map((m: { name: string }) => m.name), ['Мария Иванова', 'Иван Петров'], 'sorted on the server, oldest first');
      const literal = await s.request('GET', `/v1/members?name=${encodeURIComponent('%_')}`, undefined, { key: s.adminKey });
      assert.deepEqual(literal.body.items.map((m: { name: string }) => m.name), ['Ivana 100%_off'], '% and _ are matched as themselves');
    });

    test('a member joins with preferred channels and hours, and changes them in the profile', async () => {
      const token = await signIn('prefs@example.ru', { name: 'Вера', consents: { email: true }, messagePreferences: { channels: ['email'], from: '10:00', to: '20:00' } });
      const me = await s.request('GET', '/v1/me', undefined, { key: token });
      assert.deepEqual(me.body.attributes, { messagePreferences: { channels: ['email'], from: '10:00', to: '20:00' } });
      const changed = await s.request('PATCH', '/v1/me', { messagePreferences: { channels: ['sms', 'push'], from: '09:00', to: '21:00' }, consents: { sms: true } }, { key: token });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual(changed.body.attributes.messagePreferences, { channels: ['sms', 'push'], from: '09:00', to: '21:00' });
      assert.deepEqual(changed.body.consents, { email: true, sms: true });
      const bad = await s.request('PATCH', '/v1/me', { messagePreferences: { channels: ['fax'], from: '25:00', to: '20:00' } }, { key: token });
      assert.equal(bad.status, 400);
      assert.ok(bad.body.errors.some((e: { pointer: string }) => e.pointer.startsWith('/messagePreferences')), JSON.stringify(bad.body.errors));
    });

    test('the member sees their tier and what the next one asks for', async () => {
      const token = await signIn('tier@example.ru');
      const none = await s.request('GET', '/v1/me/tier', undefined, { key: token });
      assert.deepEqual([none.status, none.body.tier], [200, null]);
      const policy = await s.request('PUT', '/v1/tier-policy?publish=false', { window: { kind: 'calendar', period: 'year' }, graceDays: 30 }, { key: s.adminKey });
      assert.equal(policy.status, 200, JSON.stringify(policy.body));
      for (const t of [tier('base', 0), tier('gold', 1, { qualification: { metric: 'spend', min: 500_000 }, benefits: { earnMultiplier: 2, discountPercent: 0, perks: ['free coffee'] } })]) {
        const res = await s.request('POST', '/v1/tiers', t, { key: s.adminKey });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const mine = await s.request('GET', '/v1/me/tier', undefined, { key: token });
      assert.equal(mine.body.tier.id, 'base');
      assert.deepEqual(mine.body.next, { id: 'gold', name: 'gold', metric: 'spend', min: 500_000, current: 0, missing: 500_000 });
      const forbidden = await s.request('GET', '/v1/me/tier', undefined, { key: s.adminKey });
      assert.equal(forbidden.status, 403);
    });

    test('offers: live campaigns the member could get, not the ended, other-tier or control-group ones; personal coupons with their codes', async () => {
      const token = await signIn('offers@example.ru');
      const me = await s.request('GET', '/v1/me', undefined, { key: token });
      const add = async (c: ReturnType<typeof campaign>) => {
        const res = await s.request('POST', '/v1/campaigns', { campaign: c, status: 'active' }, { key: s.adminKey });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      };
      await add(campaign('everyone', { name: 'Двойные баллы', effects: [{ kind: 'points_multiplier', multiplier: 2 }] }));
      await add(campaign('ended', { schedule: { to: '2026-01-31' } }));
      await add(campaign('vip', { audience: [{ kind: 'tiers', tierIds: ['gold'], match: 'any' }] }));
      await add(campaign('control', { controlGroupPercent: 99.99 })); // the member is in it unless their bucket is the one in 10 000 left out
      await add(campaign('newcomers', { audience: [{ kind: 'new_member', days: 30 }] }));
      const draft = await s.request('POST', '/v1/campaigns', { campaign: campaign('draft') }, { key: s.adminKey });
      assert.equal(draft.status, 201);
      const series = await s.request('POST', '/v1/coupon-series', { id: 'welcome', name: 'Скидка 10 %', kind: 'unique', count: 0, prefix: 'W' }, { key: s.adminKey });
      assert.equal(series.status, 201, JSON.stringify(series.body));
      await add(campaign('welcome-coupon', { couponSeriesId: 'welcome', effects: [{ kind: 'discount_percent', percent: 10 }] }));
      const code = await s.request('POST', '/v1/coupon-series/welcome/codes', { memberId: me.body.id }, { key: s.adminKey });
      assert.equal(code.status, 201, JSON.stringify(code.body));

      const bound = await s.request('GET', `/v1/members/${me.body.id}/coupons`, undefined, { key: s.readonlyKey });
      assert.deepEqual(bound.body.items.map((c: { code: string; seriesId: string; uses: number }) => [c.code, c.seriesId, c.uses]), [[code.body.codes[0], 'welcome', 0]]);
      const offers = await s.request('GET', '/v1/me/offers', undefined, { key: token });
      assert.equal(offers.status, 200, JSON.stringify(offers.body));
      assert.deepEqual(offers.body.campaigns.map((c: { id: string }) => c.id).sort(), ['everyone', 'newcomers']);
      assert.deepEqual(offers.body.campaigns.find((c: { id: string }) => c.id === 'everyone').effects, [{ kind: 'points_multiplier', multiplier: 2 }]);
      assert.deepEqual(offers.body.coupons, [{ code: code.body.codes[0], seriesId: 'welcome', name: 'Скидка 10 %', usesLeft: 1, validFrom: null, validUntil: null, effects: [{ kind: 'discount_percent', percent: 10 }] }]);
    });

    test('a member lists stores, nearest first when the app gives a location', async () => {
      const token = await signIn('stores@example.ru');
      for (const st of [
        { id: 'far', name: 'Далёкий', latitude: 59.93, longitude: 30.31 },
        { id: 'near', name: 'Ближний', latitude: 55.76, longitude: 37.62, address: 'Тверская, 1', openingHours: { mon: [['09:00', '21:00']] } },
      ]) {
        assert.equal((await s.request('POST', '/v1/stores', st, { key: s.adminKey })).status, 201);
      }
      const res = await s.request('GET', '/v1/stores?near=55.75,37.61', undefined, { key: token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.items.map((x: { id: string }) => x.id), ['near', 'far']);
      assert.equal(res.body.items[0].address, 'Тверская, 1');
      assert.equal((await s.request('POST', '/v1/stores', { id: 'x', name: 'x' }, { key: token })).status, 403, 'a member may not add stores');
    });

    test('feedback from the app reaches the admin inbox; a blank message is refused at its field', async () => {
      const token = await signIn('feedback@example.ru', { name: 'Олег' });
      const sent = await s.request('POST', '/v1/me/feedback', { topic: 'idea', message: '  Добавьте овсяное молоко  ', storeId: 'near' }, { key: token });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.equal(sent.body.message, 'Добавьте овсяное молоко');
      const blank = await s.request('POST', '/v1/me/feedback', { topic: 'idea', message: '   ' }, { key: token });
      assert.deepEqual([blank.status, blank.body.errors], [400, [{ pointer: '/message', detail: 'must not be blank' }]]);
      const inbox = await s.request('GET', '/v1/feedback?limit=10', undefined, { key: s.adminKey });
      assert.equal(inbox.status, 200);
      assert.deepEqual(
        inbox.body.items.map((f: Record<string, unknown>) => [f.topic, f.message, f.memberName, f.storeId]),
        [['idea', 'Добавьте овсяное молоко', 'Олег', 'near']],
      );
      assert.equal((await s.request('GET', '/v1/feedback', undefined, { key: s.readonlyKey })).status, 403);
      assert.equal((await s.request('GET', '/v1/feedback?topic=complaint', undefined, { key: s.adminKey })).body.items.length, 0);
    });

    test('export my data: profile, identifiers, balance, ledger and purchases in one document', async () => {
      const token = await signIn('export@example.ru', { name: 'Ирина' });
      const me = (await s.request('GET', '/v1/me', undefined, { key: token })).body;
      await credit(s, me.id, 100);
      const bought = await s.request('POST', '/v1/purchases', { ...receipt([line('MILK', 2, 100)]), identifier: { kind: 'email', value: 'export@example.ru' } });
      assert.equal(bought.status, 201, JSON.stringify(bought.body));
      const res = await s.request('GET', '/v1/me/export', undefined, { key: token });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-disposition')!, /my-data\.json/);
      assert.equal(res.body.profile.name, 'Ирина');
      assert.deepEqual(res.body.identifiers, [{ kind: 'email', value: 'export@example.ru' }]);
      assert.equal(res.body.balance.available, 100);
      const earned: number = res.body.purchases[0].pointsEarned;
      assert.ok(earned > 0);
      assert.deepEqual(res.body.ledger.map((e: { kind: string; points: number }) => [e.kind, e.points]).sort(), [['adjust', 100], ['earn', earned]].sort());
      assert.deepEqual(res.body.purchases.map((p: { total: number; receiptId: string }) => [p.total, p.receiptId]), [[20_000, bought.body.receiptId]]);
    });

    test('delete my account: the person is gone, the points history and the books stay', async () => {
      const token = await signIn('leaving@example.ru', { name: 'Пётр', city: 'Тула' });
      const id = (await s.request('GET', '/v1/me', undefined, { key: token })).body.id;
      await credit(s, id, 50);
      assert.equal((await s.request('GET', '/v1/me/card', undefined, { key: token })).status, 200);
      await s.request('POST', '/v1/me/feedback', { topic: 'other', message: 'пока' }, { key: token });
      const res = await s.request('DELETE', '/v1/me', undefined, { key: token });
      assert.equal(res.status, 204);
      assert.equal((await s.request('GET', '/v1/me', undefined, { key: token })).status, 401, 'the session ended');
      const seen = await s.request('GET', `/v1/members/${id}`, undefined, { key: s.adminKey });
      assert.deepEqual([seen.body.status, seen.body.name, seen.body.email, seen.body.city, seen.body.identifiers], ['anonymised', null, null, null, []]);
      assert.equal((await s.request('GET', '/v1/members/lookup?kind=email&value=leaving@example.ru', undefined, { key: s.adminKey })).status, 404);
      const ledger = await s.request('GET', `/v1/members/${id}/ledger`, undefined, { key: s.adminKey });
      assert.deepEqual(ledger.body.items.map((e: { points: number }) => e.points), [50], 'the points history stays');
      const inbox = await s.request('GET', '/v1/feedback', undefined, { key: s.adminKey });
      assert.ok(!inbox.body.items.some((f: { memberId: string }) => f.memberId === id), 'their messages are deleted');
      await s.assertBooksBalance();
      const again = await signIn('leaving@example.ru', { name: 'Пётр' });
      const newId = (await s.request('GET', '/v1/me', undefined, { key: again })).body.id;
      assert.notEqual(newId, id, 'the e-mail may join again, as a new member');
    });

    test('the program sets the questionnaire: a required field must be answered to join', async () => {
      const q = { name: 'required', birthday: 'off', gender: 'optional', city: 'required' };
      const patched = await s.request('PATCH', '/v1/program', { settings: { questionnaire: q } }, { key: s.adminKey });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const pub = await s.request('GET', '/v1/auth/program', undefined, { key: null });
      assert.deepEqual(pub.body.questionnaire, q);
      const refused = await s.request('POST', '/v1/auth/member/join', { programId: s.programId, email: 'q@example.ru', code: '123456', name: 'Яна', city: '  ' }, { key: null, headers: { 'x-kopilka-csrf': '1' } });
      assert.deepEqual([refused.status, refused.body.errors], [400, [{ pointer: '/city', detail: 'the program asks for this' }]]);
      await signIn('q@example.ru', { name: 'Яна', city: 'Тверь' });
      const back = await s.request('PATCH', '/v1/program', { settings: { questionnaire: { ...q, city: 'optional' } } }, { key: s.adminKey });
      assert.equal(back.status, 200);
    });
  });
}
