import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Transports } from '../../src/app/outbox.js';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { smsWebhookTransport, smtpTransport } from '../../src/jobs/transports.js';
import { listOutbox } from '../../src/store/outbox.js';
import { startSmtpSink, startWebhookPeer, type SmtpSink, type WebhookPeer } from '../support/delivery-peers.js';
import { credit, DATABASES, enrol, startServer, type Response, type TestServer } from '../support/harness.js';

const CSRF = { 'x-kopilka-csrf': '1' };
const SECRET = `whsec_${Buffer.from('a test secret of thirty-two bytes').toString('base64')}`;

for (const kind of DATABASES) {
  describe(`member app sign-in with a one-time code (${kind})`, () => {
    let s: TestServer;
    let sink: SmtpSink;
    let hook: WebhookPeer;
    let transports: Transports & { email: ReturnType<typeof smtpTransport> };
    before(async () => {
      [s, sink, hook] = await Promise.all([startServer(kind), startSmtpSink(), startWebhookPeer()]);
      transports = {
        email: smtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from: 'Kopilka <no-reply@kopilka.test>', user: undefined, password: undefined }),
        sms: smsWebhookTransport({ url: hook.url, secret: SECRET }),
      };
    });
    after(async () => {
      transports.email.close();
      await Promise.all([sink.stop(), hook.stop()]);
      await s.close();
    });

    const anon = (method: string, path: string, body?: unknown, headers: Record<string, string> = CSRF) => s.request(method, path, body, { key: null, headers });
    const askCode = (target: Record<string, string>) => anon('POST', '/v1/auth/member/code', { programId: s.programId, ...target }, {});
    const verify = (target: Record<string, string>, code: string) => anon('POST', '/v1/auth/member/verify', { programId: s.programId, ...target, code });
    const asMember = (token: string, method: string, path: string, body?: unknown) => s.request(method, path, body, { key: token });

    /** Asks for a code by e-mail, lets the outbox deliver it over SMTP, and reads it from the e-mail. */
    async function codeByEmail(email: string): Promise<string> {
      const res = await askCode({ email });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.equal((await runOutboxOnce(s.ctx, transports)).failed, 0);
      const mail = await sink.take(email.toLowerCase());
      return /\b(\d{6})\b/.exec(mail.text)![1]!;
    }

    const wrongOf = (code: string) => (code === '000000' ? '111111' : '000000');

    test('a member gets a code by e-mail, signs in with it and sees their balance', async () => {
      const member = await enrol(s, { name: 'Анна', email: 'anna@example.ru' });
      await credit(s, member, 250);
      const sent = await askCode({ email: 'Anna@Example.ru' });
      assert.equal(sent.status, 202);
      assert.deepEqual(sent.body, {
        channel: 'email',
        sentTo: 'a***@example.ru',
        expiresAt: new Date(s.clock.now().getTime() + 600_000).toISOString(),
        resendAfter: new Date(s.clock.now().getTime() + 60_000).toISOString(),
      });
      assert.deepEqual(await runOutboxOnce(s.ctx, transports), { sent: 1, retrying: 0, failed: 0 });
      const mail = await sink.take('anna@example.ru');
      assert.equal(mail.from, 'no-reply@kopilka.test');
      const code = /код для входа (\d{6})$/.exec(mail.subject)![1]!;
      assert.match(mail.text, new RegExp(`Ваш код для входа в программу «Test program»: ${code}`));
      const row = (await listOutbox(s.database.db, s.programId, 1))[0]!;
      assert.deepEqual([row.status, row.attempts, row.channel, row.recipient], ['sent', 1, 'email', 'anna@example.ru']);
      assert.deepEqual([row.subject, row.body], [null, null], 'a sent code does not stay in the outbox');

      const signedIn = await verify({ email: 'anna@example.ru' }, code);
      assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
      assert.equal(signedIn.body.member.id, member);
      assert.match(signedIn.body.token, new RegExp(`^kms_${member}_[A-Za-z0-9_-]{43}$`));
      assert.match(signedIn.headers.get('set-cookie')!, /^kopilka_member=kms_[^;]+; Max-Age=34560000; Path=\/; HttpOnly; SameSite=Strict$/);
      const balance = await asMember(signedIn.body.token, 'GET', '/v1/me/balance');
      assert.deepEqual([balance.status, balance.body.memberId, balance.body.available], [200, member, 250]);
      const byCookie = await s.request('GET', '/v1/me', undefined, { key: null, headers: { cookie: signedIn.headers.get('set-cookie')!.split(';')[0]! } });
      assert.deepEqual([byCookie.status, byCookie.body.name], [200, 'Анна']);
      const ledger = await asMember(signedIn.body.token, 'GET', '/v1/me/ledger');
      assert.deepEqual(ledger.body.items.map((e: any) => e.points), [250]);
      assert.equal((await verify({ email: 'anna@example.ru' }, code)).body.code, 'CODE_EXPIRED', 'a code works once');
      assert.equal((await asMember(signedIn.body.token, 'GET', `/v1/members/${member}`)).status, 403, 'a member session is no API key');
    });

    test('a phone or e-mail that no member has gets the same answer, and a code, so that its owner can join', async () => {
      await enrol(s, { email: 'known@example.ru' });
      const known = await askCode({ email: 'known@example.ru' });
      const unknown = await askCode({ email: 'new.person@example.ru' });
      assert.equal(unknown.status, known.status);
      assert.deepEqual({ ...unknown.body, sentTo: null }, { ...known.body, sentTo: null });
      assert.deepEqual(await runOutboxOnce(s.ctx, transports), { sent: 2, retrying: 0, failed: 0 });
      await sink.take('known@example.ru');
      const code = /\b(\d{6})\b/.exec((await sink.take('new.person@example.ru')).text)![1]!;
      const notYet = await verify({ email: 'new.person@example.ru' }, code);
      assert.deepEqual([notYet.status, notYet.body.code], [404, 'NOT_ENROLLED'], 'said only to whoever has the code');

      const joined = await anon('POST', '/v1/auth/member/join', { programId: s.programId, email: 'new.person@example.ru', code, name: 'Новый', birthday: '1990-05-17', consents: { email: true } });
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
      assert.deepEqual([joined.body.member.email, joined.body.member.birthday, joined.body.member.consents], ['new.person@example.ru', '1990-05-17', { email: true }]);
      assert.deepEqual(joined.body.member.identifiers, [{ kind: 'email', value: 'new.person@example.ru' }]);
      assert.equal((await asMember(joined.body.token, 'GET', '/v1/me/balance')).body.available, 0);
      const found = await s.request('GET', '/v1/members/lookup?kind=email&value=new.person%40example.ru');
      assert.equal(found.body.id, joined.body.member.id, 'the till finds the new member');
      await s.assertBooksBalance();
    });

    test('a code expires after ten minutes', async () => {
      await enrol(s, { email: 'late@example.ru' });
      const code = await codeByEmail('late@example.ru');
      s.clock.advance(600_000);
      const late = await verify({ email: 'late@example.ru' }, code);
      assert.deepEqual([late.status, late.body.code], [401, 'CODE_EXPIRED']);
    });

    test('five wrong codes end the code, even for the right one after them', async () => {
      await enrol(s, { email: 'typo@example.ru' });
      const code = await codeByEmail('typo@example.ru');
      for (const left of [4, 3, 2, 1]) {
        const wrong = await verify({ email: 'typo@example.ru' }, wrongOf(code));
        assert.deepEqual([wrong.status, wrong.body.code, wrong.body.attemptsLeft], [401, 'INVALID_CODE', left]);
      }
      assert.deepEqual((await verify({ email: 'typo@example.ru' }, wrongOf(code))).body.code, 'TOO_MANY_ATTEMPTS');
      const right = await verify({ email: 'typo@example.ru' }, code);
      assert.deepEqual([right.status, right.body.code], [429, 'TOO_MANY_ATTEMPTS']);
    });

    test('a new code a minute after the last, at most five an hour; only the newest counts', async () => {
      const target = { email: 'resend@example.ru' };
      await enrol(s, target);
      const first = await codeByEmail(target.email);
      const again = await askCode(target);
      assert.deepEqual([again.status, again.body.code, again.headers.get('retry-after')], [429, 'RESEND_TOO_SOON', '60']);
      let newest = first;
      for (let i = 2; i <= 5; i++) {
        s.clock.advance(60_000);
        newest = await codeByEmail(target.email);
      }
      s.clock.advance(60_000);
      const sixth = await askCode(target);
      assert.deepEqual([sixth.status, sixth.body.code, sixth.headers.get('retry-after')], [429, 'RATE_LIMITED', String(3600 - 5 * 60)]);
      if (first !== newest) assert.equal((await verify(target, first)).body.code, 'INVALID_CODE', 'an older code no longer counts');
      assert.equal((await verify(target, newest)).status, 200);
      s.clock.advance(3600_000);
      assert.equal((await askCode(target)).status, 202, 'an hour later codes flow again');
    });

    test('the virtual card token resolves at the till until the member rotates it', async () => {
      const member = await enrol(s, { email: 'card@example.ru' });
      const { token } = (await verify({ email: 'card@example.ru' }, await codeByEmail('card@example.ru'))).body;
      const card = await asMember(token, 'GET', '/v1/me/card');
      assert.equal(card.status, 200, JSON.stringify(card.body));
      assert.match(card.body.value, /^kmt_[A-Za-z0-9_-]{27}$/);
      assert.deepEqual((await asMember(token, 'GET', '/v1/me/card')).body, card.body, 'the same token until rotated');
      const lookup = (value: string) => s.request('GET', `/v1/members/lookup?kind=member_token&value=${encodeURIComponent(value)}`);
      assert.equal((await lookup(card.body.value)).body.id, member);

      const rotated = await asMember(token, 'POST', '/v1/me/card/rotate');
      assert.notEqual(rotated.body.value, card.body.value);
      assert.deepEqual([(await lookup(card.body.value)).status, (await lookup(card.body.value)).body.code], [404, 'MEMBER_NOT_FOUND']);
      assert.equal((await lookup(rotated.body.value)).body.id, member);
      const cookie = `kopilka_member=${token}`;
      const noCsrf = await s.request('POST', '/v1/me/card/rotate', undefined, { key: null, headers: { cookie } });
      assert.deepEqual([noCsrf.status, noCsrf.body.code], [403, 'CSRF_HEADER_MISSING']);
      assert.equal((await s.request('POST', '/v1/me/card/rotate', undefined, { key: null, headers: { cookie, ...CSRF } })).status, 200);
    });

    test('a member edits their profile and consents, but not their phone or e-mail', async () => {
      await enrol(s, { email: 'self@example.ru', consents: { sms: true, email: false } });
      const { token } = (await verify({ email: 'self@example.ru' }, await codeByEmail('self@example.ru'))).body;
      const patched = await asMember(token, 'PATCH', '/v1/me', { name: 'Сама', city: 'Казань', consents: { email: true } });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.deepEqual([patched.body.name, patched.body.city, patched.body.consents], ['Сама', 'Казань', { sms: true, email: true }]);
      const phone = await asMember(token, 'PATCH', '/v1/me', { phone: '+79160000000' });
      assert.deepEqual([phone.status, phone.body.errors[0].pointer], [400, '/phone']);
      const out = await s.request('POST', '/v1/auth/member/sign-out', undefined, { key: token });
      assert.equal(out.status, 204);
      assert.equal((await asMember(token, 'GET', '/v1/me')).status, 401);
    });

    test('a member session ends after 90 days without use', async () => {
      await enrol(s, { email: 'idle@example.ru' });
      const { token } = (await verify({ email: 'idle@example.ru' }, await codeByEmail('idle@example.ru'))).body;
      s.clock.advanceDays(89);
      assert.equal((await asMember(token, 'GET', '/v1/me')).status, 200);
      s.clock.advanceDays(89);
      assert.equal((await asMember(token, 'GET', '/v1/me')).status, 200, 'each use slides the end');
      s.clock.advanceDays(91);
      assert.equal((await asMember(token, 'GET', '/v1/me')).body.code, 'SESSION_EXPIRED');
    });

    test('SMS codes go to a webhook signed per Standard Webhooks, retried with backoff when it fails', async () => {
      const member = await enrol(s, { phone: '+79161234567' });
      hook.answers.push(503);
      assert.equal((await askCode({ phone: '8 (916) 123-45-67' })).body.sentTo, '********4567');
      assert.deepEqual(await runOutboxOnce(s.ctx, transports), { sent: 0, retrying: 1, failed: 0 });
      const pending = (await listOutbox(s.database.db, s.programId, 1))[0]!;
      assert.deepEqual([pending.status, pending.attempts, pending.last_error], ['pending', 1, 'the SMS webhook answered HTTP 503']);
      assert.match(pending.body!, /код входа \d{6}/, 'kept until sent');
      assert.equal(pending.next_attempt_at.toISOString(), new Date(s.clock.now().getTime() + 30_000).toISOString());
      assert.deepEqual(await runOutboxOnce(s.ctx, transports), { sent: 0, retrying: 0, failed: 0 }, 'not due before its backoff');
      s.clock.advance(30_000);
      assert.deepEqual(await runOutboxOnce(s.ctx, transports), { sent: 1, retrying: 0, failed: 0 });

      assert.equal(hook.requests.length, 2);
      const [failed, delivered] = hook.requests as [(typeof hook.requests)[0], (typeof hook.requests)[0]];
      assert.equal(delivered.headers['webhook-id'], failed.headers['webhook-id'], 'one webhook-id across retries');
      assert.equal(delivered.headers['webhook-timestamp'], String(s.clock.now().getTime() / 1000));
      const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
      const expected = createHmac('sha256', key).update(`${delivered.headers['webhook-id']}.${delivered.headers['webhook-timestamp']}.${delivered.body}`).digest('base64');
      assert.equal(delivered.headers['webhook-signature'], `v1,${expected}`);
      const sms = JSON.parse(delivered.body);
      assert.deepEqual([sms.type, sms.data.to, sms.data.programId], ['sms.send', '+79161234567', s.programId]);
      const code = /код входа (\d{6})\./.exec(sms.data.text)![1]!;
      const signedIn = await verify({ phone: '+7 916 123 45 67' }, code);
      assert.deepEqual([signedIn.status, signedIn.body.member.id], [200, member]);
    });

    test('a message is given up after the last attempt', async () => {
      await enrol(s, { phone: '+79161230000' });
      hook.answers.push(500, 500);
      await askCode({ phone: '+79161230000' });
      const retry = { baseMs: 1000, capMs: 1000, maxAttempts: 2 };
      assert.deepEqual(await runOutboxOnce(s.ctx, transports, undefined, retry), { sent: 0, retrying: 1, failed: 0 });
      s.clock.advance(1000);
      assert.deepEqual(await runOutboxOnce(s.ctx, transports, undefined, retry), { sent: 0, retrying: 0, failed: 1 });
      const row = (await listOutbox(s.database.db, s.programId, 1))[0]!;
      assert.deepEqual([row.status, row.attempts, row.body], ['failed', 2, null]);
      s.clock.advance(3_600_000);
      assert.deepEqual(await runOutboxOnce(s.ctx, transports), { sent: 0, retrying: 0, failed: 0 }, 'never tried again');
    });

    test('without delivery for a channel (production), codes for it are refused with a clear problem', async () => {
      const delivery = s.ctx.auth.delivery;
      s.ctx.auth.delivery = { email: false, sms: true };
      try {
        const refused: Response = await askCode({ email: 'anna@example.ru' });
        assert.deepEqual([refused.status, refused.body.code], [503, 'DELIVERY_NOT_CONFIGURED']);
        assert.match(refused.body.detail, /no e-mail delivery is configured/);
      } finally {
        s.ctx.auth.delivery = delivery;
      }
    });
  });
}
