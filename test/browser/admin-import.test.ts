import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import type { Browser } from 'playwright-core';
import { createAdminUser } from '../../src/app/admin-users.js';
import { checkPage, launchBrowser, newContext, RESULTS, startWebServer, watchErrors } from '../support/browser.js';
import type { TestServer } from '../support/harness.js';

const PASSWORD = 'a long test password';
const SLOW = 400_000;

describe("the admin panel's import page", () => {
  let s: TestServer;
  let browser: Browser;
  before(async () => {
    [s, browser] = await Promise.all([startWebServer({ pendingDays: 0 }), launchBrowser()]);
    await createAdminUser(s.ctx, s.programId, { email: 'owner@shop.test', name: 'Ольга', role: 'owner', password: PASSWORD });
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  test('an owner uploads members saved by Excel in Windows-1251, downloads the rejected rows, then carries over the balances', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'ru-RU');
    const page = await context.newPage();
    await page.setViewportSize({ width: 1366, height: 900 });
    const errors = watchErrors(page);
    await page.goto(`${s.url}/admin/`);
    await page.getByLabel('E-mail').fill('owner@shop.test');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Загрузка данных' }).click();
    await page.getByRole('heading', { name: 'Загрузка данных', level: 1 }).waitFor();
    await page.getByText('Загрузок ещё не было.').waitFor();

    // Members, as Excel saves "CSV (разделители — точка с запятой)" in Russia: Windows-1251 and ';'.
    const members = iconv.encode('Код клиента;Телефон;Имя;Город\r\nK-1;+79160004001;Пётр Ёлкин;Тула\r\nK-2;+79160004002;Анна;Казань\r\nK-3;12345;Олег;Омск\r\n', 'win1251');
    await page.getByLabel('Что в файле').selectOption('members');
    await page.getByLabel('Файл CSV').setInputFiles({ name: 'clients.csv', mimeType: 'text/csv', buffer: members });
    await page.getByLabel('Сопоставление столбцов').fill('Код клиента=externalId\nТелефон=phone\nИмя=name\nГород=city');
    await page.getByRole('button', { name: 'Загрузить', exact: true }).click();
    const report = page.getByTestId('import-report');
    await report.getByText('Файл прочитан в кодировке Windows-1251.').waitFor();
    assert.equal(await page.getByLabel('Разделитель').inputValue(), ';', 'the separator was guessed from the first line');
    assert.match(await report.innerText(), /Строк в файле\s*3\s*Участников создано\s*2/);
    assert.match(await report.innerText(), /Строк отклонено\s*1/);
    const rejects = page.getByTestId('rejects');
    assert.match(await rejects.innerText(), /4\s*Идентификатор указан неверно\.\s*K-3 · 12345 · Олег · Омск/);
    const member = (await s.request('GET', '/v1/members/lookup?kind=external_id&value=K-1')).body;
    assert.deepEqual([member.name, member.city], ['Пётр Ёлкин', 'Тула'], 'no mojibake');
    await checkPage(page, 'admin-import');

    // The rejected rows for Excel: BOM, ';', the reason in Russian, the row as it was, under the file's own header.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Скачать отклонённые строки (CSV для Excel)' }).click()]);
    const bytes = await readFile(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    assert.equal(lines[0], 'Строка файла;Код;Причина;Подробности;Код клиента;Телефон;Имя;Город');
    assert.match(lines[1]!, /^4;INVALID_IDENTIFIER;Идентификатор указан неверно\.;[^;]+;K-3;12345;Олег;Омск$/);

    // Then the balances from the old system, in UTF-8 with commas.
    await page.getByLabel('Что в файле').selectOption('balances');
    await page.getByText('points (баллы)', { exact: false }).waitFor();
    await page.getByLabel('Сопоставление столбцов').fill('');
    await page.getByLabel('Файл CSV').setInputFiles({ name: 'balances.csv', mimeType: 'text/csv', buffer: Buffer.from('externalId,points,expiresAt\nK-1,1500,31.12.2026\nK-2,250,30.06.2026\n') });
    await page.getByRole('button', { name: 'Загрузить', exact: true }).click();
    await report.getByText('Файл прочитан в кодировке UTF-8.').waitFor();
    assert.match(await report.innerText(), /Остатков перенесено\s*2\s*Баллов перенесено\s*1\s?750/);
    assert.equal((await s.request('GET', `/v1/members/${member.id}/balance`)).body.available, 1500);
    const recent = page.getByTestId('recent-imports');
    await recent.getByText('balances.csv').waitFor();
    assert.match(await recent.innerText(), /Остатки баллов\s*balances\.csv\s*готово\s*2\s*0/);
    assert.match(await recent.innerText(), /Участники\s*clients\.csv\s*готово\s*3\s*1/);
    await checkPage(page, 'admin-import-balances');
    await s.assertBooksBalance();
    assert.deepEqual(errors, []);

    // The same page in English.
    const en = await newContext(browser, 'desktop', 'en-GB');
    const enPage = await en.newPage();
    await enPage.setViewportSize({ width: 1366, height: 900 });
    await enPage.goto(`${s.url}/admin/`);
    await enPage.getByLabel('E-mail').fill('owner@shop.test');
    await enPage.getByLabel('Password').fill(PASSWORD);
    await enPage.getByRole('button', { name: 'Sign in' }).click();
    await enPage.getByRole('navigation').getByRole('link', { name: 'Import' }).click();
    await enPage.getByTestId('recent-imports').waitFor();
    await enPage.screenshot({ path: path.join(RESULTS, 'admin-import-en.png'), fullPage: true });
    await en.close();
    await context.close();
  });
});
