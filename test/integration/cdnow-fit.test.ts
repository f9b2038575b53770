import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { conditionalExpectedPurchases, type BgNbdParams } from '../../src/domain/analytics/bgnbd.js';
import { CDNOW_SAMPLE } from '../support/cdnow.js';
import { DATABASES, startServer, type TestServer } from '../support/harness.js';
import { ROOT, upload } from '../support/imports.js';

/*
 * Issue 5: the BG/NBD paper (Fader, Hardie & Lee 2005) reproduced through the product itself. The
 * 1/10 CDNOW sample goes in through the purchase import a user runs, the models are fitted by the
 * app's own fit (the history read back from the database, calendar days in the program's time
 * zone, same-day purchases merged, weeks) with the paper's calibration period, 1997-01-01 to
 * 1997-09-30. test/unit/bgnbd.test.ts checks the same figures on the file read directly.
 *
 * The sample's first column is the customer's id in the master file, the second its id in the
 * sample (0001–2357); each names one customer, and the master id becomes the member's external id.
 * Dates have no time: each purchase is at the start of its day in the program's time zone, so its
 * calendar day there is the file's day whatever the zone.
 */
const PAPER: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const EXAMPLE = { x: 2, tx: 30.43, T: 38.86 };
const SAMPLE_OPTIONS = { delimiter: 'whitespace', header: 'false', columns: 'externalId,-,occurredAt,quantity,total', amounts: 'major', createMembers: 'true' };

function assertPaperFigures(bgnbd: BgNbdParams & { converged: boolean }): void {
  assert.equal(bgnbd.converged, true);
  for (const k of ['r', 'alpha', 'a', 'b'] as const) {
    assert.ok(Math.abs(bgnbd[k] - PAPER[k]) <= 0.01 * PAPER[k], `${k} = ${bgnbd[k]} is not within 1 % of ${PAPER[k]}`);
  }
  const expected = conditionalExpectedPurchases(bgnbd, 39, EXAMPLE);
  assert.ok(Math.abs(expected - 1.226) < 0.005, `E[X(39) | x = 2, tx = 30.43, T = 38.86] = ${expected}, not 1.226 ± 0.005`);
}

for (const kind of DATABASES) {
  describe(`the CDNOW sample imported over HTTP and fitted by the app reproduces the BG/NBD paper (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { currency: 'USD', timeZone: 'America/New_York' });
    });
    after(() => s.close());

    test('the import takes all 6,919 purchases of 2,357 customers', async () => {
      const res = await upload(s, 'purchases', { file: CDNOW_SAMPLE }, SAMPLE_OPTIONS);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.purchasesImported, res.body.membersCreated, res.body.rejected], [6919, 2357, 0]);
    });

    test('a calibration end after today is refused', async () => {
      const res = await s.request('POST', '/v1/analytics/models/fit?calibrationEnd=2026-03-03', undefined, { key: s.adminKey });
      assert.deepEqual([res.status, res.body.code], [422, 'INVALID_DATE_RANGE'], JSON.stringify(res.body));
    });

    test('fitted on 1997-01-01 – 1997-09-30: r = 0.243, α = 4.414, a = 0.793, b = 2.426 (1 %), and 1.226 purchases expected in 39 weeks', async (t) => {
      const res = await s.request('POST', '/v1/analytics/models/fit?calibrationEnd=1997-09-30', undefined, { key: s.adminKey });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual([res.body.calibrationEnd, res.body.members, res.body.repeatMembers], ['1997-09-30', 2357, 946]);
      const { r, alpha, a, b } = res.body.bgnbd;
      t.diagnostic(`r = ${r}, alpha = ${alpha}, a = ${a}, b = ${b}, E = ${conditionalExpectedPurchases({ r, alpha, a, b }, 39, EXAMPLE)}`);
      assertPaperFigures(res.body.bgnbd);
      const stored = await s.request('GET', '/v1/analytics/models', undefined, { key: s.readonlyKey });
      assert.deepEqual(stored.body.bgnbd, res.body.bgnbd);
    });

    test("a customer's summary is read back with T in weeks from the first purchase day to 1997-09-30", async () => {
      // Master id 00004 bought on 1997-01-01, 01-18, 08-02 and 12-12 (the last after the calibration).
      const member = await s.request('GET', '/v1/members/lookup?kind=external_id&value=00004', undefined, { key: s.adminKey });
      assert.equal(member.status, 200, JSON.stringify(member.body));
      const p = await s.request('GET', `/v1/members/${member.body.id}/predictions`, undefined, { key: s.adminKey });
      assert.equal(p.status, 200, JSON.stringify(p.body));
      assert.deepEqual([p.body.x, p.body.tx, p.body.T], [2, Math.round((213 / 7) * 1e6) / 1e6, Math.round((272 / 7) * 1e6) / 1e6]);
    });
  });
}

describe('the same through the command line: kopilka import purchases, kopilka analytics fit --calibration-end (pglite)', () => {
  let tmp: string;
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', DATA_DIR: path.join(tmp, 'data') };
      delete env.DATABASE_URL;
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  const show = (r: { code: number | null; stdout: string; stderr: string }) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kopilka-cdnow-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the fit printed by the command gives the paper figures', async () => {
    const created = await run(['program', 'create', '--name', 'CDNOW', '--currency', 'USD', '--time-zone', 'America/New_York']);
    const programId = /program created: ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    assert.ok(programId, show(created));
    const imported = await run([
      'import', 'purchases', CDNOW_SAMPLE, '--program', programId, '--delimiter', 'whitespace', '--no-header',
      '--columns', 'externalId,-,occurredAt,quantity,total', '--amounts', 'major', '--create-members',
    ]);
    assert.equal(imported.code, 0, show(imported));
    assert.match(imported.stdout, /purchases +6,919 imported/, show(imported));
    const fit = await run(['analytics', 'fit', '--program', programId, '--calibration-end', '1997-09-30']);
    assert.equal(fit.code, 0, show(fit));
    const json = /^fit [0-9a-f-]{36} \([\d.]+ s\): (.*)$/m.exec(fit.stdout)?.[1];
    assert.ok(json, show(fit));
    const view = JSON.parse(json);
    assert.deepEqual([view.calibrationEnd, view.members, view.repeatMembers], ['1997-09-30', 2357, 946]);
    assertPaperFigures(view.bgnbd);
  });
});
