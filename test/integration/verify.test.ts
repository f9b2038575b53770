import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { checkBooks } from '../../src/store/verify.js';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`verify finds books that do not balance (${kind})`, () => {
    let s: TestServer;
    let member: string;
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
      member = await enrol(s);
      await s.request('POST', '/v1/purchases', receipt([line('A', 1, 1000)], { memberId: member }));
    });
    after(() => s.close());

    test('a balanced ledger reports the program accounts and no mismatch', async () => {
      const report = await checkBooks(s.database.db);
      assert.deepEqual(report.mismatches, []);
      assert.deepEqual(report.accounts.map((a) => [a.issued, a.redeemed, a.expired, a.adjusted, a.memberBalances]), [[50, 0, 0, 0, 50]]);
    });

    test('a cached balance that drifted from the entries is reported, and so is a lot', async () => {
      await sql`update wallets set balance = balance + 7 where member_id = ${member}`.execute(s.database.db);
      await sql`update lots set remaining = remaining - 1 where member_id = ${member}`.execute(s.database.db);
      const report = await checkBooks(s.database.db);
      assert.deepEqual(report.mismatches.map((m) => [m.check, m.detail]), [
        ['member', 'wallet 57, entries 50, lots 49'],
        ['lot', 'remaining 49, entries 50'],
        ['program', 'issued 50 − redeemed 0 − expired 0 + adjusted 0 = 50, member balances 57'],
      ]);
      // Put the books right again for the suite's closing check.
      await sql`update wallets set balance = balance - 7 where member_id = ${member}`.execute(s.database.db);
      await sql`update lots set remaining = remaining + 1 where member_id = ${member}`.execute(s.database.db);
      assert.deepEqual((await checkBooks(s.database.db)).mismatches, []);
    });
  });
}
