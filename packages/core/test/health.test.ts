import assert from 'node:assert/strict';
import t from 'tap';
import {
  addCounts,
  countOutcome,
  emptyCounts,
  HEALTH_SERIES_POINTS,
  healthSeries,
  latencyBucket,
  latencyQuantile,
  minuteOf,
  seriesStepMinutes,
  sumHealthMinutes,
  summarizeHealth,
  windowStart,
} from '../src/index.js';

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

  t.test('a series has every step of the window, oldest first, at most 60 points', async () => {
    const now = Date.parse('2026-06-01T10:30:20Z');
    const counts = (dispatches: number, failed: number) => ({ ...emptyCounts(), dispatches, succeeded: dispatches - failed, failed });
    const minutes = new Map([
      ['2026-06-01T10:30', counts(4, 1)],
      ['2026-06-01T10:26', counts(2, 0)],
      // Outside the 5-minute window: not drawn.
      ['2026-06-01T10:25', counts(9, 9)],
    ]);
    const five = healthSeries(minutes, now, 5);
    assert.deepEqual(five, [
      { at: '2026-06-01T10:26:00.000Z', dispatches: 2, failed: 0 },
      { at: '2026-06-01T10:27:00.000Z', dispatches: 0, failed: 0 },
      { at: '2026-06-01T10:28:00.000Z', dispatches: 0, failed: 0 },
      { at: '2026-06-01T10:29:00.000Z', dispatches: 0, failed: 0 },
      { at: '2026-06-01T10:30:00.000Z', dispatches: 4, failed: 1 },
    ]);
    assert.equal(healthSeries(undefined, now, 60).length, 60);
    // A day in 24-minute steps: the current minute falls in the last step, with the minutes before it.
    assert.equal(seriesStepMinutes(1440), 24);
    const day = healthSeries(minutes, now, 1440);
    assert.equal(day.length, HEALTH_SERIES_POINTS);
    assert.equal(day[0]!.at, '2026-05-31T10:31:00.000Z');
    assert.deepEqual(day.at(-1), { at: '2026-06-01T10:07:00.000Z', dispatches: 15, failed: 10 });
    // The series and the totals count the same dispatches.
    assert.equal(
      day.reduce((n, p) => n + p.dispatches, 0),
      sumHealthMinutes(new Map([['v1', minutes]])).get('v1')!.dispatches,
    );
  });
});
