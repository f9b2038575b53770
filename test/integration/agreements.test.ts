import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Transports } from '../../src/app/outbox.js';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { DATABASES, enrol, startServer, type TestServer } from '../support/harness.js';

const RULES = { title: 'Правила программы «Копилка»', body: '1. Участником может стать любой покупатель старше 14 лет.\n\n2. Баллы начисляются за покупки.' };
const CONSENT = { title: 'Согласие на обработку персональных данных', body: 'Я даю согласие ООО «Ромашка» на обработку моих персональных данных в целях участия в программе.' };

for (const kind of DATABASES) {
  describe(`the program's legal texts and members' agreements (${kind})`, () => {
    let s: TestServer;
    const inbox: { to: string; text: string }[] = [];
    const transports: Transports = { email: { description: 'test', send: async (m) => void inbox.push({ to: m.recipient, text: m.body ?? '' }) } };
    before(async () => {
      s = await startServer(kind);
    });
    after(async () => s.close());

    const publish = async (doc: 'rules' | 'personal_data', text: { title: string; body: string }) => {
      const res = await s.request('POST', `/v1/program/documents/${doc}`, text, { key: s.adminKey });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body;
    };

    /** Joins through the member app's flow with a code sent by e-mail; answers the join response. */
    async function join(email: string, body: Record<string, unknown>) {
      s.clock.advance(61_000);
      assert.equal((await s.request('POST', '/v1/auth/member/code', { programId: s.programId, email }, { key: null })).status, 202);
      await runOutboxOnce(s.ctx, transports);
      const code = /\b(\d{6})\b/.exec(inbox.filter((m) => m.to === email).at(-1)!.text)![1]!;
      return s.request('POST', '/v1/auth/member/join', { programId: s.programId, email, code, name: 'Анна', ...body }, { key: null, headers: { 'x-kopilka-csrf': '1' } });
    }

    test('before the program publishes its texts, enrolment asks for nothing, and nothing unpublished can be accepted', async () => {
      await enrol(s, { name: 'Ранний' });
      const refused = await s.request('POST', '/v1/members', { name: 'Поздний', agreements: [{ kind: 'personal_data' }] });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.deepEqual(refused.body.errors, [{ pointer: '/agreements/0/kind', detail: 'the program has not published this text' }]);
      assert.equal((await s.request('GET', '/v1/auth/program/documents/rules', undefined, { key: null })).body.code, 'DOCUMENT_NOT_FOUND');
    });

    test('the program publishes versioned texts that anyone can read, and the till must then send the acceptance', async () => {
      const v1 = await publish('rules', { ...RULES, body: 'Первая редакция.' });
      const v2 = await publish('rules', RULES);
      await publish('personal_data', CONSENT);
      assert.deepEqual([v1.version, v2.version], [1, 2]);
      // Public: the member app reads them before anyone signs in.
      const program = await s.request('GET', '/v1/auth/program', undefined, { key: null });
      assert.deepEqual(
        program.body.documents.map((d: { kind: string; version: number; required: boolean }) => [d.kind, d.version, d.required]),
        [['personal_data', 1, true], ['rules', 2, true]],
      );
      const text = await s.request('GET', '/v1/auth/program/documents/rules', undefined, { key: null });
      assert.deepEqual([text.status, text.body.version, text.body.body], [200, 2, RULES.body]);
      assert.equal((await s.request('GET', '/v1/auth/program/documents/rules?version=1', undefined, { key: null })).body.body, 'Первая редакция.', 'an earlier version stays readable');
      assert.equal((await s.request('POST', '/v1/program/documents/rules', RULES)).status, 403, 'a till key cannot publish');

      const without = await s.request('POST', '/v1/members', { name: 'Без согласия', phone: '+79160000001' });
      assert.equal(without.status, 422, JSON.stringify(without.body));
      assert.equal(without.body.code, 'AGREEMENT_REQUIRED');
      assert.deepEqual(without.body.required, ['rules', 'personal_data']);
      assert.equal((await s.request('GET', '/v1/members/lookup?kind=phone&value=%2B79160000001')).status, 404, 'the refused enrolment left nothing behind');
      const onlyRules = await s.request('POST', '/v1/members', { name: 'Только правила', agreements: [{ kind: 'rules' }] });
      assert.deepEqual([onlyRules.status, onlyRules.body.required], [422, ['personal_data']]);
    });

    test('an enrolment at the till records each text with its version and the time: the current one, or the one the paper form showed', async () => {
      const at = s.clock.now().toISOString();
      const id = await enrol(s, { name: 'Иван', agreements: [{ kind: 'personal_data' }, { kind: 'rules', version: 1 }] });
      const agreements = await s.request('GET', `/v1/members/${id}/agreements`);
      assert.deepEqual(agreements.body.inForce, [
        { kind: 'rules', version: 1, acceptedAt: at, channel: 'till' },
        { kind: 'personal_data', version: 1, acceptedAt: at, channel: 'till' },
      ]);
      const unknown = await s.request('POST', '/v1/members', { name: 'Пётр', agreements: [{ kind: 'personal_data' }, { kind: 'rules', version: 9 }] });
      assert.equal(unknown.status, 400);
      assert.deepEqual(unknown.body.errors, [{ pointer: '/agreements/1/version', detail: 'no version 9 was published (the latest is 2)' }]);
    });

    test('a member joins in the app accepting both texts, withdraws the consent later, and the history keeps both', async () => {
      const refused = await join('anna@example.ru', { agreements: [{ kind: 'rules', version: 2 }] });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.code, 'AGREEMENT_REQUIRED');
      const joinedAt = new Date(s.clock.now().getTime() + 61_000).toISOString(); // join() waits out the resend limit first
      const joined = await join('anna@example.ru', { agreements: [{ kind: 'rules', version: 2 }, { kind: 'personal_data', version: 1 }] });
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
      const me = { key: null, headers: { authorization: `Bearer ${joined.body.token}` } };
      assert.deepEqual((await s.request('GET', '/v1/me/agreements', undefined, me)).body.inForce.map((a: { kind: string; version: number; channel: string }) => [a.kind, a.version, a.channel]), [
        ['rules', 2, 'app'],
        ['personal_data', 1, 'app'],
      ]);

      s.clock.advanceDays(30);
      const withdrawnAt = s.clock.now().toISOString();
      const withdrawn = await s.request('POST', '/v1/me/agreements/withdraw', { kind: 'personal_data' }, me);
      assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
      assert.deepEqual(withdrawn.body.inForce.map((a: { kind: string }) => a.kind), ['rules']);
      assert.deepEqual(
        withdrawn.body.history.map((h: { kind: string; version: number; action: string; at: string }) => [h.kind, h.version, h.action, h.at]),
        [
          ['rules', 2, 'accepted', joinedAt],
          ['personal_data', 1, 'accepted', joinedAt],
          ['personal_data', 1, 'withdrawn', withdrawnAt],
        ],
        'the withdrawal is appended; the acceptance stays on record',
      );
      const again = await s.request('POST', '/v1/me/agreements/withdraw', { kind: 'personal_data' }, me);
      assert.deepEqual([again.status, again.body.code], [409, 'AGREEMENT_NOT_IN_FORCE']);

      // "Export my data" carries the same history; the admin sees it too.
      const exported = await s.request('GET', '/v1/me/export', undefined, me);
      assert.deepEqual(exported.body.agreements, withdrawn.body);
      const memberId = joined.body.member.id;
      assert.deepEqual((await s.request('GET', `/v1/members/${memberId}/agreements`, undefined, { key: s.adminKey })).body, withdrawn.body);

      // Given again, at the till, on the version in force.
      const regiven = await s.request('POST', `/v1/members/${memberId}/agreements`, { kind: 'personal_data' });
      assert.deepEqual(regiven.body.inForce.map((a: { kind: string; channel: string }) => [a.kind, a.channel]), [['rules', 'app'], ['personal_data', 'till']]);
      assert.equal(regiven.body.history.length, 4);
    });

    test('the program may enrol without the texts when its settings say so', async () => {
      const patched = await s.request('PATCH', '/v1/program', { settings: { requiredAgreements: ['rules'] } }, { key: s.adminKey });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const res = await s.request('POST', '/v1/members', { name: 'Вера', agreements: [{ kind: 'rules' }] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual((await s.request('GET', `/v1/members/${res.body.id}/agreements`)).body.inForce.map((a: { kind: string }) => a.kind), ['rules']);
      await s.request('PATCH', '/v1/program', { settings: { requiredAgreements: ['rules', 'personal_data'] } }, { key: s.adminKey });
    });
  });
}
