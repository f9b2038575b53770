import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAdminUser } from '../../src/app/admin-users.js';
import { checkPage, launchBrowser, newContext, startWebServer, watchErrors } from '../support/browser.js';
import { enrol, line, receipt, type TestServer } from '../support/harness.js';

const PASSWORD = 'a long test password';

/** A browser journey may take minutes on a loaded two-core CI machine. */
const SLOW = 400_000;

describe('admin panel in the browser', () => {
  let s: TestServer;
  let browser: Browser;
  before(async () => {
    [s, browser] = await Promise.all([startWebServer({ pendingDays: 0 }), launchBrowser()]);
    for (const [email, role] of [
      ['owner@shop.test', 'owner'],
      ['support@shop.test', 'support'],
    ] as const) {
      await createAdminUser(s.ctx, s.programId, { email, name: role === 'owner' ? 'Ольга' : 'Сергей', role, password: PASSWORD });
    }
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${s.url}/admin/`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Обзор' }).waitFor();
  }

  test('an owner builds a campaign, simulates it, publishes it and sees it on the next purchase', { timeout: SLOW }, async () => {
    const memberId = await enrol(s, { name: 'Анна', phone: '+79161234567' });
    const context = await newContext(browser, 'desktop', 'ru-RU');
    const page = await context.newPage();
    const errors = watchErrors(page, [401, 400, 409]); // refused on purpose: a taken phone (409), the settings at the end (400)
    await signIn(page, 'owner@shop.test');
    await page.getByTestId('figures').waitFor();
    await checkPage(page, 'admin-dashboard');

    await page.getByRole('link', { name: 'Акции' }).click();
    await page.getByRole('link', { name: 'Новая акция' }).click();
    await page.getByRole('heading', { name: 'Новая акция' }).waitFor();
    // The client checks before sending: an empty name is marked at its field.
    await page.getByRole('button', { name: 'Сохранить черновик' }).click();
    assert.equal(await page.getByLabel('Название').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Код').fill('triple-points');
    await page.getByLabel('Название').fill('Тройные баллы');
    await page.getByLabel('Эффект 1').selectOption('points_multiplier');
    await page.getByLabel('Во сколько раз').fill('3');
    await page.getByLabel('Только на категории').fill('dairy');
    await page.getByRole('button', { name: 'Добавить строку' }).click();
    await page.getByLabel('Артикул').nth(1).fill('BREAD');
    await page.getByLabel('Категория').nth(1).fill('bakery');
    await page.getByLabel('Цена, ₽').nth(1).fill('100');
    await page.getByRole('button', { name: 'Проверить' }).click();
    const sim = page.getByTestId('simulation');
    await sim.waitFor();
    // Milk 2 × 100 ₽ and bread 100 ₽: 5 % back is 10 + 5 points; the dairy 10 are tripled: 35.
    assert.match(await sim.innerText(), /Баллов начислится\s+35/);
    await checkPage(page, 'admin-campaign-builder');
    await page.getByRole('button', { name: 'Опубликовать' }).click();
    await page.getByText(/Опубликовано: версия правил \d+/).waitFor();

    const bought = await s.request('POST', '/v1/purchases', { ...receipt([line('MILK', 2, 100, { category: 'dairy' })]), identifier: { kind: 'phone', value: '+79161234567' } });
    assert.equal(bought.status, 201, JSON.stringify(bought.body));
    assert.equal(bought.body.pointsEarned, 30, 'the next purchase earns triple points on dairy');

    await page.getByRole('link', { name: 'Акции' }).click();
    await page.getByRole('link', { name: 'Тройные баллы' }).waitFor();
    assert.match(await page.getByTestId('campaigns').innerText(), /Тройные баллы\s+действует\s+Массовые акции/);
    await checkPage(page, 'admin-campaigns');

    await page.getByRole('link', { name: 'Участники' }).click();
    await page.getByLabel('Искать по').selectOption('phone');
    await page.getByLabel('Что искать').fill('8 916 123-45-67');
    await page.getByRole('button', { name: 'Найти' }).click();
    await page.getByRole('heading', { name: 'Анна' }).waitFor();
    assert.equal(page.url(), `${s.url}/admin/members/${memberId}`);
    await page.getByTestId('ledger').getByText('30').waitFor();
    // The lot the purchase made (this program has no pending days): first in the spending order.
    assert.match(await page.getByTestId('lots').locator('tbody tr').first().innerText(), /^1\s+доступны\s+30\s/);
    await checkPage(page, 'admin-member');

    // A phone another member has: the server's IDENTIFIER_TAKEN lands next to the phone field.
    await enrol(s, { name: 'Борис', phone: '+79160000001' });
    const phone = page.getByRole('textbox', { name: 'Телефон' });
    await phone.fill('+7 916 000-00-01');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('already belongs to another member', { exact: true }).waitFor();
    assert.equal(await phone.getAttribute('aria-invalid'), 'true');

    // A manual adjustment with a reason appears in the history.
    await page.getByRole('textbox', { name: 'Баллы', exact: true }).fill('-5');
    await page.getByRole('textbox', { name: 'Причина', exact: true }).fill('Жалоба, компенсация отменена');
    await page.getByRole('button', { name: 'Провести' }).click();
    await page.getByText('Корректировка — Жалоба, компенсация отменена').waitFor();

    for (const [link, name] of [
      ['Участники', 'admin-members'],
      ['Уровни', 'admin-tiers'],
      ['Купоны', 'admin-coupons'],
      ['Магазины', 'admin-stores'],
      ['Обратная связь', 'admin-feedback'],
      ['Журнал изменений', 'admin-audit'],
      ['API-ключи', 'admin-api-keys'],
      ['Сотрудники', 'admin-users'],
      ['Настройки программы', 'admin-settings'],
    ] as const) {
      await page.getByRole('navigation').getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: link, level: 1 }).waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      await checkPage(page, name);
    }

    // The server's problem document lands next to the field it names.
    await page.getByLabel('Баллы ожидают, дней').fill('400');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    const field = page.getByLabel('Баллы ожидают, дней');
    await page.locator('.field--error').waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('.field--error .error').innerText(), /365/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a support user does not see the settings and gets a clear "not allowed" page at their address', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'ru-RU');
    const page = await context.newPage();
    await signIn(page, 'support@shop.test');
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Участники' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Настройки программы' }).count(), 0);
    await page.goto(`${s.url}/admin/settings`);
    await page.getByTestId('not-allowed').waitFor();
    assert.match(await page.getByTestId('not-allowed').innerText(), /Нет доступа[\s\S]*поддержка/);
    await checkPage(page, 'admin-not-allowed');
    const direct = await page.evaluate(async () => (await fetch('/v1/program', { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-kopilka-csrf': '1' }, body: '{"name":"x"}' })).status);
    assert.equal(direct, 403, 'the server refuses too');
    await context.close();
  });
});
