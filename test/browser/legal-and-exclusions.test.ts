import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAdminUser } from '../../src/app/admin-users.js';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { smtpTransport } from '../../src/jobs/transports.js';
import { checkPage, launchBrowser, newContext, startWebServer, watchErrors } from '../support/browser.js';
import { startSmtpSink, type SmtpSink } from '../support/delivery-peers.js';
import type { TestServer } from '../support/harness.js';

const PASSWORD = 'a long test password';
/** A browser journey may take minutes on a loaded two-core CI machine. */
const SLOW = 400_000;

describe('exclusions and legal texts in the browser', () => {
  let s: TestServer;
  let browser: Browser;
  let sink: SmtpSink;
  let email: ReturnType<typeof smtpTransport>;
  before(async () => {
    [s, browser, sink] = await Promise.all([startWebServer(), launchBrowser(), startSmtpSink()]);
    email = smtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from: 'Kopilka <no-reply@kopilka.test>', user: undefined, password: undefined });
    await createAdminUser(s.ctx, s.programId, { email: 'owner@shop.test', name: 'Ольга', role: 'owner', password: PASSWORD });
  });
  after(async () => {
    email?.close();
    await sink?.stop();
    await browser?.close();
    await s?.close();
  });

  async function signIn(page: Page, lang: 'ru' | 'en'): Promise<void> {
    await page.goto(`${s.url}/admin/`);
    await page.getByLabel('E-mail').fill('owner@shop.test');
    await page.getByLabel(lang === 'ru' ? 'Пароль' : 'Password').fill(PASSWORD);
    await page.getByRole('button', { name: lang === 'ru' ? 'Войти' : 'Sign in' }).click();
    await page.getByRole('heading', { name: lang === 'ru' ? 'Обзор' : 'Overview' }).waitFor();
  }

  test('an owner excludes tobacco and gift cards in the settings, and the program keeps them', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'ru-RU');
    const page = await context.newPage();
    await page.setViewportSize({ width: 1366, height: 900 });
    const errors = watchErrors(page);
    await signIn(page, 'ru');
    await page.getByRole('link', { name: 'Настройки программы' }).click();
    const earn = page.getByRole('group', { name: 'Баллы не начисляются' });
    const redeem = page.getByRole('group', { name: 'Нельзя оплатить баллами, скидки акций и уровней не действуют' });
    await earn.getByLabel('Категории').fill('tobacco\nalcohol');
    await earn.getByLabel('Артикулы').fill('GIFT-1000, GIFT-3000');
    await redeem.getByLabel('Категории').fill('tobacco, tobacco');
    await redeem.getByLabel('Артикулы').fill('GIFT-1000\nGIFT-3000');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Настройки сохранены.').waitFor();
    const settings = (await s.request('GET', '/v1/program', undefined, { key: s.adminKey })).body.settings;
    assert.deepEqual(settings.earnExclusions, { categories: ['tobacco', 'alcohol'], skus: ['GIFT-1000', 'GIFT-3000'] });
    assert.deepEqual(settings.redeemExclusions, { categories: ['tobacco'], skus: ['GIFT-1000', 'GIFT-3000'] });
    await page.reload();
    assert.equal(await page.getByRole('group', { name: 'Баллы не начисляются' }).getByLabel('Категории').inputValue(), 'tobacco\nalcohol');
    await checkPage(page, 'admin-settings-exclusions');
    await page.getByRole('group', { name: 'Язык' }).getByRole('button', { name: 'EN' }).click();
    await page.getByRole('group', { name: 'Earn no points' }).waitFor();
    await checkPage(page, 'admin-settings-exclusions-en');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an owner publishes the program rules and the consent in the settings, then enrols a customer who signed both', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'ru-RU');
    const page = await context.newPage();
    await page.setViewportSize({ width: 1366, height: 900 });
    const errors = watchErrors(page);
    await signIn(page, 'ru');
    await page.getByRole('link', { name: 'Настройки программы' }).click();
    const rules = page.getByTestId('document-rules');
    await rules.getByText('Ещё не опубликован.').waitFor();
    await rules.getByLabel('Текст').fill('1. Участником может стать покупатель старше 14 лет.\n\n2. За покупки начисляются баллы.');
    await rules.getByRole('button', { name: 'Опубликовать редакцию 1' }).click();
    await rules.getByText('Опубликована редакция 1.').waitFor();
    const consent = page.getByTestId('document-personal_data');
    await consent.getByLabel('Текст').fill('Я даю согласие ООО «Ромашка» на обработку моих персональных данных.');
    await consent.getByRole('button', { name: 'Опубликовать редакцию 1' }).click();
    await consent.getByRole('button', { name: 'Опубликовать редакцию 2' }).waitFor();
    await checkPage(page, 'admin-settings-legal');
    const published = (await s.request('GET', '/v1/program/documents', undefined, { key: s.adminKey })).body;
    assert.deepEqual(published.documents.map((d: { kind: string; version: number; title: string }) => [d.kind, d.version, d.title]), [
      ['personal_data', 1, 'Согласие на обработку персональных данных'],
      ['rules', 1, 'Правила программы лояльности'],
    ]);

    await page.getByRole('link', { name: 'Участники' }).click();
    await page.getByRole('button', { name: 'Новый участник' }).click();
    const form = page.getByTestId('new-member');
    await form.getByLabel('Имя').fill('Галина Петрова');
    await form.getByLabel('Телефон').fill('8 916 555-12-34');
    await form.getByRole('button', { name: 'Зарегистрировать' }).click();
    await form.getByText('Программа требует эти согласия для вступления.').waitFor();
    await form.getByLabel('Правила программы (редакция 1)').check();
    await form.getByLabel('Согласие на обработку персональных данных (редакция 1)').check();
    await checkPage(page, 'admin-new-member');
    await form.getByRole('button', { name: 'Зарегистрировать' }).click();
    await page.getByRole('heading', { name: 'Галина Петрова' }).waitFor();
    const history = page.getByTestId('member-agreements');
    await history.getByText('Правила программы, редакция 1').waitFor();
    assert.match(await history.innerText(), /в панели управления/);
    await checkPage(page, 'admin-member-agreements');
    const memberId = (await s.request('GET', '/v1/members/lookup?kind=phone&value=%2B79165551234')).body.id;
    const agreements = (await s.request('GET', `/v1/members/${memberId}/agreements`)).body;
    assert.deepEqual(agreements.inForce.map((a: { kind: string; version: number; channel: string }) => [a.kind, a.version, a.channel]), [['rules', 1, 'admin'], ['personal_data', 1, 'admin']]);

    await page.getByRole('group', { name: 'Язык' }).getByRole('button', { name: 'EN' }).click();
    await page.getByRole('link', { name: 'Program settings' }).click();
    await page.getByTestId('document-rules').getByText(/Version 1 of .* is in force/).waitFor();
    await checkPage(page, 'admin-settings-legal-en');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a newcomer joins in the app accepting the rules and the consent, reads them, and withdraws the consent in the profile', { timeout: SLOW }, async () => {
    for (const [kind, title, body] of [
      ['rules', 'Правила программы «Копилка»', 'Участником может стать любой покупатель.\n\nБаллы начисляются за покупки.'],
      ['personal_data', 'Согласие на обработку персональных данных', 'Я даю согласие на обработку моих персональных данных.'],
    ] as const) {
      assert.equal((await s.request('POST', `/v1/program/documents/${kind}`, { title, body }, { key: s.adminKey })).status, 201);
    }
    const context = await newContext(browser, 'phone', 'ru-RU');
    const page = await context.newPage();
    const errors = watchErrors(page, [401, 404, 422]);
    await page.goto(`${s.url}/app/`);
    await page.getByLabel('На e-mail').check();
    await page.getByRole('textbox', { name: 'E-mail' }).fill('vera@example.ru');
    await page.getByRole('button', { name: 'Получить код' }).click();
    await page.getByText(/Мы отправили код/).waitFor();
    await runOutboxOnce(s.ctx, { email });
    const code = /\b(\d{6})\b/.exec((await sink.take('vera@example.ru')).text)![1]!;
    await page.getByLabel('Код из сообщения').fill(code);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: /Вступление в программу/ }).waitFor();
    await page.getByLabel('Имя').fill('Вера');
    await page.getByRole('button', { name: 'Вступить' }).click();
    await page.getByText('Без этого вступить нельзя: отметьте пункты со звёздочкой.').waitFor();
    await checkPage(page, 'member-join-legal');

    // The link opens the text beside the form, without signing in.
    const [doc] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: 'правила программы' }).click()]);
    await doc.getByRole('heading', { name: 'Правила программы «Копилка»' }).waitFor();
    await doc.getByText('Баллы начисляются за покупки.').waitFor();
    await checkPage(doc, 'member-document');
    await doc.close();

    await page.getByRole('checkbox', { name: /Я принимаю правила программы/ }).check();
    await page.getByRole('checkbox', { name: /Я даю согласие на обработку персональных данных/ }).check();
    await page.getByRole('button', { name: 'Вступить' }).click();
    await page.getByRole('heading', { name: 'Здравствуйте, Вера!' }).waitFor();
    const member = (await s.request('GET', '/v1/members/lookup?kind=email&value=vera@example.ru')).body;
    const given = (await s.request('GET', `/v1/members/${member.id}/agreements`)).body;
    const latest = new Map<string, number>((await s.request('GET', '/v1/program/documents')).body.documents.map((d: { kind: string; version: number }) => [d.kind, d.version]));
    assert.deepEqual(
      given.inForce.map((a: { kind: string; version: number; channel: string }) => [a.kind, a.version, a.channel]),
      [['rules', latest.get('rules'), 'app'], ['personal_data', latest.get('personal_data'), 'app']],
      'the versions the member was shown',
    );

    await page.getByRole('link', { name: 'Профиль' }).click();
    const list = page.getByTestId('agreements');
    await list.getByText(/Принято .*, редакция \d+/).first().waitFor();
    await page.getByRole('button', { name: 'Отозвать согласие' }).click();
    await list.getByText(/Отозвано/).waitFor();
    await page.getByRole('button', { name: 'Дать согласие' }).waitFor();
    await checkPage(page, 'member-profile-legal');
    const after = (await s.request('GET', `/v1/members/${member.id}/agreements`)).body;
    assert.deepEqual(after.history.map((h: { kind: string; action: string }) => [h.kind, h.action]), [['personal_data', 'accepted'], ['rules', 'accepted'], ['personal_data', 'withdrawn']]);

    await page.getByRole('group', { name: 'Язык' }).getByRole('button', { name: 'EN' }).click();
    await page.getByTestId('agreements').getByText(/Withdrawn on/).waitFor();
    await checkPage(page, 'member-profile-legal-en');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
