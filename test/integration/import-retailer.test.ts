import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { DATABASES, startServer, type TestServer } from '../support/harness.js';
import { countRows, upload } from '../support/imports.js';

const lookup = (s: TestServer, kind: string, value: string) => s.request('GET', `/v1/members/lookup?kind=${kind}&value=${encodeURIComponent(value)}`);

for (const kind of DATABASES) {
  describe(`a retailer's first import (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    test('a members file saved by Excel in Windows-1251 is read as Windows-1251, and the report says so', async () => {
      const file = iconv.encode('Код;Телефон;Имя;Город\r\nW-1;+79160001001;Пётр Ёлкин;Нижний Новгород\r\nW-2;+79160001002;Анна;Санкт-Петербург\r\n', 'win1251');
      const res = await upload(s, 'members', file, { delimiter: ';', map: ['Код=externalId', 'Телефон=phone', 'Имя=name', 'Город=city'] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.encoding, res.body.membersCreated, res.body.rejected], ['windows-1251', 2, 0]);
      const m = (await lookup(s, 'external_id', 'W-1')).body;
      assert.deepEqual([m.name, m.city], ['Пётр Ёлкин', 'Нижний Новгород']);
    });

    test('a UTF-8 file is read as UTF-8, and says so', async () => {
      const res = await upload(s, 'members', 'externalId,name\nU-1,Ёжик Иванов\n');
      assert.deepEqual([res.status, res.body.encoding], [200, 'utf-8']);
      assert.equal((await lookup(s, 'external_id', 'U-1')).body.name, 'Ёжик Иванов');
    });

    test('a file that is neither UTF-8 nor Windows-1251 is refused with UNKNOWN_ENCODING and nothing is written', async () => {
      const before = await countRows(s);
      const utf16 = Buffer.from('\ufeffexternalId,name\nX-1,Анна\n', 'utf16le');
      const res = await upload(s, 'members', utf16);
      assert.deepEqual([res.status, res.body.code], [422, 'UNKNOWN_ENCODING'], JSON.stringify(res.body));
      // Western text in a one-byte code page: é and ü inside Latin words are no Russian.
      const latin1 = iconv.encode('externalId,name\nX-2,Renée Müller\nX-3,José Núñez\n', 'latin1');
      const res2 = await upload(s, 'members', latin1);
      assert.deepEqual([res2.status, res2.body.code], [422, 'UNKNOWN_ENCODING']);
      assert.deepEqual(await countRows(s), before);
    });

    test('an encoding can be named instead of detected', async () => {
      const res = await upload(s, 'members', iconv.encode('externalId,name\nN-1,Ёлка\n', 'win1251'), { encoding: 'windows-1251' });
      assert.deepEqual([res.status, res.body.encoding], [200, 'windows-1251']);
      const bad = await upload(s, 'members', iconv.encode('externalId,name\nN-2,Ёлка\n', 'win1251'), { encoding: 'utf-8' });
      assert.deepEqual([bad.status, bad.body.code], [422, 'UNKNOWN_ENCODING'], 'named UTF-8 that is not UTF-8 is refused, never written as U+FFFD');
      assert.equal((await lookup(s, 'external_id', 'N-2')).status, 404);
    });
  });
}

for (const kind of DATABASES) {
  describe(`re-importing a corrected members file (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    const FIRST = 'externalId,name,city,phone,attributes.tier,consents.sms\nC-1,Анна Иванва,Москва,+79160002001,silver,да\nC-2,Борис,Казань,,gold,\n';
    const CORRECTED = 'externalId,name,city,phone,attributes.tier,consents.sms\nC-1,Анна Иванова,Тверь,+79160002001,gold,нет\nC-2,Борис,,,gold,\n';

    test('by default a corrected file only fills gaps: nothing the member has changes', async () => {
      assert.equal((await upload(s, 'members', FIRST)).body.membersCreated, 2);
      const res = await upload(s, 'members', CORRECTED);
      assert.deepEqual([res.body.membersUpdated, res.body.membersUnchanged], [0, 2]);
      const a = (await lookup(s, 'external_id', 'C-1')).body;
      assert.deepEqual([a.name, a.city, a.attributes], ['Анна Иванва', 'Москва', { tier: 'silver' }]);
    });

    test('with onExisting=update the file overwrites the fields it gives; empty cells and consents keep what the member has', async () => {
      const res = await upload(s, 'members', CORRECTED, { onExisting: 'update' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.membersUpdated, res.body.membersUnchanged], [1, 1]);
      const a = (await lookup(s, 'external_id', 'C-1')).body;
      assert.deepEqual([a.name, a.city, a.phone, a.attributes, a.consents], ['Анна Иванова', 'Тверь', '+79160002001', { tier: 'gold' }, { sms: true }]);
      const b = (await lookup(s, 'external_id', 'C-2')).body;
      assert.equal(b.city, 'Казань', 'an empty cell does not erase');
      const again = await upload(s, 'members', CORRECTED, { onExisting: 'update' });
      assert.deepEqual([again.body.membersUpdated, again.body.membersUnchanged], [0, 2], 'the same corrected file twice: the second changes nothing');
    });

    test('update is for members files only', async () => {
      const res = await upload(s, 'purchases', 'externalId,occurredAt,total\nC-1,2026-01-01,100\n', { onExisting: 'update' });
      assert.deepEqual([res.status, res.body.code], [400, 'VALIDATION_FAILED'], 'purchases are never overwritten: the option does not exist there');
    });
  });
}

for (const kind of DATABASES) {
  describe(`opening balances from the previous system (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
      // now: 2026-03-02T09:00Z (12:00 in Moscow)
      await upload(s, 'members', 'externalId,phone\nB-1,+79160003001\nB-2,+79160003002\nB-3,+79160003003\n');
    });
    after(() => s.close());

    const idOf = async (ext: string) => (await lookup(s, 'external_id', ext)).body.id as string;
    const BALANCES = ['Клиент;Баллы;Сгорают;Активны с', 'B-1;1 500;31.12.2026;', 'B-2;300;2026-06-30T12:00:00+03:00;2026-03-10', 'B-3;0;;', 'B-9;100;31.12.2026;', 'B-3;50;01.01.2026;'].join('\n');
    const MAP = { delimiter: ';', map: ['Клиент=externalId', 'Баллы=points', 'Сгорают=expiresAt', 'Активны с=availableAt'] };

    test('each balance becomes a lot with its expiry (and activation) through the ledger; the books balance', async () => {
      const res = await upload(s, 'balances', BALANCES, MAP);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.kind, res.body.rows, res.body.balancesImported, res.body.pointsImported, res.body.balancesSkipped], ['balances', 5, 2, 1800, 1], 'a zero balance is skipped');
      const rejects = res.body.rejects.sort((a: any, b: any) => a.line - b.line);
      assert.deepEqual(rejects.map((r: any) => [r.line, r.code]), [[5, 'MEMBER_NOT_FOUND'], [6, 'INVALID_ROW']]);
      assert.match(rejects[1].reason, /expired/);
      const b1 = (await s.request('GET', `/v1/members/${await idOf('B-1')}/balance`)).body;
      assert.deepEqual([b1.available, b1.total], [1500, 1500]);
      const lots1 = (await s.request('GET', `/v1/members/${await idOf('B-1')}/lots`, undefined, { key: s.adminKey })).body;
      assert.equal(JSON.stringify(lots1).includes('2026-12-31T21:00:00.000Z'), true, 'a date alone: spendable through that day in Moscow');
      const b2 = (await s.request('GET', `/v1/members/${await idOf('B-2')}/balance`)).body;
      assert.deepEqual([b2.available, b2.pendingTotal, b2.pending], [0, 300, [{ points: 300, availableAt: '2026-03-09T21:00:00.000Z' }]]);
      const ledger = (await s.request('GET', `/v1/members/${await idOf('B-1')}/ledger`, undefined, { key: s.adminKey })).body;
      assert.deepEqual(ledger.items.map((e: any) => [e.kind, e.points, e.cause.reason]), [['adjust', 1500, 'opening balance (import)']]);
      await s.assertBooksBalance();
    });

    test('the same file twice adds nothing; a different balance for an imported member is refused', async () => {
      const before = await countRows(s);
      const again = await upload(s, 'balances', BALANCES, MAP);
      assert.deepEqual([again.body.balancesImported, again.body.balancesSkipped, again.body.pointsImported], [0, 3, 0]);
      assert.deepEqual(await countRows(s), before);
      const changed = await upload(s, 'balances', 'externalId,points,expiresAt\nB-1,1600,31.12.2026\n');
      assert.deepEqual(changed.body.rejects.map((r: any) => r.code), ['BALANCE_ALREADY_IMPORTED']);
      assert.equal((await s.request('GET', `/v1/members/${await idOf('B-1')}/balance`)).body.available, 1500);
      await s.assertBooksBalance();
    });

    test('a member may have several balances, told apart by a reference column', async () => {
      const res = await upload(s, 'balances', 'externalId,points,expiresAt,reference\nB-3,10,2026-04-30,lot-1\nB-3,20,2026-05-31,lot-2\nB-3,20,2026-05-31,lot-2\n');
      assert.deepEqual([res.body.balancesImported, res.body.balancesSkipped, res.body.pointsImported, res.body.rejected], [2, 1, 30, 0]);
      assert.equal((await s.request('GET', `/v1/members/${await idOf('B-3')}/balance`)).body.available, 30);
    });

    test('a balances file needs a member and a points column', async () => {
      const res = await upload(s, 'balances', 'externalId,amount\nB-1,5\n');
      assert.deepEqual([res.status, res.body.code], [422, 'INVALID_IMPORT']);
    });
  });
}
