import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAdminUser } from '../../src/app/admin-users.js';
import { aggregateProgram } from '../../src/app/analytics/aggregate.js';
import { recomputeRfm } from '../../src/app/analytics/rfm.js';
import { sendFeedback } from '../../src/app/feedback.js';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { smtpTransport } from '../../src/jobs/transports.js';
import { checkPage, launchBrowser, newContext, startWebServer, watchErrors } from '../support/browser.js';
import { startSmtpSink, type SmtpSink } from '../support/delivery-peers.js';
import { enrol, line, receipt, type TestServer } from '../support/harness.js';
import { latinWords, overflows } from '../support/readable.js';

const PASSWORD = 'a long test password';
const SLOW = 600_000;
const LONG_NAME = 'Александра Константиновна Преображенская-Салтыкова';
const OWNER = 'Констанция Вениаминовна Преображенская-Салтыкова';

/*
 * A retailer's first hour, read as a person reads it: with realistic data (millions of roubles,
 * long names), every page of the admin panel at 1366 px and of the member app at 390 px, in
 * Russian and English, fits its screen and its cards; a Russian page has no English words.
 */
describe('pages a person can read', () => {
  let s: TestServer;
  let browser: Browser;
  let sink: SmtpSink;
  let email: ReturnType<typeof smtpTransport>;
  let richMember: string;
  before(async () => {
    [s, browser, sink] = await Promise.all([startWebServer({ pendingDays: 0 }), launchBrowser(), startSmtpSink()]);
    email = smtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from: 'Kopilka <no-reply@kopilka.test>', user: undefined, password: undefined });
    const admin = { key: s.adminKey };
    // The reports run in the program's today; the browser's today is the real one.
    s.clock.current = new Date();
    assert.equal((await s.request('PATCH', '/v1/program', { name: 'Сеть магазинов «Домашний погребок» — бонусная программа' }, admin)).status, 200);
    await createAdminUser(s.ctx, s.programId, { email: 'konstantsiya.preobrazhenskaya-saltykova@domashniy-pogrebok.ru', name: OWNER, role: 'owner', password: PASSWORD });
    assert.equal((await s.request('PUT', '/v1/tier-policy', { window: { kind: 'rolling', days: 365 }, graceDays: 30 }, admin)).status, 200);
    for (const tier of [
      { id: 'silver', name: 'Серебро', rank: 1, qualification: { metric: 'spend', min: 10_000_00 }, benefits: { earnMultiplier: 1.5, discountPercent: 0, perks: ['бесплатная доставка'] } },
      { id: 'gold', name: 'Золото', rank: 2, qualification: { metric: 'spend', min: 50_000_00 }, benefits: { earnMultiplier: 2, discountPercent: 5, perks: [] } },
    ]) {
      const res = await s.request('POST', '/v1/tiers', tier, admin);
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const store = { id: 'msk-tverskaya', name: 'Гипермаркет на Тверской-Ямской улице', address: 'Москва, 1-я Тверская-Ямская улица, дом 25, строение 1', city: 'Москва', latitude: 55.77, longitude: 37.59, openingHours: { mon: [['08:00', '23:00']] } };
    assert.equal((await s.request('POST', '/v1/stores', store, admin)).status, 201);
    const campaign = { id: 'double', name: 'Двойные баллы на всю молочную продукцию по выходным', kind: 'purchase', block: 'mass', schedule: { to: '2030-12-31' }, audience: [], conditions: [{ kind: 'total', min: 50_000 }], effects: [{ kind: 'points_multiplier', multiplier: 2 }], limits: {}, priority: 0, stacking: 'stack', controlGroupPercent: 10 };
    assert.equal((await s.request('POST', '/v1/campaigns', { campaign, status: 'active' }, admin)).status, 201);
    assert.equal((await s.request('POST', '/v1/coupon-series', { id: 'bday', name: 'Подарок ко дню рождения постоянным покупателям', kind: 'unique', count: 3, prefix: 'BD' }, admin)).status, 201);

    richMember = await enrol(s, { name: LONG_NAME, phone: '+79161234567', email: 'aleksandra@example.ru', city: 'Санкт-Петербург', consents: { sms: true, email: true, push: false } });
    // Big figures: receipts of millions of roubles, balances of millions of points.
    for (let i = 0; i < 6; i++) {
      const bought = await s.request('POST', '/v1/purchases', { ...receipt([line('TV', 3, 4_567_890), line('MILK', 2, 99)]), memberId: richMember, storeId: 'msk-tverskaya' });
      assert.equal(bought.status, 201, JSON.stringify(bought.body));
      assert.equal((await s.request('POST', '/v1/purchases', receipt([line('SOFA', 1, 2_345_678)]))).status, 201);
    }
    const bonus = await s.request('POST', `/v1/members/${richMember}/adjustments`, { points: 12_345_678, reason: 'Компенсация за задержку доставки' }, admin);
    assert.equal(bonus.status, 201, JSON.stringify(bonus.body));
    for (let i = 0; i < 12; i++) await enrol(s, { name: `${LONG_NAME} ${i + 1}` });
    await sendFeedback(s.ctx, { programId: s.programId, role: 'member', name: `member:${richMember}`, memberId: richMember }, { topic: 'idea', message: 'Пожалуйста, добавьте в ассортимент безлактозное молоко и овсяные хлопья крупного помола' });
    await aggregateProgram(s.ctx, s.programId);
    await recomputeRfm(s.ctx, s.programId);
  });
  after(async () => {
    email?.close();
    await sink?.stop();
    await browser?.close();
    await s?.close();
  });

  /** Waits until a page has loaded what it shows. */
  async function settle(page: Page): Promise<void> {
    await page.locator('main').first().waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForFunction("!document.querySelector('.loading')");
  }

  /** What is wrong with the page: what sticks out, and in Russian, English words. */
  async function problems(page: Page, lang: 'ru' | 'en'): Promise<string[]> {
    const found = (await overflows(page)).map((o) => `${page.url()} (${lang}): ${o}`);
    if (lang === 'ru') for (const w of await latinWords(page)) found.push(`${page.url()}: an English word "${w}"`);
    return found;
  }

  test('every admin page fits 1366 px and its cards, in Russian and in English; no English in Russian', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'ru-RU');
    await context.newPage();
    const page = context.pages()[0]!;
    await page.setViewportSize({ width: 1366, height: 900 });
    const errors = watchErrors(page);
    await page.goto(`${s.url}/admin/`);
    await page.getByLabel('E-mail').fill('konstantsiya.preobrazhenskaya-saltykova@domashniy-pogrebok.ru');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('figures').waitFor();
    const paths = ['/', '/analytics', '/members', `/members/${richMember}`, '/campaigns', '/campaigns/new', '/campaigns/double', '/campaigns/double/results', '/tiers', '/coupons', '/stores', '/feedback', '/settings', '/audit', '/api-keys', '/admin-users'];
    const found: string[] = [];
    for (const lang of ['ru', 'en'] as const) {
      await page.evaluate(`localStorage.setItem('kopilka.admin.lang', '${lang}')`);
      for (const p of paths) {
        await page.goto(`${s.url}/admin${p}`);
        await settle(page);
        if (p === '/') await page.getByTestId('chart-sales').locator('canvas').waitFor();
        found.push(...(await problems(page, lang)));
        if (lang === 'ru' && (p === '/' || p.startsWith('/members/'))) await checkPage(page, `readable-admin${p === '/' ? '-dashboard' : '-member'}`);
      }
    }
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  /** Signs in to the member app by e-mail: the code travels through the outbox and a real SMTP server. */
  async function memberSignIn(page: Page, address: string): Promise<void> {
    await page.goto(`${s.url}/app/`);
    await page.getByLabel(/На e-mail|By e-mail/).check();
    await page.getByRole('textbox', { name: 'E-mail' }).fill(address);
    await page.getByRole('button', { name: /Получить код|Get a code/ }).click();
    await page.getByText(/Мы отправили код|We sent a code/).waitFor();
    assert.equal((await runOutboxOnce(s.ctx, { email })).sent, 1);
    const code = /\b(\d{6})\b/.exec((await sink.take(address)).text)![1]!;
    await page.getByLabel(/Код из сообщения|The code from the message/).fill(code);
    await page.getByRole('button', { name: /^(Войти|Sign in)$/ }).click();
  }

  test('a new member sees how much is left to the first tier, and deleting the account asks first and says what happens to the points', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'phone', 'ru-RU');
    const page = await context.newPage();
    const errors = watchErrors(page, [401, 404, 429]); // 429: a second code asked for too soon, on purpose
    await page.goto(`${s.url}/app/`);
    await page.getByLabel('На e-mail').check();
    await page.getByRole('textbox', { name: 'E-mail' }).fill('newcomer@example.ru');
    await page.getByRole('button', { name: 'Получить код' }).click();
    await page.getByText(/Мы отправили код/).waitFor();
    // Asking again at once: the member reads why in Russian, not the problem's code.
    await page.getByRole('button', { name: 'Отправить ещё раз' }).click();
    await page.getByText('Новый код можно запросить через минуту после прошлого.').first().waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /RESEND_TOO_SOON/);
    assert.equal((await runOutboxOnce(s.ctx, { email })).sent, 1);
    const code = /\b(\d{6})\b/.exec((await sink.take('newcomer@example.ru')).text)![1]!;
    await page.getByLabel('Код из сообщения').fill(code);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByLabel('Имя').fill('Пётр');
    await page.getByRole('button', { name: 'Вступить' }).click();
    await page.getByRole('heading', { name: 'Здравствуйте, Пётр!' }).waitFor();
    const missing = page.getByTestId('tier-missing');
    await missing.waitFor();
    assert.equal((await missing.innerText()).replace(/\s/g, ' '), 'До уровня «Серебро» осталось купить на 10 000 ₽');
    await checkPage(page, 'readable-member-new-tier');

    const memberId = (await s.request('GET', '/v1/members/lookup?kind=email&value=newcomer@example.ru')).body.id as string;
    const credited = await s.request('POST', `/v1/members/${memberId}/adjustments`, { points: 21, reason: 'Приветственные баллы' }, { key: s.adminKey });
    assert.equal(credited.status, 201, JSON.stringify(credited.body));
    await page.getByRole('link', { name: 'Профиль' }).click();
    await page.getByRole('button', { name: 'Удалить аккаунт…' }).click();
    const confirmation = page.getByTestId('delete-confirmation');
    await confirmation.waitFor();
    // What deleteMe does (src/app/my-data.ts): the profile and identifiers go, the points stay on the books, nobody's.
    assert.equal((await page.getByTestId('delete-points').innerText()).replace(/\s/g, ' '), 'На счёте 21 балл. После удаления его никто не сможет потратить, и вернуть его будет нельзя: он останется в учёте программы за обезличенной записью.');
    assert.match(await confirmation.innerText(), /Карта и её код перестанут работать/);
    await checkPage(page, 'readable-member-delete-confirmation');
    await page.getByRole('button', { name: 'Не удалять' }).click();
    await confirmation.waitFor({ state: 'detached' });
    assert.equal((await s.request('GET', `/v1/members/${memberId}`, undefined, { key: s.adminKey })).body.status, 'active', 'nothing is deleted without the second step');
    await page.getByRole('button', { name: 'Удалить аккаунт…' }).click();
    await page.getByRole('button', { name: 'Да, удалить навсегда' }).click();
    await page.getByRole('button', { name: 'Получить код' }).waitFor();
    const gone = await s.request('GET', `/v1/members/${memberId}`, undefined, { key: s.adminKey });
    assert.equal(gone.body.status, 'anonymised');
    const balance = await s.request('GET', `/v1/members/${memberId}/balance`, undefined, { key: s.adminKey });
    assert.equal(balance.body.available, 21, 'the points stay on the books, as the page said');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the audit log says who by name, what in words and which fields changed', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'ru-RU');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${s.url}/admin/`);
    await page.getByLabel('E-mail').fill('konstantsiya.preobrazhenskaya-saltykova@domashniy-pogrebok.ru');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByTestId('figures').waitFor();
    const changed = await page.evaluate(`fetch('/v1/program', { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-kopilka-csrf': '1' }, body: JSON.stringify({ settings: { maxRedeemPercent: 45 } }) }).then((r) => r.status)`);
    assert.equal(changed, 200);
    await page.getByRole('navigation').getByRole('link', { name: 'Журнал изменений' }).click();
    const first = page.getByTestId('audit').locator('tbody tr').first();
    await first.waitFor();
    const text = (await first.innerText()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`${OWNER} konstantsiya\\.preobrazhenskaya-saltykova@domashniy-pogrebok\\.ru Изменение Программа`));
    assert.match(text, /Доля оплаты баллами settings\.maxRedeemPercent 30 45/);
    assert.doesNotMatch(text, /admin-user:|"before"/);
    await checkPage(page, 'readable-admin-audit');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('every member app page fits 390 px and its cards, in Russian and in English; no English in Russian', { timeout: SLOW }, async () => {
    const found: string[] = [];
    const context = await newContext(browser, 'phone', 'ru-RU');
    const page = await context.newPage();
    const errors = watchErrors(page);
    const setLang = (lang: 'ru' | 'en') => page.evaluate(`localStorage.setItem('kopilka.member.lang', '${lang}')`);
    await page.goto(`${s.url}/app/`);
    for (const lang of ['en', 'ru'] as const) {
      await setLang(lang);
      await page.reload();
      await settle(page);
      found.push(...(await problems(page, lang)));
    }
    await memberSignIn(page, 'aleksandra@example.ru');
    await page.getByTestId('balance-available').waitFor();
    for (const lang of ['ru', 'en'] as const) {
      await setLang(lang);
      for (const p of ['/', '/history', '/offers', '/stores', '/profile', '/feedback']) {
        await page.goto(`${s.url}/app${p}`);
        await settle(page);
        found.push(...(await problems(page, lang)));
        if (lang === 'ru' && p === '/') await checkPage(page, 'readable-member-home');
      }
    }
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
