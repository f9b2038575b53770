import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DATABASES, startServer, type TestServer } from '../support/harness.js';
import { CDNOW_MASTER, countRows, refuseReceiptInDatabase, upload } from '../support/imports.js';

const lookup = (s: TestServer, kind: string, value: string) => s.request('GET', `/v1/members/lookup?kind=${kind}&value=${encodeURIComponent(value)}`);
const rejectsOf = (body: any) => body.rejects.map((r: any) => [r.line, r.code]);

async function purchasesOf(s: TestServer, memberId: string) {
  const r = await sql<any>`select receipt_id, occurred_at, total, store_id, points_earned, purchase_id from purchases where member_id = ${memberId} order by occurred_at, receipt_id`.execute(s.database.db);
  return r.rows.map((p) => ({ receiptId: p.receipt_id, occurredAt: p.occurred_at.toISOString(), total: p.total, storeId: p.store_id, pointsEarned: p.points_earned, purchaseId: p.purchase_id }));
}

for (const kind of DATABASES) {
  describe(`import of history (${kind})`, () => {
    let s: TestServer;
    let crm1: string;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    const MEMBERS = [
      'Client,Телефон,E-mail,Имя,Фамилия,Birthday,Gender,City,Card,attributes.tier,consents.sms,enrolledAt,notes',
      'CRM-1,8 916 111-22-33,Anna@Example.com,Анна,Иванова,17.05.1990,ж,Москва,7777 0001,gold,да,2024-01-15,vip',
      'CRM-2,,boris@example.com,Борис,,19850301,m,,,,0,,',
    ].join('\n');
    const MEMBERS_MAP = { map: ['Client=externalId', 'Телефон=phone', 'Имя=firstName', 'Фамилия=lastName'] };

    test('members are imported with a column mapping: profile, identifiers, attributes, consents, enrolment date', async () => {
      const res = await upload(s, 'members', MEMBERS, MEMBERS_MAP);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.rows, res.body.membersCreated, res.body.rejected, res.body.ignoredColumns], [2, 2, 0, ['notes']]);
      const m = (await lookup(s, 'phone', '+79161112233')).body;
      crm1 = m.id;
      assert.deepEqual(
        [m.name, m.email, m.birthday, m.gender, m.city, m.attributes, m.consents, m.createdAt],
        ['Анна Иванова', 'anna@example.com', '1990-05-17', 'female', 'Москва', { tier: 'gold' }, { sms: true }, '2024-01-14T21:00:00.000Z'],
      );
      assert.deepEqual(m.identifiers.map((i: any) => `${i.kind}:${i.value}`).sort(), ['card:77770001', 'email:anna@example.com', 'external_id:CRM-1', 'phone:+79161112233']);
      const b = (await lookup(s, 'external_id', 'CRM-2')).body;
      assert.deepEqual([b.name, b.birthday, b.gender, b.consents, b.phone], ['Борис', '1985-03-01', 'male', { sms: false }, null]);
    });

    test('rejected rows are reported with line numbers and reasons, and nothing of them is written', async () => {
      const before = await countRows(s);
      const csv = ['externalId,phone,email,birthday', 'R-1,+79160000001,r1@example.com,1990-01-01', 'R-2,12345,r2@example.com,', 'R-3,+79160000003,,31.02.1990', 'R-4,+79160000004,,', ',,,', 'R-1,+79160000004,,'].join('\n');
      const res = await upload(s, 'members', csv);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(rejectsOf(res.body), [[3, 'INVALID_IDENTIFIER'], [4, 'INVALID_ROW'], [7, 'IDENTIFIER_TAKEN']]);
      assert.match(res.body.rejects[1].reason, /^birthday: "31\.02\.1990" is not a date/);
      assert.match(res.body.rejects[2].reason, /external_id R-1 and phone \+79160000004 belong to two different members/);
      assert.deepEqual(res.body.rejects[0].values, ['R-2', '12345', 'r2@example.com', '']);
      assert.deepEqual([res.body.rows, res.body.membersCreated, res.body.rejected], [5, 2, 3], "a row of empty cells is not a row");
      assert.equal((await lookup(s, 'email', 'r2@example.com')).status, 404, 'the e-mail of a rejected row was not claimed');
      assert.equal((await lookup(s, 'external_id', 'R-3')).status, 404);
      assert.deepEqual(await countRows(s), { ...before, members: before.members + 2, identifiers: before.identifiers + 5 });
    });

    test('importing the same members again changes nothing; a later file only fills what is empty', async () => {
      const before = (await lookup(s, 'external_id', 'CRM-2')).body;
      const again = await upload(s, 'members', MEMBERS, MEMBERS_MAP);
      assert.deepEqual([again.body.membersCreated, again.body.membersUpdated, again.body.membersUnchanged], [0, 0, 2]);
      assert.deepEqual((await lookup(s, 'external_id', 'CRM-2')).body, before);
      const more = await upload(s, 'members', 'externalId,city,phone,attributes.tier\nCRM-2,Казань,+79160000222,silver\nCRM-1,Тула,,bronze');
      assert.deepEqual([more.body.membersUpdated, more.body.membersUnchanged], [1, 1]);
      const b = (await lookup(s, 'phone', '+79160000222')).body;
      assert.deepEqual([b.id, b.city, b.phone, b.attributes], [before.id, 'Казань', '+79160000222', { tier: 'silver' }]);
      const a = (await lookup(s, 'external_id', 'CRM-1')).body;
      assert.deepEqual([a.city, a.attributes], ['Москва', { tier: 'gold' }], 'nothing the member had is overwritten');
    });

    test('purchases are imported with a mapping as purchases of the members, with their dates, and earn nothing', async () => {
      const before = await countRows(s);
      const csv = ['receipt;client;date;amount;store;sku;qty', 'A-1;CRM-1;2025-12-01T10:15:00+03:00;1250,50;S1;MILK;2', 'A-2;CRM-1;20260105;300;S2;;1', 'A-3;CRM-2;05.01.2026 18:30;99.99;;;'].join('\n');
      const res = await upload(s, 'purchases', csv, { delimiter: ';', amounts: 'major', map: ['receipt=receiptId', 'client=externalId', 'date=occurredAt', 'amount=total', 'store=storeId', 'qty=quantity'] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.purchasesImported, res.body.rejected, res.body.pointsEarned], [3, 0, 0]);
      const list = await purchasesOf(s, crm1);
      assert.deepEqual(list.map(({ purchaseId: _, ...p }) => p), [
        { receiptId: 'A-1', occurredAt: '2025-12-01T07:15:00.000Z', total: 125050, storeId: 'S1', pointsEarned: 0 },
        { receiptId: 'A-2', occurredAt: '2026-01-04T21:00:00.000Z', total: 30000, storeId: 'S2', pointsEarned: 0 },
      ]);
      const p = (await s.request('GET', `/v1/purchases/${list[0]!.purchaseId}`)).body;
      assert.deepEqual([p.memberId, p.status, p.pointsEarned, p.lines.map((l: any) => [l.sku, l.quantity, l.price, l.amount])], [crm1, 'completed', 0, [['MILK', 2, 62525, 125050]]]);
      assert.deepEqual(await countRows(s), { ...before, purchases: before.purchases + 3, claims: before.claims + 3 }, 'no ledger entries');
    });

    test('consecutive rows with one receipt id are the lines of one receipt; a bad line refuses its receipt', async () => {
      const csv = [
        'receiptId,externalId,occurredAt,sku,category,quantity,price,total',
        'L-1,CRM-1,2026-02-01,BREAD,bakery,2,5000,18000',
        'L-1,CRM-1,2026-02-01,CHEESE,dairy,1,8000,18000',
        'L-2,CRM-2,2026-02-01,MILK,,1,100,200',
        'L-3,CRM-2,2026-02-02,A,,1,100,',
        'L-3,CRM-2,2026-02-03,B,,1,100,',
      ].join('\n');
      const res = await upload(s, 'purchases', csv);
      assert.deepEqual([res.body.purchasesImported, ...rejectsOf(res.body)], [1, [4, 'RECEIPT_TOTAL_MISMATCH'], [5, 'INVALID_ROW'], [6, 'INVALID_ROW']]);
      assert.match(res.body.rejects[1].reason, /lines of receipt L-3 \(lines 5–6\) disagree on the date/);
      const l1 = (await purchasesOf(s, crm1)).find((p) => p.receiptId === 'L-1')!;
      const p = (await s.request('GET', `/v1/purchases/${l1.purchaseId}`)).body;
      assert.deepEqual(p.lines.map((l: any) => [l.sku, l.category, l.quantity, l.price]), [['BREAD', 'bakery', 2, 5000], ['CHEESE', 'dairy', 1, 8000]]);
    });

    test('importing purchases again changes nothing; identical rows stay separate purchases', async () => {
      const rows = ['externalId,occurredAt,total', 'CRM-1,2026-02-10,1000', 'CRM-1,2026-02-10,1000', 'CRM-2,2026-02-10,1000'];
      const first = await upload(s, 'purchases', rows.join('\n'));
      assert.deepEqual([first.body.purchasesImported, first.body.purchasesSkipped], [3, 0]);
      const counts = await countRows(s);
      const again = await upload(s, 'purchases', rows.join('\n'));
      assert.deepEqual([again.body.purchasesImported, again.body.purchasesSkipped, again.body.rejected], [0, 3, 0]);
      assert.deepEqual(await countRows(s), counts);
      const longer = await upload(s, 'purchases', [...rows, 'CRM-1,2026-02-10,1000'].join('\n'));
      assert.deepEqual([longer.body.purchasesImported, longer.body.purchasesSkipped], [1, 3], 'a third identical row is a third purchase');
    });

    test('a different receipt under an imported receipt id is refused and the first stays as it was', async () => {
      const res = await upload(s, 'purchases', 'receiptId,externalId,occurredAt,total\nA-1,CRM-1,2025-12-01T10:15:00+03:00,999');
      assert.deepEqual(rejectsOf(res.body), [[2, 'RECEIPT_ALREADY_EXISTS']]);
      assert.equal((await purchasesOf(s, crm1)).find((p) => p.receiptId === 'A-1')!.total, 125050);
    });

    test('members named by an unknown external id are created only when asked, enrolled at their first purchase', async () => {
      const csv = 'externalId,occurredAt,total\nNEW-1,2025-06-01,500\nNEW-1,2025-05-01,700';
      const refused = await upload(s, 'purchases', csv);
      assert.deepEqual(rejectsOf(refused.body), [[2, 'MEMBER_NOT_FOUND'], [3, 'MEMBER_NOT_FOUND']]);
      assert.match(refused.body.rejects[0].reason, /no member with external_id NEW-1 \(create such members on the fly with --create-members\)/);
      const created = await upload(s, 'purchases', csv, { createMembers: 'true' });
      assert.deepEqual([created.body.membersCreated, created.body.purchasesImported], [1, 2]);
      const m = (await lookup(s, 'external_id', 'NEW-1')).body;
      assert.equal(m.createdAt, '2025-04-30T21:00:00.000Z');
    });

    test('a row whose write fails unexpectedly is refused alone: its batch is written again row by row', async () => {
      await refuseReceiptInDatabase(s, 'BAD-1');
      const res = await upload(s, 'purchases', 'receiptId,externalId,occurredAt,total\nG-1,CRM-1,2026-02-11,100\nBAD-1,CRM-1,2026-02-11,100\nG-2,NEW-2,2026-02-11,100', { createMembers: 'true' });
      assert.deepEqual([res.body.purchasesImported, res.body.membersCreated, ...rejectsOf(res.body)], [2, 1, [3, 'INTERNAL']]);
      assert.match(res.body.rejects[0].reason, /refused by a test trigger/);
      const claims = await sql<{ receipt_id: string }>`select receipt_id from receipt_claims where receipt_id in ('G-1', 'BAD-1', 'G-2') order by 1`.execute(s.database.db);
      assert.deepEqual(claims.rows.map((r) => r.receipt_id), ['G-1', 'G-2']);
    });

    test('with earn, points are earned as on the purchase date through the ledger; expired ones are written down', async () => {
      const csv = 'externalId,occurredAt,total\nEARN-1,2024-01-10,100000\nEARN-1,2026-01-05,100000\nEARN-1,2026-02-25,100000';
      const res = await upload(s, 'purchases', csv, { earn: 'true', createMembers: 'true' });
      assert.deepEqual([res.body.purchasesImported, res.body.pointsEarned, res.body.pointsExpired], [3, 150, 50]);
      const id = (await lookup(s, 'external_id', 'EARN-1')).body.id;
      const balance = (await s.request('GET', `/v1/members/${id}/balance`)).body;
      assert.deepEqual([balance.available, balance.pendingTotal, balance.pending], [50, 50, [{ points: 50, availableAt: '2026-03-10T21:00:00.000Z' }]]);
      const ledger = (await s.request('GET', `/v1/members/${id}/ledger`)).body.items;
      assert.deepEqual(ledger.map((e: any) => [e.kind, e.points]).sort(), [['earn', 50], ['earn', 50], ['earn', 50], ['expire', -50]]);
      await s.assertBooksBalance();
      const again = await upload(s, 'purchases', csv, { earn: 'true', createMembers: 'true' });
      assert.deepEqual([again.body.purchasesSkipped, again.body.pointsEarned], [3, 0]);
    });

    test('uploads need an admin key; a mapping that cannot work is refused before anything is written', async () => {
      assert.equal((await upload(s, 'members', MEMBERS, {}, s.posKey)).status, 403);
      assert.equal((await upload(s, 'members', MEMBERS, {}, null)).status, 401);
      const unknown = await upload(s, 'members', MEMBERS, { mapping: 'x' });
      assert.deepEqual([unknown.status, unknown.body.code], [400, 'VALIDATION_FAILED']);
      const before = await countRows(s);
      const bad = await upload(s, 'purchases', 'who,when,amount\nCRM-1,2026-01-01,100', { map: ['who=customer'] });
      assert.deepEqual([bad.status, bad.body.code], [422, 'INVALID_IMPORT']);
      assert.match(bad.body.detail, /"customer" is not a field of purchases/);
      assert.match(bad.body.detail, /needs an occurredAt column/);
      assert.deepEqual(await countRows(s), before);
      const runs = (await s.request('GET', '/v1/imports', undefined, { key: s.readonlyKey })).body.items;
      assert.ok(runs.length >= 10 && runs.every((r: any) => r.status === 'completed'), JSON.stringify(runs[0]));
    });
  });
}

describe('import of the CDNOW master file (postgres)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer('postgres', { currency: 'USD', locale: 'en', timeZone: 'America/New_York' });
  });
  after(() => s.close());

  test('the 69,659 purchases of the 23,570 customers are imported, and once only', async () => {
    const lines = fs.readFileSync(CDNOW_MASTER, 'utf8').trim().split('\n').slice(1);
    const cents = lines.reduce((sum, l) => sum + Math.round(Number(l.trim().split(/\s+/)[3]) * 100), 0);
    const res = await upload(s, 'purchases', { file: CDNOW_MASTER }, { format: 'cdnow' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.rows, res.body.purchasesImported, res.body.membersCreated, res.body.rejected], [69_659, 69_659, 23_570, 0]);
    const db = await sql<{ members: number; purchases: number; total: number; first: Date }>`
      select (select count(*) from members where program_id = ${s.programId})::int as members,
             (select count(*) from purchases where program_id = ${s.programId})::int as purchases,
             (select sum(total) from purchases where program_id = ${s.programId}) as total,
             (select min(occurred_at) from purchases where program_id = ${s.programId}) as first`.execute(s.database.db);
    assert.deepEqual(db.rows[0], { members: 23_570, purchases: 69_659, total: cents, first: new Date('1997-01-01T05:00:00Z') });
    const again = await upload(s, 'purchases', { file: CDNOW_MASTER }, { format: 'cdnow' });
    assert.deepEqual([again.body.purchasesImported, again.body.purchasesSkipped, again.body.membersCreated], [0, 69_659, 0]);
  });
});
