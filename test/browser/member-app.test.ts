import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { smtpTransport } from '../../src/jobs/transports.js';
import { checkPage, launchBrowser, newContext, startWebServer, watchErrors } from '../support/browser.js';
import { startSmtpSink, type SmtpSink } from '../support/delivery-peers.js';
import { enrol, line, receipt, type TestServer } from '../support/harness.js';

/** A browser journey may take minutes on a loaded two-core CI machine. */
const SLOW = 400_000;

describe('member app in the browser', () => {
  let s: TestServer;
  let browser: Browser;
  let sink: SmtpSink;
  let email: ReturnType<typeof smtpTransport>;
  before(async () => {
    // No return window, so that points earned at the till are available at once.
    [s, browser, sink] = await Promise.all([startWebServer({ pendingDays: 0 }), launchBrowser(), startSmtpSink()]);
    email = smtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from: 'Kopilka <no-reply@kopilka.test>', user: undefined, password: undefined });
  });
  after(async () => {
    email?.close();
    await sink?.stop();
    await browser?.close();
    await s?.close();
  });

  /** Signs in by e-mail through the page: the code travels through the outbox and a real SMTP server. */
  async function signInByEmail(page: Page, address: string): Promise<void> {
    await page.goto(`${s.url}/app/`);
    await page.getByLabel('На e-mail').check();
    await page.getByRole('textbox', { name: 'E-mail' }).fill(address);
    await page.getByRole('button', { name: 'Получить код' }).click();
    await page.getByText(/Мы отправили код/).waitFor();
    assert.equal((await runOutboxOnce(s.ctx, { email })).sent, 1);
    const mail = await sink.take(address);
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
    await page.getByLabel('Код из сообщения').fill(code);
    await page.getByRole('button', { name: 'Войти' }).click();
  }

  test('a member signs in with a code sent by e-mail, sees points arrive after a purchase and shows the card', { timeout: SLOW }, async () => {
    const memberId = await enrol(s, { name: 'Анна', email: 'anna@example.ru' });
    await s.request('POST', '/v1/stores', { id: 'tver', name: 'На Тверской', address: 'Тверская, 1', city: 'Москва', latitude: 55.76, longitude: 37.61, openingHours: { mon: [['09:00', '22:00']] } }, { key: s.adminKey });
    const context = await newContext(browser, 'phone', 'ru-RU');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await signInByEmail(page, 'anna@example.ru');
    await page.getByRole('heading', { name: 'Здравствуйте, Анна!' }).waitFor();
    assert.equal(await page.getByTestId('balance-available').innerText(), '0');
    await page.getByTestId('loyalty-card').locator('svg').first().waitFor();
    await checkPage(page, 'member-home');
    await page.getByRole('button', { name: 'На весь экран' }).click();
    await page.getByRole('dialog').waitFor();
    await checkPage(page, 'member-card-full-screen');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // The till resolves the token the card shows, and a purchase with it earns points.
    const token = await page.getByTestId('card-token').innerText();
    const found = await s.request('GET', `/v1/members/lookup?kind=member_token&value=${encodeURIComponent(token)}`);
    assert.equal(found.body.id, memberId);
    assert.equal(await page.getByTestId('loyalty-card').locator('.barcode svg rect').count() > 20, true, 'a barcode is drawn');
    const bought = await s.request('POST', '/v1/purchases', { ...receipt([line('MILK', 2, 100), line('BREAD', 1, 800)]), identifier: { kind: 'member_token', value: token } });
    assert.equal(bought.status, 201, JSON.stringify(bought.body));
    await page.reload();
    await page.getByTestId('balance-available').filter({ hasText: '50' }).waitFor();

    await page.getByRole('link', { name: 'История' }).click();
    await page.getByText('Начисление за покупку').waitFor();
    await checkPage(page, 'member-history');
    // An offer for everyone and a personal coupon, as a marketer would set them up.
    const campaign = { id: 'double', name: 'Двойные баллы на молочное', kind: 'purchase', block: 'mass', schedule: { to: '2026-12-31' }, audience: [], conditions: [{ kind: 'total', min: 50_000 }], effects: [{ kind: 'points_multiplier', multiplier: 2 }], limits: {}, priority: 0, stacking: 'stack', controlGroupPercent: 0 };
    assert.equal((await s.request('POST', '/v1/campaigns', { campaign, status: 'active' }, { key: s.adminKey })).status, 201);
    assert.equal((await s.request('POST', '/v1/coupon-series', { id: 'bday', name: 'Подарок ко дню рождения', kind: 'unique', count: 0, prefix: 'BD' }, { key: s.adminKey })).status, 201);
    const coupon = await s.request('POST', '/v1/coupon-series/bday/codes', { memberId }, { key: s.adminKey });
    assert.equal(coupon.status, 201, JSON.stringify(coupon.body));
    await page.getByRole('link', { name: 'Акции' }).click();
    await page.getByRole('heading', { name: 'Акции и купоны' }).waitFor();
    await page.getByRole('heading', { name: 'Двойные баллы на молочное' }).waitFor();
    assert.match(await page.locator('main').innerText(), /Баллы ×2[\s\S]*До 31 дек\. 2026 г\.[\s\S]*При покупке от 500,00/);
    await page.getByTestId('coupons').getByText(coupon.body.codes[0]).waitFor();
    await checkPage(page, 'member-offers');
    await page.getByRole('link', { name: 'Магазины' }).click();
    await page.getByRole('heading', { name: 'На Тверской' }).waitFor();
    await checkPage(page, 'member-stores');
    await page.getByRole('link', { name: 'Профиль' }).click();
    await page.getByRole('heading', { name: 'Профиль' }).waitFor();
    await checkPage(page, 'member-profile');

    // Feedback from the app reaches the admin inbox.
    await page.getByRole('link', { name: 'Написать нам' }).click();
    await page.getByLabel('Тема').selectOption('idea');
    await page.getByLabel('Сообщение').fill('Добавьте овсяное молоко');
    await checkPage(page, 'member-feedback');
    await page.getByRole('button', { name: 'Отправить' }).click();
    await page.getByText('Спасибо! Сообщение отправлено.').waitFor();
    const inbox = await s.request('GET', '/v1/feedback', undefined, { key: s.adminKey });
    assert.deepEqual(inbox.body.items.map((f: { message: string }) => f.message), ['Добавьте овсяное молоко']);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a newcomer joins from the app: required fields are marked and checked before sending', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'phone', 'en-GB');
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${s.url}/app/`);
    await page.getByLabel('By e-mail').check();
    await page.getByRole('textbox', { name: 'E-mail' }).fill('new@example.ru');
    await page.getByRole('button', { name: 'Get a code' }).click();
    await page.getByText(/We sent a code/).waitFor();
    await runOutboxOnce(s.ctx, { email });
    const code = /\b(\d{6})\b/.exec((await sink.take('new@example.ru')).text)![1]!;
    // Keyboard only: the code field has the focus order a person expects.
    await page.getByLabel('The code from the message').fill(code);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Join “Test program”' }).waitFor();
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByText('Fill in this field.').waitFor();
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    await checkPage(page, 'member-join');
    await page.getByLabel('Name').fill('Boris');
    await page.getByLabel('City').fill('Tula');
    await page.getByRole('checkbox', { name: 'E-mail' }).check();
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('heading', { name: 'Hello, Boris!' }).waitFor();
    const member = await s.request('GET', '/v1/members/lookup?kind=email&value=new@example.ru');
    assert.deepEqual([member.body.name, member.body.city, member.body.consents], ['Boris', 'Tula', { sms: false, email: true, push: false }]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
