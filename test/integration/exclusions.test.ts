import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { credit, DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

// Tobacco may be neither rewarded nor discounted in Russia (15-ФЗ, art. 16): the program excludes
// it from earning and from being paid with points, and campaigns follow the same lists.
const TOBACCO = { categories: ['tobacco'], skus: [] };

for (const kind of DATABASES) {
  describe(`exclusions from earning and from paying with points (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { earnExclusions: TOBACCO, redeemExclusions: TOBACCO });
      const tenOff = {
        id: 'ten-off', name: 'Всё −10 %', kind: 'purchase', block: 'mass', schedule: {}, audience: [], conditions: [], limits: {}, priority: 1, stacking: 'stack', controlGroupPercent: 0,
        effects: [{ kind: 'discount_percent', percent: 10 }],
      };
      const doublePoints = { ...tenOff, id: 'double', name: 'Двойные баллы', priority: 0, effects: [{ kind: 'points_multiplier', multiplier: 2 }] };
      for (const campaign of [tenOff, doublePoints]) {
        const res = await s.request('POST', '/v1/campaigns', { campaign, status: 'active' }, { key: s.adminKey });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(() => s.close());

    test('a tobacco line earns nothing, gets no campaign discount and cannot be paid with points; calculate and create agree', async () => {
      const member = await enrol(s);
      await credit(s, member, 1_000);
      // Cigarettes 2 × 220 ₽ and milk 1 000 ₽: only the milk counts for the program.
      const lines = [line('CIG', 2, 220, { category: 'tobacco' }), line('MILK', 1, 1_000, { category: 'dairy' })];
      const probe = await s.request('POST', '/v1/purchases/calculate', receipt(lines, { memberId: member }));
      assert.equal(probe.status, 200, JSON.stringify(probe.body));
      // Milk: 1 000 ₽ − 10 % = 900 ₽, of which 30 % may be points: 270. Tobacco adds nothing.
      assert.equal(probe.body.maxPointsToSpend, 270);

      const tooMuch = await s.request('POST', '/v1/purchases', receipt(lines, { memberId: member, pointsToSpend: 271 }));
      assert.equal(tooMuch.status, 422, JSON.stringify(tooMuch.body));
      assert.equal(tooMuch.body.code, 'REDEEM_LIMIT_EXCEEDED');

      const r = receipt(lines, { memberId: member, pointsToSpend: 270 });
      const calc = await s.request('POST', '/v1/purchases/calculate', r);
      assert.equal(calc.status, 200, JSON.stringify(calc.body));
      const [cig, milk] = calc.body.lines;
      assert.deepEqual(
        { discount: cig.campaignDiscount + cig.tierDiscount, pointsSpent: cig.pointsSpent, pointsDiscount: cig.pointsDiscount, paid: cig.paid, pointsEarned: cig.pointsEarned },
        { discount: 0, pointsSpent: 0, pointsDiscount: 0, paid: 44_000, pointsEarned: 0 },
        'the tobacco line is paid in full with money and earns nothing',
      );
      // Milk: 900 ₽ after the discount, 270 ₽ of it in points, 630 ₽ paid: 5 % is 31 points, doubled 62.
      assert.deepEqual([milk.campaignDiscount, milk.pointsSpent, milk.paid, milk.basePoints, milk.pointsEarned], [10_000, 270, 63_000, 31, 62]);
      assert.ok(calc.body.effects.every((e: { lines: { index: number }[] }) => e.lines.every((l) => l.index !== 0)), 'no campaign effect names the tobacco line');

      const created = await s.request('POST', '/v1/purchases', r);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { purchaseId: _a, status: _b, ...recorded } = created.body;
      const { purchaseId: _c, status: _d, ...calculated } = calc.body;
      assert.deepEqual(recorded, calculated, 'create records what calculate answered');
      assert.equal(created.body.balanceAfter, 730);
      await s.assertBooksBalance();
    });
  });
}
