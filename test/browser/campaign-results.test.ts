import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createAdminUser } from '../../src/app/admin-users.js';
import { inControlGroup } from '../../src/domain/rules/control-group.js';
import { checkPage, launchBrowser, newContext, startWebServer, watchErrors } from '../support/browser.js';
import { campaign } from '../support/campaigns.js';
import { enrol, line, receipt, type TestServer } from '../support/harness.js';

const PASSWORD = 'a long test password';
const SLOW = 400_000;

/*
 * An analyst opens a campaign's results in the admin panel: the campaign (20 % back as points,
 * a 50 % control group) ran for a week; two members in each group had bought before it.
 */
describe('campaign results in the admin panel', () => {
  let s: TestServer;
  let browser: Browser;
  before(async () => {
    [s, browser] = await Promise.all([startWebServer({ pendingDays: 0 }), launchBrowser()]);
    await createAdminUser(s.ctx, s.programId, { email: 'analyst@shop.test', name: 'Алла', role: 'analyst', password: PASSWORD });
    s.clock.current = new Date('2026-02-20T09:00:00Z');
    const t: string[] = [];
    const c: string[] = [];
    while (t.length < 2 || c.length < 2) {
      const m = await enrol(s);
      (inControlGroup('spring', m, 50) ? c : t).push(m);
    }
    const buy = async (m: string, rub: number) => assert.equal((await s.request('POST', '/v1/purchases', receipt([line('BREAD', 1, rub)], { memberId: m }))).status, 201);
    for (const m of [...t.slice(0, 2), ...c.slice(0, 2)]) await buy(m, 100);
    const spring = campaign('spring', { name: 'Весна', schedule: { from: '2026-03-02', to: '2026-03-08' }, controlGroupPercent: 50, effects: [{ kind: 'points_percent', percent: 20 }] });
    assert.equal((await s.request('POST', '/v1/campaigns', { campaign: spring, status: 'active' }, { key: s.adminKey })).status, 201);
    // Published just now and reached nobody yet: its page must not claim anything.
    s.clock.current = new Date('2026-03-10T08:00:00Z');
    const fresh = campaign('fresh', { name: 'Новинка', controlGroupPercent: 50, conditions: [{ kind: 'lines', lines: { skus: ['TEA'] }, match: 'any' }], effects: [{ kind: 'points_fixed', points: 10 }] });
    assert.equal((await s.request('POST', '/v1/campaigns', { campaign: fresh, status: 'active' }, { key: s.adminKey })).status, 201);
    s.clock.current = new Date('2026-02-20T09:00:00Z');
    s.clock.current = new Date('2026-03-03T09:00:00Z');
    for (const [m, rub] of [[t[0]!, 900], [t[1]!, 700], [c[0]!, 300], [c[1]!, 500]] as const) await buy(m, rub);
    s.clock.current = new Date('2026-03-10T09:00:00Z');
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  test('an analyst sees reach, cost, the uplift with its interval and the return, in Russian and in English', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'ru-RU');
    const page = await context.newPage();
    const errors = watchErrors(page, [401]);
    await page.goto(`${s.url}/admin/`);
    await page.getByLabel('E-mail').fill('analyst@shop.test');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Обзор' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Акции' }).click();
    await page.getByRole('link', { name: 'Весна' }).click();
    await page.getByRole('link', { name: 'Результаты' }).click();
    await page.getByRole('heading', { name: 'Результаты: Весна' }).waitFor();
    const figures = page.getByTestId('campaign-results');
    await figures.waitFor();
    assert.match(await figures.innerText(), /Охвачено участников\s*2/);
    const uplift = await page.getByTestId('campaign-uplift').innerText();
    // Treatment 900 and 700 ₽ against 300 and 500 ₽: +400 ₽ a member; se = √(2·10⁸/2 + 2·10⁸/2)
    // kopecks = 141.42 ₽, df = 2, t = 4.302653: 400 ± 608.49 ₽.
    assert.match(uplift, /Покупки на сумму\s+800,00\s₽\s+400,00\s₽\s+400,00\s₽\s+[−-]208,49\s₽ … 1\s008,49\s₽/);
    // The analytics job has not run: the comparison was computed from the purchases on request.
    assert.match(await page.getByTestId('campaign-comparison-source').innerText(), /^Посчитано по покупкам на /);
    // The interval of the uplift includes zero: the headline states no effect; the estimate is a hint.
    assert.match(await page.getByTestId('campaign-verdict').innerText(), /^Измеримого эффекта пока нет: 95 % интервал разницы в покупках включает ноль/);
    const headline = await page.getByTestId('campaign-headline').innerText();
    assert.match(headline, /Дополнительная выручка\s+Не измерима\s+оценка 800,00\s₽; 95 % интервал [−-]416,97\s₽ … 2\s016,97\s₽ включает ноль/);
    assert.doesNotMatch(headline, /Дополнительная выручка\s+800,00/);
    await checkPage(page, 'admin-campaign-results');
    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { name: 'Results: Весна' }).waitFor();
    assert.match(await page.getByTestId('campaign-uplift').innerText(), /Spend/);
    assert.match(await page.getByTestId('campaign-verdict').innerText(), /^No measurable effect yet/);
    assert.match(await page.getByTestId('campaign-headline').innerText(), /Incremental revenue\s+Not measurable\s+estimate /);
    await checkPage(page, 'admin-campaign-results-en');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a campaign published a moment ago that has reached nobody: no data yet, no revenue claimed', { timeout: SLOW }, async () => {
    const context = await newContext(browser, 'desktop', 'ru-RU');
    const page = await context.newPage();
    const errors = watchErrors(page, [401]);
    await page.goto(`${s.url}/admin/`);
    await page.getByLabel('E-mail').fill('analyst@shop.test');
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Обзор' }).waitFor();
    await page.goto(`${s.url}/admin/campaigns/fresh/results`);
    await page.getByRole('heading', { name: 'Результаты: Новинка' }).waitFor();
    // The 90 days up to the server's today (the browser's clock is not the test's).
    await page.getByLabel('С', { exact: true }).fill('2025-12-11');
    await page.getByLabel('По', { exact: true }).fill('2026-03-10');
    await page.getByTestId('campaign-no-comparison').waitFor();
    assert.match(await page.getByTestId('campaign-no-comparison').innerText(), /^Данных пока нет: в этом периоде акция не дошла ни до одного участника/);
    assert.equal(await page.getByTestId('campaign-uplift').count(), 0);
    assert.doesNotMatch(await page.locator('main').innerText(), /Дополнительная выручка/);
    await checkPage(page, 'admin-campaign-results-no-reach');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
