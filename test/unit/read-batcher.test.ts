import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadBatcher } from '../../src/app/read-batcher.js';

/** A loader that records each call and answers when told to. */
function recordingLoader() {
  const calls: string[][] = [];
  const gates: (() => void)[] = [];
  const load = async (keys: string[]) => {
    calls.push(keys);
    await new Promise<void>((resolve) => gates.push(resolve));
    return new Map(keys.filter((k) => !k.startsWith('missing')).map((k) => [k, `value of ${k}`]));
  };
  return { calls, load, openAll: () => gates.splice(0).forEach((g) => g()) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ReadBatcher', () => {
  test('keys asked for in the same turn are read with one call; each caller gets its own value', async () => {
    const l = recordingLoader();
    const b = new ReadBatcher(l.load, { maxBatch: 100, maxInFlight: 4 });
    const answers = Promise.all(['a', 'b', 'c'].map((k) => b.load(k)));
    await tick();
    assert.deepEqual(l.calls, [['a', 'b', 'c']]);
    l.openAll();
    assert.deepEqual(await answers, ['value of a', 'value of b', 'value of c']);
  });

  test('the same key twice is read once and both callers get it; a key not found reads as undefined', async () => {
    const l = recordingLoader();
    const b = new ReadBatcher(l.load);
    const answers = Promise.all([b.load('a'), b.load('a'), b.load('missing-1')]);
    await tick();
    assert.deepEqual(l.calls, [['a', 'missing-1']]);
    l.openAll();
    assert.deepEqual(await answers, ['value of a', 'value of a', undefined]);
  });

  test('no more than maxInFlight reads at once; what waits goes in the next read, batches no larger than maxBatch', async () => {
    const l = recordingLoader();
    const b = new ReadBatcher(l.load, { maxBatch: 2, maxInFlight: 2 });
    const answers = Promise.all(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k) => b.load(k)));
    await tick();
    assert.deepEqual(l.calls, [['a', 'b'], ['c', 'd']]);
    l.openAll();
    await tick();
    await tick();
    assert.deepEqual(l.calls.slice(2), [['e', 'f'], ['g']]);
    l.openAll();
    assert.equal((await answers).length, 7);
  });

  test('a failed read fails every caller of that read and no other', async () => {
    let calls = 0;
    const b = new ReadBatcher(async (keys: string[]) => {
      calls++;
      if (keys.includes('bad')) throw new Error('connection lost');
      return new Map(keys.map((k) => [k, k]));
    });
    const first = Promise.allSettled([b.load('bad'), b.load('x')]);
    const [bad, x] = await first;
    assert.equal(bad.status, 'rejected');
    assert.equal(x.status, 'rejected');
    assert.equal(await b.load('y'), 'y');
    assert.equal(calls, 2);
  });
});
