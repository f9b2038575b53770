import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { aggregateProgram } from '../../src/app/analytics/aggregate.js';
import { DATABASES, enrol, receipt, startServer, type TestServer } from '../support/harness.js';

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Every CSV the server exports comes in two dialects: the machine one (RFC 4180, minor units) and
 * one that Russian Excel opens by double-click: UTF-8 with a BOM, `;`, Russian headers, roubles
 * written "1234,56" (a decimal comma and no thousands separator, which Excel's ru locale reads as
 * a number).
 */
for (const kind of DATABASES) {
  describe(`CSV exports for Russian Excel (${kind})`, () => {
    let s: TestServer;
    const download = async (path: string) => {
      const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${s.adminKey}` } });
      assert.equal(res.status, 200, await res.clone().text());
      return { bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition') };
    };
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
      const anna = await enrol(s, { name: 'Анна' });
      // 2 Mar 2026 in Moscow: one member's receipt of 1 234,56 ₽.
      const res = await s.request('POST', '/v1/purchases', receipt([{ sku: 'SKU', quantity: 1, price: 123_456 }], { memberId: anna }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      await aggregateProgram(s.ctx, s.programId);
      const series = await s.request('POST', '/v1/coupon-series', { id: 'spring', name: 'Весна', kind: 'unique', count: 3, prefix: 'SPR' }, { key: s.adminKey });
      assert.equal(series.status, 201, JSON.stringify(series.body));
    });
    after(() => s.close());

    test('the KPI CSV for Excel: BOM, semicolons, Russian headers, roubles with a decimal comma, days as DD.MM.YYYY', async () => {
      const { bytes, type, disposition } = await download('/v1/analytics/kpis?from=2026-03-01&to=2026-03-02&format=csv&dialect=excel-ru');
      assert.equal(type, 'text/csv; charset=utf-8');
      assert.match(disposition ?? '', /^attachment; filename="kpis-2026-03-01-2026-03-02\.csv"$/);
      assert.deepEqual([...bytes.subarray(0, 3)], BOM);
      const text = new TextDecoder().decode(bytes.subarray(3));
      assert.equal(text.split('\r\n')[0]!.split(';').length, 31, 'a header of 31 columns split by ;');
      const [header, ...rows] = parse(text, { delimiter: ';' }) as string[][];
      assert.deepEqual(header!.slice(0, 4), ['Период', 'С', 'По', 'Участников на конец периода']);
      const col = (name: string) => header!.indexOf(name);
      assert.equal(rows.length, 2);
      const day = rows[1]!;
      assert.deepEqual(
        [day[col('Период')], day[col('Выручка с участниками, ₽')], day[col('Средний чек участника, ₽')], day[col('Чеков с участником')], day[col('Выручка за вычетом возвратов, ₽')]],
        ['02.03.2026', '1234,56', '1234,56', '1', '1234,56'],
      );
      assert.equal(day[col('Доля выручки с участниками')], '1');
      assert.equal(rows[0]![col('Выручка с участниками, ₽')], '0,00', 'a day without sales: zero roubles');
      assert.deepEqual(rows.flat().filter((v) => /^-?\d+\.\d+$/.test(v)), [], 'no decimal points anywhere');
    });

    test('the machine KPI CSV stays as it was: no BOM, commas, field names, minor units', async () => {
      const { bytes } = await download('/v1/analytics/kpis?from=2026-03-01&to=2026-03-02&format=csv');
      assert.notDeepEqual([...bytes.subarray(0, 3)], BOM);
      const [header, , day] = parse(Buffer.from(bytes)) as string[][];
      assert.deepEqual(header!.slice(0, 4), ['period', 'from', 'to', 'members']);
      assert.equal(day![header!.indexOf('memberSales')], '123456');
    });

    test('the coupon codes CSV for Excel: BOM, semicolons, Russian headers, creation time in the program zone', async () => {
      const { bytes } = await download('/v1/coupon-series/spring/codes.csv?dialect=excel-ru');
      assert.deepEqual([...bytes.subarray(0, 3)], BOM);
      const [header, ...rows] = parse(new TextDecoder().decode(bytes.subarray(3)), { delimiter: ';' }) as string[][];
      assert.deepEqual(header, ['Код', 'Участник', 'Использований', 'Создан']);
      assert.equal(rows.length, 3);
      assert.match(rows[0]![0]!, /^SPR/);
      assert.deepEqual(rows[0]!.slice(1), ['', '0', '02.03.2026 12:00']);
      const machine = new TextDecoder().decode((await download('/v1/coupon-series/spring/codes.csv')).bytes);
      assert.match(machine, /^code,member_id,uses,created_at\nSPR\w+,,0,2026-03-02T09:00:00\.000Z\n/, 'the machine file as it always was');
    });

    test('an unknown dialect is refused', async () => {
      const res = await s.request('GET', '/v1/analytics/kpis?from=2026-03-01&to=2026-03-02&format=csv&dialect=excel-de', undefined, { key: s.adminKey });
      assert.deepEqual([res.status, res.body.code], [400, 'VALIDATION_FAILED']);
    });
  });
}
