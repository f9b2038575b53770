import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAdminUser } from '../../src/app/admin-users.js';
import type { Transports } from '../../src/app/outbox.js';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { launchBrowser, newContext, startWebServer } from '../support/browser.js';
import { enrol, type TestServer } from '../support/harness.js';

/*
 * Opening the admin panel or the member app, signed out or signed in, leaves the browser's console
 * clean: no request refused (a 401 from probing a session before sign-in, a 404 for a favicon or a
 * manifest icon), no failed request, no error logged. A red console on a normal load hides the
 * errors that matter.
 */

const SLOW = 400_000;
const PASSWORD = 'a long test password';

/** Everything a quiet page must not show: console errors, uncaught errors, refused or failed requests. */
function noise(page: Page): string[] {
  const found: string[] = [];
  page.on('pageerror', (e) => found.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') found.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => found.push(`failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) found.push(`${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return found;
}

describe('normal page loads leave the console clean', () => {
  let s: TestServer;
  let browser: Browser;
  const inbox: { to: string; text: string }[] = [];
  const transports: Transports = { email: { description: 'test', send: async (m) => void inbox.push({ to: m.recipient, text: m.body ?? '' }) } };

  before(async () => {
    [s, browser] = await Promise.all([startWebServer({ pendingDays: 0 }), launchBrowser()]);
    await createAdminUser(s.ctx, s.programId, { email: 'owner@shop.test', name: 'Ольга', role: 'owner', password: PASSWORD });
    await enrol(s, { name: 'Анна', email: 'anna@example.ru' });
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  async function open(context: BrowserContext, path: string, ready: (page: Page) => Promise<unknown>): Promise<string[]> {
    const page = await context.newPage();
    const found = noise(page);
    await page.goto(`${s.url}${path}`);
    await ready(page);
    await page.waitForLoadState('networkidle');
    await page.reload();
    await ready(page);
    await page.waitForLoadState('networkidle');
    await page.close();
    return found;
  }

  /** The session cookie of a real sign-in, for a browser profile. */
  const cookie = (setCookie: string | null) => {
    const [pair] = (setCookie ?? '').split(';');
    const [name, value] = pair!.split('=');
    return { name: name!, value: value!, url: s.url };
  };

  test('the admin panel, signed out and signed in', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'ru-RU');
    const signedOut = await open(context, '/admin/', (p) => p.getByRole('button', { name: 'Войти' }).waitFor());
    assert.deepEqual(signedOut, [], 'signed out');
    const res = await fetch(`${s.url}/v1/auth/admin/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kopilka-csrf': '1' },
      body: JSON.stringify({ programId: s.programId, email: 'owner@shop.test', password: PASSWORD }),
    });
    assert.equal(res.status, 200);
    await context.addCookies([cookie(res.headers.get('set-cookie'))]);
    const signedIn = await open(context, '/admin/', (p) => p.getByTestId('figures').waitFor());
    assert.deepEqual(signedIn, [], 'signed in');
    await context.close();
  });

  test('the member app, signed out and signed in', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'phone', 'ru-RU');
    const signedOut = await open(context, '/app/', (p) => p.getByRole('button', { name: 'Получить код' }).waitFor());
    assert.deepEqual(signedOut, [], 'signed out');
    const sent = await s.request('POST', '/v1/auth/member/code', { programId: s.programId, email: 'anna@example.ru' }, { key: null });
    assert.equal(sent.status, 202);
    await runOutboxOnce(s.ctx, transports);
    const code = /\b(\d{6})\b/.exec(inbox.at(-1)!.text)![1]!;
    const verified = await fetch(`${s.url}/v1/auth/member/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kopilka-csrf': '1' },
      body: JSON.stringify({ programId: s.programId, email: 'anna@example.ru', code }),
    });
    assert.equal(verified.status, 200);
    await context.addCookies([cookie(verified.headers.get('set-cookie'))]);
    const signedIn = await open(context, '/app/', (p) => p.getByRole('heading', { name: 'Здравствуйте, Анна!' }).waitFor());
    assert.deepEqual(signedIn, [], 'signed in');
    await context.close();
  });
});
