/**
 * The CDNOW sample (shared/data/cdnow, next to the repository) as the models' literature uses it:
 * calibration period 1997-01-01 – 1997-09-30, time in weeks, purchases on one day merged, and the
 * 39 weeks after it as the hold-out period.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedDataDir } from './shared-data.js';
import { parseCdnowLine, type CdnowPurchase } from '../../src/domain/analytics/cdnow.js';
import { summarize, type MemberSummary } from '../../src/domain/analytics/summary.js';

export const CDNOW_SAMPLE = path.join(sharedDataDir(), 'cdnow', 'CDNOW_sample.txt');

/** The data lives outside the repository (../shared/data); without it these tests fail, never skip. */
export function readCdnowSample(): CdnowPurchase[] {
  if (!existsSync(CDNOW_SAMPLE)) throw new Error(`the CDNOW sample is needed at ${CDNOW_SAMPLE} (../shared/data/cdnow next to the repository)`);
  return readFileSync(CDNOW_SAMPLE, 'utf8')
    .split('\n')
    .map(parseCdnowLine)
    .filter((p): p is CdnowPurchase => p !== null);
}

export function cdnowCalibration(purchases: readonly CdnowPurchase[] = readCdnowSample()): MemberSummary[] {
  return summarize(
    purchases.map((p) => ({ memberId: p.customerId, at: p.day, amount: p.amountCents / 100 })),
    { calibrationStart: '1997-01-01', calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', unitDays: 7 },
  );
}
