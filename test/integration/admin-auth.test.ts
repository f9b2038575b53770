import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASES, enrol, startServer, type Response, type TestServer } from '../support/harness.js';

const PASSWORD = 'correct horse battery';
const CSRF = { 'x-kopilka-csrf': '1' };

for (const kind of DATABASES) {
  describe(`admin panel sign-in (${kind})`, () => {
    let s: TestServer;
    let member: string;
    before(async () => {
      s = await startServer(kind);
      member = await enrol(s, { phone: '+79160002000' });
    });
    after(() => s.close());

    /** Adds an admin user through the API with the admin key; returns its id. */
    async function addUser(email: string, role: string, password = PASSWORD): Promise<string> {
      const res = await s.request('POST', '/v1/admin-users', { email, role, password }, { key: s.adminKey });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.user.id;
    }

    function signIn(email: string, password = PASSWORD, headers: Record<string, string> = CSRF): Promise<Response> {
      return s.request('POST', '/v1/auth/admin/sign-in', { programId: s.programId, email, password }, { key: null, headers });
    }

    /** Signs in and returns the Cookie header to send. */
    async function session(email: string, password = PASSWORD): Promise<string> {
      const res = await signIn(email, password);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.headers.get('set-cookie')!.split(';')[0]!;
    }

    /** A request as the admin panel sends it: the session cookie and the CSRF header. */
    const asPanel = (cookie: string, method: string, path: string, body?: unknown, csrf = true) =>
      s.request(method, path, body, { key: null, headers: { cookie, ...(csrf ? CSRF : {}) } });

    test('an owner signs in and gets an HttpOnly, SameSite=Strict session cookie; /me says who they are', async () => {
      await addUser('Olga@Shop.example', 'owner');
      const res = await signIn('  olga@shop.EXAMPLE ');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.user.email, res.body.user.role, res.body.program.name], ['olga@shop.example', 'owner', 'Test program']);
      const setCookie = res.headers.get('set-cookie')!;
      assert.match(setCookie, /^kopilka_admin=kas_[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Strict$/);
      assert.doesNotMatch(setCookie, /Secure/, 'plain http on loopback: no Secure flag');
      assert.equal(res.body.expiresAt, new Date(s.clock.now().getTime() + 8 * 3_600_000).toISOString());

      const me = await asPanel(setCookie.split(';')[0]!, 'GET', '/v1/auth/admin/me', undefined, false);
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.deepEqual([me.body.user.email, me.body.user.role, me.body.user.lastSignInAt, me.body.program.id], ['olga@shop.example', 'owner', s.clock.now().toISOString(), s.programId]);
      assert.equal(JSON.stringify(me.body).includes('argon2'), false, 'no password hash is ever shown');
    });

    test('a wrong password and an unknown e-mail get the same answer', async () => {
      await addUser('petr@shop.example', 'analyst');
      const wrong = await signIn('petr@shop.example', 'not the password');
      const unknown = await signIn('nobody@shop.example', 'not the password');
      assert.equal(wrong.status, 401);
      assert.deepEqual(unknown.body, wrong.body);
      assert.equal(wrong.body.code, 'INVALID_CREDENTIALS');
      assert.equal(wrong.headers.get('set-cookie'), null);
    });

    test('each admin role may call exactly the routes of its role', async () => {
      const ids = { marketer: await addUser('m@shop.example', 'marketer'), support: await addUser('s@shop.example', 'support'), analyst: await addUser('a@shop.example', 'analyst') };
      const cookies = { owner: await session('olga@shop.example'), marketer: await session('m@shop.example'), support: await session('s@shop.example'), analyst: await session('a@shop.example') };
      const calls: [string, string, unknown, Record<keyof typeof cookies, number>][] = [
        ['GET', '/v1/program', undefined, { owner: 200, marketer: 200, support: 200, analyst: 200 }],
        ['GET', `/v1/members/${member}/balance`, undefined, { owner: 200, marketer: 200, support: 200, analyst: 200 }],
        ['PATCH', '/v1/program', { settings: { pendingDays: 14 } }, { owner: 200, marketer: 200, support: 403, analyst: 403 }],
        ['POST', `/v1/members/${member}/adjustments`, { points: 10, reason: 'goodwill' }, { owner: 201, marketer: 403, support: 201, analyst: 403 }],
        ['POST', `/v1/members/${member}/block`, { reason: 'check' }, { owner: 200, marketer: 403, support: 200, analyst: 403 }],
        ['POST', `/v1/members/${member}/unblock`, undefined, { owner: 200, marketer: 403, support: 200, analyst: 403 }],
        ['GET', '/v1/api-keys', undefined, { owner: 200, marketer: 403, support: 403, analyst: 403 }],
        ['GET', '/v1/admin-users', undefined, { owner: 200, marketer: 403, support: 403, analyst: 403 }],
        ['GET', '/v1/me', undefined, { owner: 403, marketer: 403, support: 403, analyst: 403 }],
      ];
      for (const [method, path, body, expected] of calls) {
        for (const role of Object.keys(cookies) as (keyof typeof cookies)[]) {
          const res = await asPanel(cookies[role], method, path, body);
          assert.equal(res.status, expected[role], `${role} ${method} ${path}: ${JSON.stringify(res.body)}`);
          if (res.status === 403) assert.equal(res.body.code, 'FORBIDDEN');
        }
      }
      const ledger = await s.request('GET', `/v1/members/${member}/ledger`);
      assert.deepEqual(
        ledger.body.items.map((e: any) => e.cause.actor),
        [`admin-user:${ids.support}`, 'admin-user:' + (await s.request('GET', '/v1/admin-users', undefined, { key: s.adminKey })).body.items.find((u: any) => u.role === 'owner').id],
      );
    });

    test('a state-changing request by cookie needs the CSRF header; reads and API keys do not', async () => {
      const cookie = await session('olga@shop.example');
      const noHeader = await asPanel(cookie, 'PATCH', '/v1/program', { name: 'Renamed' }, false);
      assert.equal(noHeader.status, 403);
      assert.equal(noHeader.body.code, 'CSRF_HEADER_MISSING');
      assert.equal((await s.request('GET', '/v1/program')).body.name, 'Test program');
      assert.equal((await asPanel(cookie, 'GET', '/v1/program', undefined, false)).status, 200);
      assert.equal((await asPanel(cookie, 'PATCH', '/v1/program', { name: 'Test program' })).status, 200);
      assert.equal((await s.request('PATCH', '/v1/program', { name: 'Test program' }, { key: s.adminKey })).status, 200);
      const signInWithout = await signIn('olga@shop.example', PASSWORD, {});
      assert.equal(signInWithout.status, 403);
      assert.equal(signInWithout.body.code, 'CSRF_HEADER_MISSING');
    });

    test('a session ends after eight idle hours, slides while used, and never outlives seven days', async () => {
      const cookie = await session('olga@shop.example');
      s.clock.advance(7 * 3_600_000);
      assert.equal((await asPanel(cookie, 'GET', '/v1/auth/admin/me')).status, 200, 'used within 8 hours: renewed');
      s.clock.advance(7 * 3_600_000);
      assert.equal((await asPanel(cookie, 'GET', '/v1/auth/admin/me')).status, 200, '14 hours after sign-in, 7 after last use');
      s.clock.advance(8 * 3_600_000 + 1000);
      const idle = await asPanel(cookie, 'GET', '/v1/auth/admin/me');
      assert.equal(idle.status, 401);
      assert.equal(idle.body.code, 'SESSION_EXPIRED');
      assert.equal((await asPanel(cookie, 'GET', '/v1/auth/admin/me')).body.code, 'UNAUTHORIZED', 'an ended session is gone');

      const busy = await session('olga@shop.example');
      for (let hours = 6; hours < 7 * 24; hours += 6) {
        s.clock.advance(6 * 3_600_000);
        assert.equal((await asPanel(busy, 'GET', '/v1/program')).status, 200, `${hours} h`);
      }
      s.clock.advance(6 * 3_600_000);
      assert.equal((await asPanel(busy, 'GET', '/v1/program')).body.code, 'SESSION_EXPIRED', 'seven days after sign-in');
    });

    test('signing out ends the session and clears the cookie', async () => {
      const cookie = await session('olga@shop.example');
      const out = await asPanel(cookie, 'POST', '/v1/auth/admin/sign-out');
      assert.equal(out.status, 204);
      assert.match(out.headers.get('set-cookie')!, /^kopilka_admin=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/);
      assert.equal((await asPanel(cookie, 'GET', '/v1/auth/admin/me')).status, 401);
    });

    test('owners manage admin users: generated passwords, weak ones refused, disabling ends sessions, the last owner stays', async () => {
      const owner = await session('olga@shop.example');
      const made = await asPanel(owner, 'POST', '/v1/admin-users', { email: 'ivan@shop.example', name: 'Иван', role: 'support' });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.match(made.body.password, /^[A-Za-z0-9_-]{22}$/);
      assert.equal((await signIn('ivan@shop.example', made.body.password)).status, 200);
      const dup = await asPanel(owner, 'POST', '/v1/admin-users', { email: 'IVAN@shop.example', role: 'analyst' });
      assert.deepEqual([dup.status, dup.body.code], [409, 'ADMIN_USER_EXISTS']);
      const short = await asPanel(owner, 'POST', '/v1/admin-users', { email: 'x@shop.example', role: 'analyst', password: 'short' });
      assert.deepEqual([short.status, short.body.errors[0].pointer], [400, '/password']);
      const weak = await asPanel(owner, 'POST', '/v1/admin-users', { email: 'x@shop.example', role: 'analyst', password: 'aaaaaaaaaaaa' });
      assert.deepEqual([weak.status, weak.body.code], [422, 'PASSWORD_TOO_WEAK']);

      const ivan = await session('ivan@shop.example', made.body.password);
      const disabled = await asPanel(owner, 'PATCH', `/v1/admin-users/${made.body.user.id}`, { disabled: true });
      assert.equal(disabled.body.disabled, true);
      assert.equal((await asPanel(ivan, 'GET', '/v1/program')).status, 401, 'disabling ends the sessions');
      assert.equal((await signIn('ivan@shop.example', made.body.password)).body.code, 'ADMIN_USER_DISABLED');

      const me = (await asPanel(owner, 'GET', '/v1/auth/admin/me')).body.user.id;
      const demote = await asPanel(owner, 'PATCH', `/v1/admin-users/${me}`, { role: 'marketer' });
      assert.deepEqual([demote.status, demote.body.code], [409, 'LAST_OWNER']);
      assert.equal((await asPanel(owner, 'DELETE', `/v1/admin-users/${me}`)).body.code, 'LAST_OWNER');
      assert.equal((await asPanel(owner, 'DELETE', `/v1/admin-users/${made.body.user.id}`)).status, 204);
      assert.equal((await asPanel(owner, 'GET', `/v1/admin-users/${made.body.user.id}`)).status, 404);
      const list = await asPanel(owner, 'GET', '/v1/admin-users');
      assert.ok(!list.body.items.some((u: any) => u.email === 'ivan@shop.example'));
    });

    test('sign-in attempts are limited per e-mail and per client address', async () => {
      s.clock.advance(16 * 60_000); // a fresh window
      await addUser('limit@shop.example', 'analyst');
      for (let i = 0; i < 5; i++) assert.equal((await signIn('limit@shop.example', `wrong ${i} password`)).body.code, 'INVALID_CREDENTIALS');
      const limited = await signIn('limit@shop.example');
      assert.deepEqual([limited.status, limited.body.code], [429, 'RATE_LIMITED']);
      assert.equal(limited.headers.get('retry-after'), '900');
      assert.equal((await signIn('olga@shop.example')).status, 200, 'other e-mails are not held up');
      s.clock.advance(15 * 60_000);
      assert.equal((await signIn('limit@shop.example')).status, 200, 'after the window the right password works');

      for (let i = 0; i < 30; i++) assert.equal((await signIn(`guess${i}@shop.example`, 'wrong password')).status, 401, `guess ${i}`);
      const fromAddress = await signIn('olga@shop.example');
      assert.deepEqual([fromAddress.status, fromAddress.body.code], [429, 'RATE_LIMITED'], '30 failures from one address within 15 minutes');
      s.clock.advance(15 * 60_000);
    });
  });
}
