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
