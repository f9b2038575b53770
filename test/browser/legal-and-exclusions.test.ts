import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAdminUser } from '../../src/app/admin-users.js';
import { checkPage, launchBrowser, newContext, startWebServer, watchErrors } from '../support/browser.js';
import type { TestServer } from '../support/harness.js';

const PASSWORD = 'a long test password';
/** A browser journey may take minutes on a loaded two-core CI machine. */
const SLOW = 400_000;

describe('exclusions and legal texts in the browser', () => {
  let s: TestServer;
  let browser: Browser;
  before(async () => {
    [s, browser] = await Promise.all([startWebServer(), launchBrowser()]);
    await createAdminUser(s.ctx, s.programId, { email: 'owner@shop.test', name: 'Ольга', role: 'owner', password: PASSWORD });
  });
  after(async () => {
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
});
