import assert from 'node:assert/strict';
import t from 'tap';
import { addCounts, countOutcome, emptyCounts, latencyBucket, latencyQuantile, minuteOf, summarizeHealth, windowStart } from '../src/index.js';

t.test('health counts', async (t) => {
  t.test('buckets latency by upper bound and reads quantiles off merged buckets', async () => {
    assert.equal(latencyBucket(0), 0);
    assert.equal(latencyBucket(5), 0);
    assert.equal(latencyBucket(6), 1);
    assert.equal(latencyBucket(1e9), 12);
    const a = emptyCounts();
    const b = emptyCounts();
    for (let i = 0; i < 98; i++) countOutcome(a, true, 20);
    countOutcome(b, false, 400);
    countOutcome(b, false, 40_000);
    const all = addCounts(addCounts(emptyCounts(), a), b);
    assert.equal(all.dispatches, 100);
    assert.equal(all.failed, 2);
    assert.equal(latencyQuantile(all.latency, 0.5), 25);
    assert.equal(latencyQuantile(all.latency, 0.99), 500);
    assert.equal(latencyQuantile(all.latency, 1), 30_000);
    assert.equal(latencyQuantile(emptyCounts().latency, 0.5), null);
    assert.deepEqual(summarizeHealth('v1', ['stable'], all).errorRate, 0.02);
  });

  t.test('minutes sort as strings and windows include the current minute', async () => {
    const now = Date.parse('2026-06-01T10:30:45Z');
    assert.equal(minuteOf(now), '2026-06-01T10:30');
    assert.equal(windowStart(now, 5), '2026-06-01T10:26');
    assert.equal(windowStart(now, 1440), '2026-05-31T10:31');
  });
});
