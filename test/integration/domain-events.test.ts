import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { sql } from 'kysely';
import pg from 'pg';
import { expirePoints } from '../../src/app/ledger.js';
import type { Transports } from '../../src/app/outbox.js';
import { PurchaseBatcher } from '../../src/app/purchases/batcher.js';
import { createPurchase } from '../../src/app/purchases/create.js';
import { EVENT_CATALOGUE, EVENT_TYPES, draftEvent, type EventType } from '../../src/domain/events/catalogue.js';
import type { PurchaseInput } from '../../src/domain/purchase-types.js';
import { runOutboxOnce } from '../../src/jobs/outbox.js';
import { insertEvents } from '../../src/store/domain-events.js';
import { lockWallet } from '../../src/store/ledger.js';
import { campaign } from '../support/campaigns.js';
import { credit, DATABASES, enrol, line, PG_URL, receipt, startServer, totalOf, type TestServer } from '../support/harness.js';

/** An event as GET /v1/events gives it. */
interface Item {
  id: string;
  type: EventType;
  version: number;
  memberId: string | null;
  memberSeq: number | null;
  occurredAt: string;
  recordedAt: string;
  data: Record<string, any>;
  cursor: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

for (const kind of DATABASES) {
  describe(`domain events: the outbox and GET /v1/events (${kind})`, () => {
    let s: TestServer;
    const inbox: { to: string; text: string }[] = [];
    const transports: Transports = { email: { description: 'test', send: async (m) => void inbox.push({ to: m.recipient, text: m.body ?? '' }) } };
    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
    });
    after(() => s.close());

    const admin = () => ({ key: s.adminKey });

    /** Every event of the feed (as the readonly key sees it), following nextCursor. */
    async function feed(query = '', limit = 50): Promise<Item[]> {
      const out: Item[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: any } = await s.request('GET', `/v1/events?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`, undefined, { key: s.readonlyKey });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        out.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return out;
    }
    const ofMember = async (memberId: string) => feed(`&memberId=${memberId}`);
    const typesOf = (items: Item[]) => items.map((e) => e.type);
    const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from domain_events`.execute(s.database.db)).rows[0]!.n);

    async function signIn(email: string): Promise<string> {
      s.clock.advance(61_000);
      assert.equal((await s.request('POST', '/v1/auth/member/code', { programId: s.programId, email }, { key: null })).status, 202);
      await runOutboxOnce(s.ctx, transports);
      const code = /\b(\d{6})\b/.exec(inbox.filter((m) => m.to === email).at(-1)!.text)![1]!;
      const joined = await s.request('POST', '/v1/auth/member/join', { programId: s.programId, email, code, name: 'Анна' }, { key: null, headers: { 'x-kopilka-csrf': '1' } });
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
      return joined.body.token;
    }

    test("a member's changes write their events, numbered 1, 2, 3, … in the order they happened", async () => {
      const m = await enrol(s, { name: 'Ольга', phone: '+7 900 100-00-01' });
      assert.equal((await s.request('PATCH', `/v1/members/${m}`, { name: 'Ольга К.', city: 'Тверь' }, admin())).status, 200);
      assert.equal((await s.request('PATCH', `/v1/members/${m}`, { name: 'Ольга К.' }, admin())).status, 200); // no change, no event
      assert.equal((await s.request('POST', `/v1/members/${m}/block`, { reason: 'проверка' }, admin())).status, 200);
      assert.equal((await s.request('POST', `/v1/members/${m}/unblock`, undefined, admin())).status, 200);
      await credit(s, m, 500);
      const bought = await s.request('POST', '/v1/purchases', { ...receipt([line('A', 1, 1_000)]), memberId: m });
      assert.equal(bought.status, 201, JSON.stringify(bought.body));
      const held = await s.request('POST', '/v1/purchases', { ...receipt([line('B', 1, 500)]), memberId: m, pointsToSpend: 100, twoPhase: true });
      assert.equal(held.status, 201, JSON.stringify(held.body));
      assert.equal((await s.request('POST', `/v1/purchases/${held.body.purchaseId}/confirm`)).status, 200);
      const dropped = await s.request('POST', '/v1/purchases', { ...receipt([line('C', 1, 300)]), memberId: m, pointsToSpend: 50, twoPhase: true });
      assert.equal((await s.request('POST', `/v1/purchases/${dropped.body.purchaseId}/cancel`)).status, 200);
      const returned = await s.request('POST', `/v1/purchases/${bought.body.purchaseId}/returns`, { lines: [{ line: 0, quantity: 1 }] });
      assert.equal(returned.status, 201, JSON.stringify(returned.body));
      await s.request('POST', '/v1/coupon-series', { id: 'personal', name: 'Личный', kind: 'unique', count: 0, prefix: 'P' }, admin());
      const issued = await s.request('POST', '/v1/coupon-series/personal/codes', { memberId: m }, admin());
      assert.equal(issued.status, 201, JSON.stringify(issued.body));

      const items = await ofMember(m);
      assert.deepEqual(typesOf(items), [
        'member.enrolled',
        'member.updated',
        'member.updated',
        'member.updated',
        'points.adjusted',
        'purchase.completed',
        'points.earned',
        'purchase.held',
        'purchase.confirmed',
        'points.earned',
        'purchase.held',
        'purchase.cancelled',
        'purchase.returned',
        'coupon.issued',
      ]);
      assert.deepEqual(items.map((e) => e.memberSeq), items.map((_, i) => i + 1));
      assert.deepEqual(items[0]!.data, { memberId: m, channel: 'till' });
      assert.deepEqual(items[1]!.data, { memberId: m, changed: ['name', 'city'], status: 'active' });
      assert.deepEqual([items[2]!.data, items[3]!.data], [{ memberId: m, changed: ['status'], status: 'blocked' }, { memberId: m, changed: ['status'], status: 'active' }]);
      assert.deepEqual(items[4]!.data, { adjustmentId: items[4]!.data.adjustmentId, points: 500, reason: 'test credit', actor: items[4]!.data.actor, expiresAt: items[4]!.data.expiresAt });
      assert.deepEqual(items[5]!.data, { purchaseId: bought.body.purchaseId, receiptId: bought.body.receiptId, total: 100_000, paidTotal: bought.body.paidTotal, pointsSpent: 0, pointsEarned: bought.body.pointsEarned });
      assert.equal(items[6]!.data.points, bought.body.pointsEarned);
      assert.deepEqual(items[8]!.data, { purchaseId: held.body.purchaseId, receiptId: held.body.receiptId, pointsSpent: 100, pointsEarned: held.body.pointsEarned });
      assert.deepEqual(items[11]!.data, { purchaseId: dropped.body.purchaseId, receiptId: dropped.body.receiptId, reason: 'cancel', pointsReleased: 50 });
      assert.deepEqual(items[12]!.data, {
        purchaseId: bought.body.purchaseId,
        returnId: returned.body.returnId,
        refund: returned.body.refund,
        refundDue: returned.body.refundDue,
        pointsRestored: 0,
        pointsClawedBack: returned.body.pointsClawedBack,
        pointsWithheld: 0,
        pointsOwed: returned.body.pointsOwed,
      });
      assert.deepEqual(items[13]!.data, { code: issued.body.codes[0], seriesId: 'personal' });
      // The receipt's time is when a purchase's events occurred; recorded when written.
      assert.equal(items[5]!.occurredAt, bought.body.occurredAt);
      assert.equal(items[5]!.recordedAt, s.clock.now().toISOString());
    });

    test('the expiry job, feedback and the member app write their events', async () => {
      const token = await signIn('events@example.ru');
      const me = await s.request('GET', '/v1/me', undefined, { key: token });
      const m = me.body.id as string;
      const expiresAt = new Date(s.clock.now().getTime() + 86_400_000).toISOString();
      assert.equal((await s.request('POST', `/v1/members/${m}/adjustments`, { points: 70, reason: 'подарок', expiresAt }, admin())).status, 201);
      s.clock.advanceDays(2);
      const run = await expirePoints(s.ctx);
      assert.ok(run.points >= 70);
      const sent = await s.request('POST', '/v1/me/feedback', { topic: 'idea', message: 'Добавьте овсяное молоко', storeId: 'near' }, { key: token });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const items = await ofMember(m);
      assert.deepEqual(typesOf(items), ['member.enrolled', 'points.adjusted', 'points.expired', 'feedback.received']);
      assert.deepEqual(items[0]!.data, { memberId: m, channel: 'app' });
      assert.deepEqual(items[2]!.data, { points: 70, lots: 1, expiredAt: s.clock.now().toISOString() });
      assert.deepEqual(items[3]!.data, { feedbackId: sent.body.id, topic: 'idea', storeId: 'near' });
      assert.ok(!JSON.stringify(items).includes('овсяное'), 'events carry no message text');
    });

    test('a refused change writes no event', async () => {
      const m = await enrol(s, { phone: '+7 900 100-00-02' });
      const other = await enrol(s, { phone: '+7 900 100-00-03' });
      const before = await count();
      // A debit beyond the balance, a phone that belongs to someone else, a purchase spending more than the member has.
      assert.equal((await s.request('POST', `/v1/members/${m}/adjustments`, { points: -10, reason: 'x' }, admin())).body.code, 'INSUFFICIENT_POINTS');
      assert.equal((await s.request('PATCH', `/v1/members/${m}`, { phone: '+7 900 100-00-03' }, admin())).body.code, 'IDENTIFIER_TAKEN');
      assert.equal((await s.request('POST', '/v1/members', { phone: '+7 900 100-00-03' })).body.code, 'IDENTIFIER_TAKEN');
      const refused = await s.request('POST', '/v1/purchases', { ...receipt([line('A', 1, 100)]), memberId: m, pointsToSpend: 10 });
      assert.equal(refused.body.code, 'INSUFFICIENT_POINTS');
      await assert.rejects(createPurchase(s.ctx, s.programId, { ...receipt([line('A', 1, 100)]), memberId: m, pointsToSpend: 10 }), { code: 'INSUFFICIENT_POINTS' });
      assert.equal(await count(), before);
      // In a batch, the refused purchase writes nothing and the others write theirs.
      const batcher = new PurchaseBatcher(s.ctx, { maxBatch: 64, maxInFlight: 1 });
      const outcomes = await Promise.allSettled([
        batcher.submit(s.programId, { ...receipt([line('A', 1, 100)]), memberId: m, pointsToSpend: 10 }),
        batcher.submit(s.programId, { ...receipt([line('A', 1, 100)]), memberId: other }),
      ]);
      assert.equal(outcomes[0]!.status, 'rejected');
      assert.equal(outcomes[1]!.status, 'fulfilled');
      assert.deepEqual(typesOf(await ofMember(m)), ['member.enrolled']);
      assert.deepEqual(typesOf(await ofMember(other)), ['member.enrolled', 'purchase.completed', 'points.earned']);
      // A transaction that writes events and then rolls back leaves none.
      await assert.rejects(
        s.ctx.db.transaction().execute(async (trx) => {
          await lockWallet(trx, m);
          await insertEvents(trx, s.programId, s.clock.now(), [draftEvent(s.ctx.newId(), 'member.updated', m, s.clock.now(), { memberId: m, changed: ['name'], status: 'active' })]);
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.deepEqual(typesOf(await ofMember(m)), ['member.enrolled']);
    });

    test('the single and the batched purchase paths write the same events', async () => {
      await s.request('POST', '/v1/coupon-series', { id: 'hello', name: 'Hello', kind: 'shared', code: 'HELLO' }, admin());
      for (const c of [
        campaign('hello', { couponSeriesId: 'hello', effects: [{ kind: 'points_fixed', points: 30 }] }),
        campaign('double', { effects: [{ kind: 'points_multiplier', multiplier: 2, lines: { categories: ['food'] } }] }),
      ]) {
        assert.equal((await s.request('POST', '/v1/campaigns', { campaign: c, status: 'active' }, admin())).status, 201);
      }
      assert.equal((await s.request('PUT', '/v1/tier-policy', { window: { kind: 'rolling', days: 365 }, graceDays: 30 }, admin())).status, 200);
      const gold = { id: 'gold', name: 'Gold', rank: 1, qualification: { metric: 'spend', min: 5_000_00 }, benefits: { earnMultiplier: 1, discountPercent: 0, perks: [] } };
      assert.equal((await s.request('POST', '/v1/tiers', gold, admin())).status, 201);
      const twins: [string, string][] = [];
      for (let i = 0; i < 3; i++) {
        const pair: [string, string] = [await enrol(s), await enrol(s)];
        await credit(s, pair[0], 400);
        await credit(s, pair[1], 400);
        twins.push(pair);
      }
      const steps: Omit<PurchaseInput, 'receiptId' | 'total' | 'memberId'>[] = [
        { lines: [line('TV', 1, 9_000)], coupons: ['HELLO'] }, // earns, redeems a coupon and upgrades to gold
        { lines: [line('MILK', 2, 100, { category: 'food' })], pointsToSpend: 50, twoPhase: true, coupons: ['HELLO'] },
        { lines: [line('BREAD', 1, 80, { category: 'food' })], pointsToSpend: 20 },
      ];
      // The batcher's transactions are counted, to show the set went as one batch (a batch that
      // failed would be written again one by one through the single path, proving nothing).
      let transactions = 0;
      const counted = new Proxy(s.ctx.db, {
        get(target, prop) {
          if (prop === 'transaction') {
            return () => {
              transactions++;
              return target.transaction();
            };
          }
          const v: unknown = Reflect.get(target, prop);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const batcher = new PurchaseBatcher({ ...s.ctx, db: counted }, { maxBatch: 64, maxInFlight: 1 });
      const anonymous = (set: string): PurchaseInput => ({ receiptId: `${set}-twin-anonymous`, total: 100_00, lines: [line('MILK', 1, 100, { category: 'food' })] });
      const inputOf = (set: string, i: number, memberId: string): PurchaseInput => ({
        receiptId: `${set}-twin-${i}`,
        memberId,
        total: totalOf(steps[i]!.lines as ReturnType<typeof line>[]),
        ...steps[i]!,
      });
      for (const [i, [single]] of twins.entries()) await createPurchase(s.ctx, s.programId, inputOf('S', i, single));
      await createPurchase(s.ctx, s.programId, anonymous('S'));
      await Promise.all([...twins.map(([, batched], i) => batcher.submit(s.programId, inputOf('T', i, batched))), batcher.submit(s.programId, anonymous('T'))]);
      assert.equal(transactions, 1, 'the batched set was written in one transaction');

      const { rows } = await sql<Record<string, unknown>>`
        select e.*, coalesce(p.receipt_id, a.receipt_id) as receipt
          from domain_events e
          left join purchases p on p.purchase_id = (e.data->>'purchaseId')::uuid
          left join anonymous_purchases a on a.purchase_id = (e.data->>'purchaseId')::uuid
         where coalesce(p.receipt_id, a.receipt_id) like '_-twin-%'
         order by e.feed_tx, e.feed_seq`.execute(s.database.db);
      // Ids by their place: members by twin, purchases by receipt, events dropped (random).
      const shape = (set: 'S' | 'T') => {
        const names = new Map<string, string>();
        twins.forEach((pair, i) => names.set(pair[set === 'S' ? 0 : 1], `member#${i}`));
        const mine = rows.filter((r) => (r.receipt as string).startsWith(`${set}-`));
        for (const r of mine) names.set((r.data as { purchaseId: string }).purchaseId, `purchase:${(r.receipt as string).slice(2)}`);
        const mapped = mine.map((r) => ({
          receipt: (r.receipt as string).slice(2),
          type: r.type,
          version: r.version,
          member: r.member_id === null ? null : names.get(r.member_id as string),
          memberSeq: r.member_seq,
          occurredAt: (r.occurred_at as Date).toISOString(),
          data: JSON.parse(JSON.stringify(r.data).replace(UUID, (id) => names.get(id) ?? 'unknown').replaceAll(`"${set}-twin-`, '"twin-')),
        }));
        return mapped.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      };
      const single = shape('S');
      assert.deepEqual(shape('T'), single);
      assert.ok(!JSON.stringify(single).includes('unknown'), 'every id in the events is a member or a purchase of the set');
      const kinds = new Set(single.map((e) => e.type));
      for (const t of ['purchase.completed', 'purchase.held', 'points.earned', 'tier.changed', 'coupon.redeemed'] as const) assert.ok(kinds.has(t), `the comparison covers ${t}`);
      assert.ok(single.some((e) => e.member === null), 'and a receipt without a member');
    });

    test("a campaign budget's warning is an event without a member", async () => {
      const c = campaign('budget-50', { conditions: [{ kind: 'lines', lines: { skus: ['BUDGET'] }, match: 'any' }], effects: [{ kind: 'points_fixed', points: 50 }], budget: { points: 100, warnAtPercent: 50 } });
      assert.equal((await s.request('POST', '/v1/campaigns', { campaign: c, status: 'active' }, admin())).status, 201);
      const m = await enrol(s);
      const bought = await s.request('POST', '/v1/purchases', { ...receipt([line('BUDGET', 1, 10)]), memberId: m });
      assert.equal(bought.status, 201, JSON.stringify(bought.body));
      const warnings = await feed('&type=campaign.budget_warning');
      assert.deepEqual(
        warnings.map((w) => [w.memberId, w.memberSeq, w.data]),
        [[null, null, { campaignId: 'budget-50', purchaseId: bought.body.purchaseId, budget: 'points', cap: 100, warnAtPercent: 50, used: 50 }]],
      );
    });

    test('concurrent writes for one member keep its sequence gapless, and the feed shows them in that order', async () => {
      const m = await enrol(s);
      await credit(s, m, 10_000);
      const writes = Array.from({ length: 24 }, (_, i) =>
        i % 3 === 0
          ? s.request('POST', `/v1/members/${m}/adjustments`, { points: 5, reason: `r${i}` }, admin())
          : i % 3 === 1
            ? s.request('POST', '/v1/purchases', { ...receipt([line('A', 1, 50)]), memberId: m, pointsToSpend: 10 })
            : s.request('PATCH', `/v1/members/${m}`, { city: `Город ${i}` }, admin()),
      );
      const answers = await Promise.all(writes);
      for (const r of answers) assert.ok(r.status < 300, JSON.stringify(r.body));
      const earning = answers.filter((r) => r.body.receiptId && r.body.pointsEarned > 0).length;
      assert.ok(earning > 0);
      const stored = (await sql<{ member_seq: number; feed_tx: number; feed_seq: number }>`select member_seq, feed_tx, feed_seq from domain_events where member_id = ${m} order by member_seq`.execute(s.database.db)).rows;
      assert.deepEqual(stored.map((r) => Number(r.member_seq)), stored.map((_, i) => i + 1));
      // The feed's order, (feed_tx, feed_seq), never puts a member's later event first.
      for (let i = 1; i < stored.length; i++) {
        const [a, b] = [stored[i - 1]!, stored[i]!];
        assert.ok(Number(a.feed_tx) < Number(b.feed_tx) || (Number(a.feed_tx) === Number(b.feed_tx) && Number(a.feed_seq) < Number(b.feed_seq)), `event ${i} before ${i + 1} in the feed`);
      }
      const all = await feed();
      const mine = all.filter((e) => e.memberId === m);
      assert.deepEqual(mine.map((e) => e.memberSeq), stored.map((r) => Number(r.member_seq)));
      // 1 enrol + 1 credit + 8 adjustments + 8 purchases (and the points each earned) + 8 profile edits.
      assert.equal(mine.length, 1 + 1 + 8 + 8 + earning + 8);
    });

    test('paging the feed while others write loses and repeats nothing', async () => {
      const members = await Promise.all(Array.from({ length: 6 }, () => enrol(s)));
      const seen: Item[] = [];
      let cursor: string | null = null;
      /** One poll: follows pages to the end and keeps the last event's cursor to resume from, as a consumer does. */
      const poll = async () => {
        for (;;) {
          const res = await s.request('GET', `/v1/events?limit=5${cursor ? `&cursor=${cursor}` : ''}`, undefined, { key: s.readonlyKey });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const items = res.body.items as Item[];
          seen.push(...items);
          if (items.length > 0) cursor = items.at(-1)!.cursor;
          if (!res.body.nextCursor) return;
        }
      };
      let writing = true;
      const writers = (async () => {
        await Promise.all(
          members.map(async (m, k) => {
            for (let i = 0; i < 6; i++) {
              const r = i % 2 === 0 ? await s.request('POST', '/v1/purchases', { ...receipt([line('A', 1, 100 + k)]), memberId: m }) : await s.request('POST', `/v1/members/${m}/adjustments`, { points: 3, reason: 'x' }, admin());
              assert.ok(r.status < 300, JSON.stringify(r.body));
            }
          }),
        );
        writing = false;
      })();
      while (writing) await poll();
      await writers;
      await poll();
      const ids = seen.map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length, 'no event twice');
      const stored = (await sql<{ event_id: string }>`select event_id from domain_events where program_id = ${s.programId}`.execute(s.database.db)).rows.map((r) => r.event_id);
      assert.deepEqual([...ids].sort(), [...stored].sort(), 'every event once');
    });

    if (kind === 'postgres') {
      // Only PostgreSQL has two transactions open at once (PGlite has one connection).
      test('an event whose transaction began first but commits last is not skipped by a reader that paged past later ones', async () => {
        const [early, late] = [await enrol(s), await enrol(s)];
        const tail = async (c: string | null) => {
          const res = await s.request('GET', `/v1/events?limit=200${c ? `&cursor=${c}` : ''}`, undefined, { key: s.readonlyKey });
          assert.equal(res.status, 200);
          return res.body.items as Item[];
        };
        const start = (await feed()).at(-1)!.cursor;
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let opened!: () => void;
        const isOpen = new Promise<void>((r) => (opened = r));
        // The early transaction takes its id and writes its event, then waits.
        const slow = s.ctx.db.transaction().execute(async (trx) => {
          await lockWallet(trx, early);
          await insertEvents(trx, s.programId, s.clock.now(), [draftEvent(s.ctx.newId(), 'member.updated', early, s.clock.now(), { memberId: early, changed: ['name'], status: 'active' })]);
          opened();
          await gate;
        });
        await isOpen;
        // A later transaction commits meanwhile; the reader does not see it yet, since what sorts before it is not settled.
        await credit(s, late, 9);
        assert.deepEqual(await tail(start), [], 'nothing past the open transaction is shown');
        release();
        await slow;
        const after = await tail(start);
        assert.deepEqual(after.map((e) => [e.memberId, e.type]), [[early, 'member.updated'], [late, 'points.adjusted']]);
      });

      test("a long transaction in another database of the server does not hold this program's feed back", async () => {
        const other = new pg.Client({ connectionString: PG_URL });
        await other.connect();
        try {
          await other.query('begin');
          await other.query('select pg_current_xact_id()'); // takes a transaction id and keeps it
          const m = await enrol(s);
          await credit(s, m, 5);
          assert.deepEqual(typesOf(await ofMember(m)), ['member.enrolled', 'points.adjusted']);
        } finally {
          await other.query('rollback');
          await other.end();
        }
      });
    }

    test('filters by type and member; who may read the feed', async () => {
      const m = await enrol(s);
      await credit(s, m, 10);
      const both = await feed(`&memberId=${m}&type=points.adjusted&type=member.enrolled`);
      assert.deepEqual(typesOf(both), ['member.enrolled', 'points.adjusted']);
      const one = await feed(`&memberId=${m}&type=points.adjusted`);
      assert.deepEqual(typesOf(one), ['points.adjusted']);
      const adjusted = await feed('&type=points.adjusted');
      assert.ok(adjusted.length > 1 && adjusted.every((e) => e.type === 'points.adjusted'));
      const page = await s.request('GET', `/v1/events?limit=2&memberId=${m}`, undefined, { key: s.adminKey });
      assert.equal(page.status, 200);
      assert.equal(page.body.items.length, 2);
      // Bad input: an unknown type, a member id that is not one, a cursor of another list.
      assert.equal((await s.request('GET', '/v1/events?type=points.stolen', undefined, { key: s.readonlyKey })).body.code, 'VALIDATION_FAILED');
      assert.equal((await s.request('GET', '/v1/events?memberId=42', undefined, { key: s.readonlyKey })).body.code, 'VALIDATION_FAILED');
      const members = await s.request('GET', '/v1/members?limit=1', undefined, { key: s.adminKey });
      assert.equal((await s.request('GET', `/v1/events?cursor=${members.body.nextCursor}`, undefined, { key: s.readonlyKey })).body.code, 'INVALID_CURSOR');
      // The till and members may not read the program's events; readonly and admin keys may; nobody without a key.
      assert.equal((await s.request('GET', '/v1/events')).status, 403);
      const token = await signIn('feed-reader@example.ru');
      assert.equal((await s.request('GET', '/v1/events', undefined, { key: token })).status, 403);
      assert.equal((await s.request('GET', '/v1/events', undefined, { key: null })).status, 401);
      assert.equal((await s.request('GET', '/v1/events?limit=1', undefined, { key: s.readonlyKey })).status, 200);
      assert.equal((await s.request('GET', '/v1/events?limit=1', undefined, { key: s.adminKey })).status, 200);
      // POST /v1/events (a member's custom event) is another route and stays.
      const custom = await s.request('POST', '/v1/events', { type: 'review_left', memberId: m }, { key: s.adminKey, headers: { 'idempotency-key': `k-${m}` } });
      assert.equal(custom.status, 201, JSON.stringify(custom.body));
    });

    test('the OpenAPI document publishes a schema per event type, and every stored event fits its schema', async () => {
      const doc = (await s.request('GET', '/openapi.json', undefined, { key: null })).body;
      const schemas = doc.components.schemas as Record<string, object>;
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats.default(ajv);
      for (const [name, schema] of Object.entries(schemas)) if (name.startsWith('EventData.')) ajv.addSchema(schema, `#/components/schemas/${name}`);
      for (const t of EVENT_TYPES) assert.ok(schemas[`EventData.${t}.v${EVENT_CATALOGUE[t].version}`], `a schema for ${t}`);
      assert.ok(schemas.DomainEvent && schemas.EventItem);
      const items = await feed('', 200);
      assert.ok(items.length > 50);
      for (const e of items) {
        const validate = ajv.getSchema(`#/components/schemas/EventData.${e.type}.v${e.version}`);
        assert.ok(validate, `a schema for ${e.type} v${e.version}`);
        assert.ok(validate(e.data), `${e.type} ${JSON.stringify(e.data)}: ${ajv.errorsText(validate.errors)}`);
      }
      // The suite wrote every type whose producer exists (the pending ones and the tier job aside).
      const written = new Set(items.map((e) => e.type));
      const pending = EVENT_TYPES.filter((t) => EVENT_CATALOGUE[t].producer.startsWith('pending'));
      assert.deepEqual(EVENT_TYPES.filter((t) => !written.has(t) && !pending.includes(t)), []);
      assert.deepEqual(pending.sort(), ['campaign.started', 'points.available', 'points.expiring']);
    });
  });
}
