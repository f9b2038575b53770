import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { MEMBER_JS_BUDGET, webSizes } from '../../scripts/web-size.mjs';
import { checkPage, launchBrowser, newContext, startWebServer, watchErrors } from '../support/browser.js';
import type { TestServer } from '../support/harness.js';

/** A browser journey may take minutes on a loaded two-core CI machine. */
const SLOW = 400_000;

describe('the web apps are served and load', () => {
  let s: TestServer;
  let browser: Browser;
  before(async () => {
    [s, browser] = await Promise.all([startWebServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  test('the member app opens in Russian for a Russian browser, switches to English and remembers it', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'phone', 'ru-RU');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${s.url}/app/`);
    await page.getByRole('heading', { name: 'Вход в программу «Test program»' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
    await checkPage(page, 'member-sign-in-ru');
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { name: 'Sign in to “Test program”' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to “Test program”' }).waitFor();
    await checkPage(page, 'member-sign-in-en');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the member sign-in works with the keyboard alone, in a sensible focus order', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'phone', 'ru-RU');
    const page = await context.newPage();
    await page.goto(`${s.url}/app/`);
    await page.getByRole('heading', { name: 'Вход в программу «Test program»' }).waitFor();
    const focused = () => page.evaluate<string>('(() => { const e = document.activeElement; return e ? (e.getAttribute("aria-label") || e.textContent || e.getAttribute("name") || e.tagName).trim() : ""; })()');
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused());
    }
    assert.deepEqual(order, ['К содержимому', 'RU', 'EN', 'channel', 'phone', 'Получить код']);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowDown'); // the radio group: by e-mail
    await page.keyboard.press('Tab');
    await page.keyboard.type('keys@example.ru');
    await page.keyboard.press('Enter');
    await page.getByText(/Мы отправили код/).waitFor();
    assert.equal(await focused(), 'code', 'the code field has the focus');
    await context.close();
  });

  test('the admin panel opens its sign-in page in English for an English browser', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'en-GB');
    const page = await context.newPage();
    await page.goto(`${s.url}/admin/members`);
    await page.getByRole('heading', { name: 'Sign in to the “Test program” panel' }).waitFor();
    await checkPage(page, 'admin-sign-in');
    await context.close();
  });

  test("the member app's first load stays under its JavaScript budget (gzip)", { timeout: SLOW }, async () => {
    const sizes = await webSizes();
    assert.ok(sizes.member!.firstLoadJs > 0);
    assert.ok(sizes.member!.firstLoadJs < MEMBER_JS_BUDGET, `member app first-load JS: ${sizes.member!.firstLoadJs} bytes gzip`);
  });

  test('the member app is installable: a web app manifest with icons, and a service worker that takes control', { timeout: SLOW }, async () => {
    const manifest = (await (await fetch(`${s.url}/app/manifest.webmanifest`)).json()) as { start_url: string; display: string; icons: { sizes: string }[] };
    assert.deepEqual([manifest.start_url, manifest.display], ['/app/', 'standalone']);
    assert.ok(manifest.icons.some((i) => i.sizes === '512x512'));
    const context = await newContext(browser, 'phone');
    const page = await context.newPage();
    await page.goto(`${s.url}/app/`);
    const scope = await page.evaluate<string>('navigator.serviceWorker.ready.then((r) => r.scope)');
    assert.equal(scope, `${s.url}/app/`);
    await context.close();
  });

  test('hashed assets are cached for a year, pages are revalidated, a missing asset is a 404', { timeout: SLOW }, async () => {
    const page = await fetch(`${s.url}/app/some/deep/link`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const script = /\/app\/assets\/[^"]+\.js/.exec(await page.text())![0];
    const asset = await fetch(`${s.url}${script}`);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal((await fetch(`${s.url}/app/assets/gone-1234.js`)).status, 404);
  });
});
