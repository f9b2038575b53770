import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { beginRequestTransaction, inRequestTransaction } from '../../src/store/request-transaction.js';
import type { Database } from '../../src/store/db.js';
import { DATABASES, freshDatabase } from '../support/harness.js';

for (const kind of DATABASES) {
  describe(`request transactions under the use cases' own (${kind})`, () => {
    let database: Database;
    before(async () => {
      database = await freshDatabase(kind);
      await sql`create table rt_probe (n int primary key)`.execute(database.db);
    });
    after(() => database.close());

    const rows = async () => (await sql<{ n: number }>`select n from rt_probe order by n`.execute(database.db)).rows.map((r) => r.n);
    const insert = (n: number) => sql`insert into rt_probe (n) values (${n})`.execute(database.db);

    test("a use case's transaction becomes a savepoint: its failure undoes only itself, and the request commits the rest", async () => {
      const tx = await beginRequestTransaction(database.db);
      await tx.run(async () => {
        assert.equal(inRequestTransaction(), true);
        await insert(1);
        await database.db.transaction().execute(async () => insert(2));
        await assert.rejects(
          database.db.transaction().execute(async () => {
            await insert(3);
            await insert(1); // a duplicate: this transaction fails
          }),
        );
        // The request transaction is still usable after the failed one.
        await insert(4);
        assert.deepEqual(await rows(), [1, 2, 4]);
      });
      assert.equal(inRequestTransaction(), false);
      await tx.commit();
      assert.deepEqual(await rows(), [1, 2, 4]);
      await sql`delete from rt_probe`.execute(database.db);
    });

    test('a rolled-back request transaction leaves nothing, committed savepoints included', async () => {
      const tx = await beginRequestTransaction(database.db);
      await tx.run(async () => {
        await insert(10);
        await database.db.transaction().execute(async () => insert(11));
      });
      await tx.rollback();
      await tx.rollback(); // a second end does nothing
      assert.deepEqual(await rows(), []);
    });

    test('work started inside that runs after the request transaction ended uses the pool again', async () => {
      const tx = await beginRequestTransaction(database.db);
      let later!: Promise<unknown>;
      await tx.run(async () => {
        await insert(20);
        later = new Promise((resolve) => setTimeout(resolve, 20)).then(() => insert(21));
      });
      await tx.commit();
      await later;
      assert.deepEqual(await rows(), [20, 21]);
    });
  });
}
