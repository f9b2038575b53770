import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DATABASES, enrol, line, receipt, startServer, type TestServer } from '../support/harness.js';

/** A small deterministic random stream (mulberry32), so the generated history is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const day = (base: string, plus: number) => new Date(Date.parse(`${base}T09:00:00Z`) + plus * 86_400_000).toISOString();

/*
 * Sixty members over 15 weeks (5 January – 19 April 2026), receipts sent with their dates:
 *   regulars   20 buy every other week up to the last one;
 *   lapsed     15 bought every week for five weeks, then nothing for eleven;
 *   occasional 10 buy every three weeks, still coming;
 *   one-time   15 bought once.
 * Each member spends around a mean of their own (±20 % per receipt).
 */
for (const kind of DATABASES) {
  describe(`customer-base models (${kind})`, () => {
    let s: TestServer;
    const groups: Record<'regulars' | 'lapsed' | 'occasional' | 'oneTime', string[]> = { regulars: [], lapsed: [], occasional: [], oneTime: [] };
    const admin = (method: string, path: string) => s.request(method, path, undefined, { key: s.adminKey });

    before(async () => {
      s = await startServer(kind, { pendingDays: 0 });
      s.clock.current = new Date('2026-04-19T18:00:00Z');
      const u = random(7);
      const plan: [keyof typeof groups, number, number[]][] = [
        ['regulars', 20, Array.from({ length: 8 }, (_, w) => w * 14)],
        ['lapsed', 15, [0, 7, 14, 21, 28]],
        ['occasional', 10, [0, 21, 42, 63, 84, 98]],
        ['oneTime', 15, [0]],
      ];
      for (const [group, count, days] of plan) {
        for (let i = 0; i < count; i++) {
          const member = await enrol(s);
          groups[group].push(member);
          const mean = 500 + Math.floor(u() * 1500);
          const start = Math.floor(u() * 3);
          for (const d of days) {
            const rub = Math.round(mean * (0.8 + 0.4 * u()));
            const res = await s.request('POST', '/v1/purchases', receipt([line('SKU', 1, rub)], { memberId: member, occurredAt: day('2026-01-05', d + start) }));
            assert.equal(res.status, 201, JSON.stringify(res.body));
          }
        }
      }
    });
    after(() => s.close());

    const prediction = async (member: string) => {
      const res = await s.request('GET', `/v1/members/${member}/predictions`, undefined, { key: s.readonlyKey });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

    test('the fit on the program history gives finite parameters and the sample size', async () => {
      const res = await admin('POST', '/v1/analytics/models/fit');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const fit = res.body;
      assert.deepEqual([fit.members, fit.repeatMembers, fit.calibrationEnd], [60, 45, '2026-04-19']);
      for (const v of [fit.bgnbd.r, fit.bgnbd.alpha, fit.bgnbd.a, fit.bgnbd.b]) assert.ok(Number.isFinite(v) && v > 0, `BG/NBD parameter ${v}`);
      assert.ok(fit.gammaGamma !== null && fit.gammaGamma.q > 1, JSON.stringify(fit.gammaGamma));
      assert.equal(fit.gammaGamma.members, 45);
      assert.deepEqual((await admin('GET', '/v1/analytics/models')).body, fit);
    });

    test('predictions are sensible: regulars are alive and will buy, the lapsed are probably gone', async () => {
      const of = async (g: keyof typeof groups) => Promise.all(groups[g].map(prediction));
      const [regulars, lapsed, occasional, oneTime] = [await of('regulars'), await of('lapsed'), await of('occasional'), await of('oneTime')];
      for (const p of [...regulars, ...lapsed, ...occasional, ...oneTime]) {
        assert.ok(p.pAlive > 0 && p.pAlive <= 1 && p.expectedPurchases >= 0 && p.expectedSpend > 0 && p.clv >= 0, JSON.stringify(p));
        assert.equal(p.predictionWeeks, 12);
      }
      assert.ok(Math.min(...regulars.map((p) => p.pAlive)) > 0.9);
      assert.ok(Math.max(...lapsed.map((p) => p.pAlive)) < 0.3);
      assert.ok(mean(regulars.map((p) => p.expectedPurchases)) > mean(occasional.map((p) => p.expectedPurchases)));
      assert.ok(mean(occasional.map((p) => p.expectedPurchases)) > mean(lapsed.map((p) => p.expectedPurchases)));
      assert.ok(mean(regulars.map((p) => p.clv)) > 5 * mean(lapsed.map((p) => p.clv)));
      assert.deepEqual(oneTime.map((p) => [p.x, p.pAlive]).slice(0, 2), [[0, 1], [0, 1]], 'the BG/NBD takes one-time buyers as alive');
      assert.deepEqual(regulars.every((p) => p.atRisk === false) && lapsed.every((p) => p.atRisk === true), true);
    });

    test('the at-risk segment holds the members whose P(alive) is below the threshold, and those whose P(alive) dropped', async () => {
      const atRisk = (await admin('GET', '/v1/segments?kind=at_risk')).body.items[0];
      assert.deepEqual([atRisk.code, atRisk.names.ru, atRisk.memberCount], ['at_risk', 'Риск ухода (модель)', 15]);
      const inSegment = async () => (await admin('GET', `/v1/segments/${atRisk.id}/members?limit=200`)).body.items.map((x: any) => x.memberId).sort();
      assert.deepEqual(await inSegment(), [...groups.lapsed].sort());
      // Six weeks later nobody has come back: the regulars' P(alive) falls steeply.
      s.clock.current = new Date('2026-05-31T18:00:00Z');
      assert.equal((await admin('POST', '/v1/analytics/models/fit')).status, 200);
      const regular = await prediction(groups.regulars[0]!);
      assert.ok(regular.previousPAlive > 0.9 && regular.previousPAlive - regular.pAlive > 0.3, JSON.stringify(regular));
      const members = await inSegment();
      for (const id of [...groups.lapsed, ...groups.regulars]) assert.ok(members.includes(id), `${id} at risk`);
    });

    test('a program without enough history is refused; a member without purchases has no predictions', async () => {
      const empty = await startServer(kind);
      try {
        const member = await enrol(empty);
        const res = await empty.request('POST', '/v1/analytics/models/fit', undefined, { key: empty.adminKey });
        assert.deepEqual([res.status, res.body.code], [422, 'NOT_ENOUGH_DATA']);
        assert.equal((await empty.request('GET', '/v1/analytics/models', undefined, { key: empty.adminKey })).status, 404);
        assert.equal((await empty.request('GET', `/v1/members/${member}/predictions`, undefined, { key: empty.adminKey })).status, 404);
      } finally {
        await empty.close();
      }
    });
  });

  describe(`NPS (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    test('members answer in the app and anyone by link; the score is % promoters − % detractors, with its trend', async () => {
      const survey = (await s.request('POST', '/v1/nps/surveys', { name: 'Весна 2026' }, { key: s.adminKey })).body;
      assert.equal(survey.status, 'open');
      const answer = (body: Record<string, unknown>, key: string | null = s.posKey) => s.request('POST', `/v1/nps/surveys/${survey.id}/responses`, body, { key });
      s.clock.current = new Date('2026-03-10T10:00:00Z');
      const members = await Promise.all([1, 2, 3, 4, 5, 6].map(() => enrol(s)));
      for (const [i, score] of [10, 9, 8, 6, 3].entries()) {
        const res = await answer({ memberId: members[i], score, comment: score < 7 ? 'долго на кассе' : undefined });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      assert.deepEqual((await answer({ memberId: members[0], score: 1 })).body.code, 'SURVEY_ALREADY_ANSWERED');
      s.clock.current = new Date('2026-04-02T10:00:00Z');
      for (const score of [10, 7]) assert.equal((await answer({ token: survey.linkToken, score }, null)).status, 201);
      const mine = await answer({ memberId: members[5], score: 10 });
      assert.deepEqual([mine.body.class, mine.body.memberId], ['promoter', members[5]]);
      assert.deepEqual((await answer({ token: 'wrong', score: 5 }, null)).body.code, 'SURVEY_NOT_FOUND');
      assert.equal((await answer({ memberId: members[0], score: 5 }, s.readonlyKey)).status, 403);

      const r = (await s.request('GET', '/v1/analytics/nps?from=2026-03-01&to=2026-04-30&interval=month', undefined, { key: s.readonlyKey })).body;
      assert.deepEqual([r.promoters, r.passives, r.detractors, r.responses, r.score, r.previous.responses, r.change], [4, 2, 2, 8, 25, 0, null]);
      assert.deepEqual(r.series.map((p: any) => [p.period, p.responses, p.score, p.change]), [
        ['2026-03-01', 5, 0, null],
        ['2026-04-01', 3, 66.7, 66.7],
      ]);
      const april = (await s.request('GET', '/v1/analytics/nps?from=2026-04-01&to=2026-04-30', undefined, { key: s.readonlyKey })).body;
      assert.deepEqual([april.score, april.previous.score, april.change], [66.7, 0, 66.7], 'the 30 days before: 2 March – 31 March');

      assert.equal((await s.request('PATCH', `/v1/nps/surveys/${survey.id}`, { status: 'closed' }, { key: s.adminKey })).status, 200);
      assert.deepEqual((await answer({ token: survey.linkToken, score: 9 }, null)).body.code, 'SURVEY_CLOSED');
    });
  });
}

describe('kopilka analytics (command line, embedded database)', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kopilka-analytics-'));
  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' };
      delete env.DATABASE_URL;
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('fit refuses an empty program; run does one round of the job', async () => {
    const created = await run(['program', 'create', '--name', 'CLI']);
    const programId = /program created: (\S+)/.exec(created.out)?.[1];
    assert.ok(programId, created.out);
    const fit = await run(['analytics', 'fit', '--program', programId]);
    assert.equal(fit.code, 1, fit.out);
    assert.match(fit.out, /need at least 20 members who bought/);
    const round = await run(['analytics', 'run', '--program', programId]);
    assert.equal(round.code, 0, round.out);
    assert.match(round.out, /"daily":true/);
  });
});
