import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCdnowLine } from '../../src/domain/analytics/cdnow.js';
import { readCdnowSample } from '../support/cdnow.js';

describe('parseCdnowLine', () => {
  test('a line of the sample file: master id, sample id, date, CDs, dollars, CRLF', () => {
    assert.deepEqual(parseCdnowLine(' 00004 0001 19970101  2   29.33\r'), { customerId: '00004', sampleId: '0001', day: '1997-01-01', cds: 2, amountCents: 2933 });
  });

  test('a line of the master file has no sample id', () => {
    assert.deepEqual(parseCdnowLine(' 00002 19970112  5   77.00'), { customerId: '00002', sampleId: null, day: '1997-01-12', cds: 5, amountCents: 7700 });
  });

  test('dollar values are read exactly, including free CDs and whole dollars', () => {
    assert.equal(parseCdnowLine(' 01101 0087 19970105  1    0.00')?.amountCents, 0);
    assert.equal(parseCdnowLine(' 1 19970105 1 12')?.amountCents, 1200);
    assert.equal(parseCdnowLine(' 1 19970105 1 0.1')?.amountCents, 10);
  });

  test("the master file's header and blank lines are not purchases", () => {
    assert.equal(parseCdnowLine(' customer_id  date number_of_cds  dollar_value\r'), null);
    assert.equal(parseCdnowLine(''), null);
    assert.equal(parseCdnowLine('  \r'), null);
  });

  test('anything else is an error that shows the line', () => {
    assert.throws(() => parseCdnowLine(' 00004 19970231 1 2.00'), /not a YYYYMMDD date/);
    assert.throws(() => parseCdnowLine(' 00004 19970101 x 2.00'), /number of CDs/);
    assert.throws(() => parseCdnowLine(' 00004 19970101 1 -2.00'), /dollar value/);
    assert.throws(() => parseCdnowLine(' 00004 19970101 1'), /expected 4 or 5 fields/);
    assert.throws(() => parseCdnowLine(' abc 19970101 1 2.00'), /customer ids/);
  });

  test('the whole sample file: 6,919 purchases by 2,357 customers, Jan 1997 to Jun 1998', () => {
    const rows = readCdnowSample();
    assert.equal(rows.length, 6919);
    assert.equal(new Set(rows.map((r) => r.customerId)).size, 2357);
    assert.equal(new Set(rows.map((r) => r.sampleId)).size, 2357);
    const days = rows.map((r) => r.day).sort();
    assert.deepEqual([days[0], days.at(-1)], ['1997-01-01', '1998-06-30']);
  });
});
