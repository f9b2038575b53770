import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DEPARTMENTS, categoryPrice, readBaskets, realProgram, realSource, receiptCategories, receiptLines, type Random } from '../../bench/real-program.js';
import { compileRules } from '../../src/domain/rules/compile.js';
import { ruleSetErrors } from '../../src/domain/rules/validate.js';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.js';
import { sharedDataDir } from '../support/shared-data.js';

// The benchmark's "real program" (bench/real-program.ts): its rules must be ones the server
// accepts, and its receipts must be what the benchmark's report says they are.

const baskets = readBaskets(path.join(sharedDataDir(), 'groceries', 'groceries.csv'));

/** A seeded generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('bench: the real program', () => {
  test('its campaigns and tiers pass the rules validation and compile', () => {
    const program = realProgram(new Date('2026-12-07T12:00:00Z'));
    assert.deepEqual(ruleSetErrors(program), []);
    assert.equal(program.campaigns.length, 12);
    assert.equal(program.tiers.length, 4);
    const kinds = new Set(program.campaigns.flatMap((c) => c.effects.map((e) => e.kind)));
    for (const k of ['discount_percent', 'points_multiplier', 'nth_item', 'cheapest_free', 'points_per_amount', 'points_fixed']) assert.ok(kinds.has(k as never), `an effect ${k}`);
    const compiled = compileRules(program, DEFAULT_SETTINGS);
    assert.equal(compiled.purchase.length, 12);
  });

  test('every category of the baskets is in a department, once', () => {
    const all = Object.values(DEPARTMENTS).flatMap((d) => d.categories);
    assert.equal(new Set(all).size, all.length, 'a category in two departments');
    const inData = new Set(baskets.flat());
    assert.equal(inData.size, 169);
    assert.deepEqual([...inData].filter((c) => !all.includes(c)), []);
    assert.deepEqual(all.filter((c) => !inData.has(c)), []);
  });

  test('receipts have 8 to 20 distinct lines, padded with whole baskets', () => {
    const rnd = seeded(7);
    const lengths: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const cats = receiptCategories(baskets, rnd);
      assert.ok(cats.length >= 8 && cats.length <= 20, `${cats.length} lines`);
      assert.equal(new Set(cats).size, cats.length);
      lengths.push(cats.length);
    }
    const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    assert.ok(mean > 8.5 && mean < 13, `mean ${mean}`);
    assert.ok(lengths.includes(20), 'the longest baskets are cut at 20 lines');
  });

  test('lines carry the category, a SKU of it and a price ending in .90', () => {
    const lines = receiptLines(baskets, seeded(3));
    for (const l of lines) {
      assert.match(l.sku, /^[a-z0-9-]+-[123]$/);
      assert.equal(l.price % 100, 90);
      assert.ok([1, 2, 3].includes(l.quantity));
    }
    assert.ok(categoryPrice('beef') > categoryPrice('shopping bags'));
  });

  test('the mix: anonymous receipts, members by phone, spending within a tenth of the receipt', () => {
    const members = Array.from({ length: 100 }, (_, i) => ({ memberId: `m${i}`, phone: `+7900${String(i).padStart(7, '0')}`, rich: i % 2 === 0 }));
    const source = realSource(members, baskets, 't', undefined, seeded(11));
    const kinds = { anonymous: 0, earn: 0, spend: 0 };
    for (let i = 0; i < 3_000; i++) {
      const r = source.receipt() as { receiptId: string; total: number; lines: { quantity: number; price: number }[]; identifier?: { kind: string; value: string }; pointsToSpend?: number; memberId?: string };
      assert.equal(r.receiptId, `real-t-${i}`);
      assert.equal(r.total, r.lines.reduce((s, l) => s + l.quantity * l.price, 0));
      assert.equal(r.memberId, undefined);
      if (!r.identifier) kinds.anonymous++;
      else {
        assert.equal(r.identifier.kind, 'phone');
        const m = members.find((x) => x.phone === r.identifier!.value)!;
        if (r.pointsToSpend === undefined) kinds.earn++;
        else {
          kinds.spend++;
          assert.ok(m.rich, 'only members loaded with points spend');
          assert.ok(r.pointsToSpend >= 1 && r.pointsToSpend * 100 <= r.total / 10, `${r.pointsToSpend} points on ${r.total}`);
        }
      }
    }
    assert.ok(Math.abs(kinds.anonymous / 3_000 - 0.3) < 0.03, JSON.stringify(kinds));
    assert.ok(Math.abs(kinds.spend / (kinds.earn + kinds.spend) - 1 / 3) < 0.04, JSON.stringify(kinds));
  });
});
