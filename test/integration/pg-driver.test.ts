import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../../src/store/db.js';
import { pipelined, writeWithCommit } from '../../src/store/pipeline.js';
import { DATABASES, freshDatabase } from '../support/harness.js';

/*
 * The driver's round-trip savings (src/store/pg-driver.ts, src/store/pipeline.ts) change when
 * statements are sent and when their failures are seen, never what a transaction means: what is
 * not waited for still fails the transaction, and a statement sent behind a lock reads what the
 * lock waited for.
 */
for (const kind of DATABASES) {
  describe(`statements sent together (${kind})`, () => {
    let database: Database;
    before(async () => {
      // One connection on PostgreSQL: a failure that left it unusable would fail the next test.
      database = await freshDatabase(kind, kind === 'postgres' ? 2 : 1);
      await sql`create table driver_probe (id int primary key, note text not null)`.execute(database.db);
    });
    after(() => database.close());

    const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from driver_probe`.execute(database.db)).rows[0]!.n);

    test('a write sent with the commit that fails fails the transaction, and nothing of it is kept', async () => {
      await assert.rejects(
        database.db.transaction().execute(async (trx) => {
          await sql`insert into driver_probe values (1, 'kept only if the commit holds')`.execute(trx);
          await writeWithCommit(trx, sql`insert into driver_probe values (2, null)`.compile(trx));
        }),
        /null value in column "note"/,
      );
      assert.equal(await count(), 0);
      // The connection is usable afterwards, and a good write sent with the commit is committed.
      await database.db.transaction().execute(async (trx) => {
        await writeWithCommit(trx, sql`insert into driver_probe values (3, 'written with the commit')`.compile(trx));
      });
      assert.equal(await count(), 1);
      await sql`delete from driver_probe`.execute(database.db);
    });

    test('statements sent together answer in order; the first failure fails them all and the transaction', async () => {
      const [a, b] = await database.db.transaction().execute((trx) =>
        pipelined(trx, [sql`insert into driver_probe values (10, 'a') returning id`.compile(trx), sql`select count(*)::int as n from driver_probe`.compile(trx)]),
      );
      assert.deepEqual(a!.rows, [{ id: 10 }]);
      assert.deepEqual(b!.rows, [{ n: 1 }], 'the second statement sees the first one’s row');
      await assert.rejects(
        database.db.transaction().execute((trx) =>
          pipelined(trx, [sql`insert into driver_probe values (11, 'b')`.compile(trx), sql`insert into driver_probe values (10, 'duplicate')`.compile(trx), sql`select 1`.compile(trx)]),
        ),
        /duplicate key/,
      );
      assert.equal(await count(), 1, 'the failed transaction kept nothing');
      await sql`delete from driver_probe`.execute(database.db);
    });

    test('a transaction that runs nothing commits, and one that throws before any statement rolls back cleanly', async () => {
      await database.db.transaction().execute(async () => {});
      await assert.rejects(
        database.db.transaction().execute(async () => {
          throw new Error('refused before any statement');
        }),
        /refused before any statement/,
      );
      assert.equal(await count(), 0);
    });
  });
}

describe('statements sent together behind a lock (postgres)', () => {
  let database: Database;
  before(async () => {
    database = await freshDatabase('postgres', 4);
    await sql`create table driver_wallet (id int primary key, balance int not null)`.execute(database.db);
    await sql`create table driver_lots (wallet int not null, amount int not null)`.execute(database.db);
    await sql`insert into driver_wallet values (1, 0)`.execute(database.db);
  });
  after(() => database.close());

  test('the read sent with the lock sees what the lock waited for (READ COMMITTED: its own snapshot, taken after the lock)', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Another transaction holds the wallet, adds a lot and commits while our statements wait.
    const other = database.db.transaction().execute(async (trx) => {
      await sql`select * from driver_wallet where id = 1 for update`.execute(trx);
      locked();
      await held;
      await sql`insert into driver_lots values (1, 500)`.execute(trx);
      await sql`update driver_wallet set balance = balance + 500 where id = 1`.execute(trx);
    });
    await isLocked;
    const ours = database.db.transaction().execute((trx) =>
      pipelined(trx, [sql`select balance from driver_wallet where id = 1 for update`.compile(trx), sql`select coalesce(sum(amount), 0)::int as lots from driver_lots where wallet = 1`.compile(trx)]),
    );
    await new Promise((r) => setTimeout(r, 100));
    release();
    await other;
    const [wallet, lots] = await ours;
    assert.deepEqual(wallet!.rows, [{ balance: 500 }]);
    assert.deepEqual(lots!.rows, [{ lots: 500 }], 'the lots read after the lock include the other transaction’s lot');
  });
});
