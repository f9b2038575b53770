import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createContext, type AppContext } from '../../src/app/context.js';
import { firstStart, firstStartLines, initFirstProgram } from '../../src/app/first-start.js';
import { countAdminUsers } from '../../src/store/admin-users.js';
import type { Database } from '../../src/store/db.js';
import { listPrograms } from '../../src/store/programs.js';
import { DATABASES, freshDatabase } from '../support/harness.js';

/*
 * The first start of an empty database: the demo program in development, nothing in production
 * until `kopilka init` opens the first program — once, even with servers starting beside it.
 */

for (const kind of DATABASES) {
  describe(`first start and kopilka init (${kind})`, () => {
    let database: Database;
    let ctx: AppContext;
    before(async () => {
      database = await freshDatabase(kind);
      ctx = createContext(database.db);
    });
    after(() => database.close());

    test('in production an empty database gets no demo program and no owner, only the way to init', async () => {
      const start = await firstStart(ctx, { production: true });
      assert.deepEqual(start, { needsInit: true });
      assert.equal((await listPrograms(database.db)).length, 0);
      const lines = firstStartLines(start).join('\n');
      assert.match(lines, /kopilka init --name/);
      assert.doesNotMatch(lines, /Demo program|owner@kopilka\.local/);
    });

    test('init opens the first program and its owner once, even when several run together', async () => {
      const input = { name: 'Лавка', currency: 'RUB', timeZone: 'Europe/Moscow', locale: 'ru' as const, owner: { email: 'owner@lavka.ru' } };
      const results = await Promise.all([initFirstProgram(ctx, input), initFirstProgram(ctx, input), firstStart(ctx, { production: true })]);
      const opened = results.filter((r) => 'opened' in r);
      assert.equal(opened.length, 1, JSON.stringify(results.map((r) => Object.keys(r))));
      const programs = await listPrograms(database.db);
      assert.deepEqual(programs.map((p) => p.name), ['Лавка']);
      assert.equal(await countAdminUsers(database.db, programs[0]!.programId), 1);
      assert.deepEqual(await initFirstProgram(ctx, { ...input, name: 'Другая' }), { existing: 1 });
    });

    test('once there is a program, a production start makes nothing and says nothing', async () => {
      const start = await firstStart(ctx, { production: true });
      assert.deepEqual(start, {});
      assert.deepEqual(firstStartLines(start), []);
    });

    test('in development an empty database still gets the demo program and its owner', async () => {
      const other = await freshDatabase(kind);
      try {
        const start = await firstStart(createContext(other.db));
        assert.equal(start.created?.name, 'Demo program');
        assert.equal(start.owner?.email, 'owner@kopilka.local');
        // The audit log says where the program came from; a second start adds nothing.
        const again = await firstStart(createContext(other.db));
        assert.deepEqual(again, {});
        const logged = await other.db.selectFrom('audit_log').select(['action', 'entity_id']).execute();
        assert.deepEqual(logged, [{ action: 'first_start', entity_id: start.created!.programId }]);
      } finally {
        await other.close();
      }
    });
  });
}
