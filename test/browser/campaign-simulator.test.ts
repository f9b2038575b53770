import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createAdminUser } from '../../src/app/admin-users.js';
import { inControlGroup } from '../../src/domain/rules/control-group.js';
import { checkPage, launchBrowser, newContext, startWebServer, watchErrors } from '../support/browser.js';
import { enrol, line, receipt, type TestServer } from '../support/harness.js';

const PASSWORD = 'a long test password';
const SLOW = 400_000;

/*
 * A marketer builds "Weekends −10 %" (Saturdays, a 50 % control group) and tries it before
 * publishing: for a hypothetical member on a coming Saturday and on a Monday, for a real member
 * found by phone who falls in the control group, and on last month's receipts. The server's
 * clock is Monday 2 March 2026, 12:00 in Moscow; Anna (in the control group) bought once,
 * Boris (outside it) twice.
 */
describe('the campaign builder simulates a draft and backtests it', () => {
  let s: TestServer;
  let browser: Browser;
  const phones = { held: '', free: '' };
  before(async () => {
    [s, browser] = await Promise.all([startWebServer({ pendingDays: 0 }), launchBrowser()]);
    await createAdminUser(s.ctx, s.programId, { email: 'marketer@shop.test', name: 'Марина', role: 'owner', password: PASSWORD });
    for (let i = 0; !(phones.held && phones.free) && i < 100; i++) {
      const phone = `+7916777${String(i).padStart(4, '0')}`;
      const held = !phones.held;
      const m = await enrol(s, { phone, name: held ? 'Анна' : 'Борис' });
      if (inControlGroup('weekend', m, 50) === held) {
        phones[held ? 'held' : 'free'] = phone;
        for (let k = 0; k < (held ? 1 : 2); k++) assert.equal((await s.request('POST', '/v1/purchases', receipt([line('MILK', 1, 100)], { memberId: m }))).status, 201);
      }
    }
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  test('for a hypothetical member, a date ahead, a real member in the control group, and last month in Russian and English', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'ru-RU');
    const page = await context.newPage();
    const errors = watchErrors(page, [400, 401, 404]); // on purpose: a date too far ahead (400), a phone nobody has (404)
    await page.goto(`${s.url}/admin/`);
    await page.getByLabel('E-mail').fill('marketer@shop.test');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Обзор' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Акции' }).click();
    await page.getByRole('link', { name: 'Новая акция' }).click();
    await page.getByLabel('Код').fill('weekend');
    await page.getByLabel('Название').fill('Выходные −10 %');
    await page.getByLabel('Эффект 1').selectOption('discount_percent');
    await page.getByLabel('Процент').fill('10');
    await page.getByLabel('Сб', { exact: true }).check();
    await page.getByLabel('Контрольная группа, %').fill('50');

    // A hypothetical member on Saturday 7 March at 11:00: 10 % of the sample 200 ₽.
    await page.getByLabel('Дата покупки').fill('2026-03-07');
    await page.getByLabel('Время').fill('11:00');
    await page.getByRole('button', { name: 'Проверить' }).click();
    const sim = page.getByTestId('simulation');
    await sim.getByText('суббота, 7 марта 2026', { exact: false }).waitFor();
    assert.match(await sim.innerText(), /Скидка\s+20,00\s₽/);
    assert.match(await sim.getByTestId('trace').innerText(), /Выходные −10 %: сработала/);
    const note = await sim.getByTestId('control-groups').innerText();
    assert.match(note, /попадают по номеру участника/);
    assert.match(note, /Вне группы \(показано выше\): скидка 20,00\s₽, баллов: \d+; в группе: скидка 0,00\s₽/);

    // Five years ahead is refused at the date, in Russian; a year ahead is the bound here.
    await page.getByLabel('Дата покупки').fill('2031-03-01');
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.getByText('Не позже 03.03.2027 12:00 по часам программы', { exact: false }).first().waitFor();
    assert.equal(await page.getByLabel('Дата покупки').getAttribute('aria-invalid'), 'true');

    // The same on Monday 9 March: not on its schedule.
    await page.getByLabel('Дата покупки').fill('2026-03-09');
    await page.getByRole('button', { name: 'Проверить' }).click();
    await sim.getByText('понедельник, 9 марта 2026', { exact: false }).waitFor();
    assert.match(await sim.getByTestId('trace').innerText(), /Выходные −10 %: не сработала — не по расписанию/);

    // Anna, found by her phone, on Saturday: she is in the control group, and the page says so.
    await page.getByLabel('Покупатель').selectOption('member');
    await page.getByLabel('Телефон, карта или номер').fill('+7 916 999-99-99');
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.getByText('Такого участника нет.').waitFor();
    await page.getByLabel('Телефон, карта или номер').fill(phones.held);
    await page.getByLabel('Дата покупки').fill('2026-03-07');
    await page.getByRole('button', { name: 'Проверить' }).click();
    await sim.getByText('Участник: Анна').waitFor();
    assert.match(await sim.getByTestId('trace').innerText(), /Выходные −10 %: не сработала — участник в контрольной группе/);
    assert.match(await sim.getByTestId('control-groups').innerText(), /этот участник в контрольной группе \(50 % участников\), акция к нему не применится\. Вне группы было бы: скидка 20,00\s₽/);
    await checkPage(page, 'admin-campaign-simulator');

    // Last month's receipts, every day of the week: Boris's two receipts, not Anna's.
    await page.getByLabel('Сб', { exact: true }).uncheck();
    await page.locator('input[name="backtest-from"]').fill('2026-02-01');
    await page.locator('input[name="backtest-to"]').fill('2026-03-02');
    await page.getByRole('button', { name: 'Запустить' }).click();
    const bt = page.getByTestId('backtest');
    await bt.waitFor();
    const text = await bt.innerText();
    assert.match(text, /Чеков с акцией\s+2\s+просмотрено чеков: 3/);
    assert.match(text, /Охвачено участников\s+1/);
    assert.match(text, /Затраты\s+20,00\s₽/);
    assert.match(text, /Чеков контрольной группы, где акция не применилась бы: 1\./);
    await checkPage(page, 'admin-campaign-backtest');

    // The same screen in English.
    await page.getByRole('button', { name: 'EN' }).first().click();
    await page.getByRole('button', { name: 'Simulate' }).click();
    await sim.getByText('Member: Анна').waitFor();
    assert.match(await sim.getByTestId('control-groups').innerText(), /this member is in the control group \(50 % of members\), so the campaign would not apply to them/);
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByTestId('backtest').getByText('Receipts matched').waitFor();
    await checkPage(page, 'admin-campaign-simulator-en');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
