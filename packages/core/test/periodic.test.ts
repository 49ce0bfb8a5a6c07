import assert from 'node:assert/strict';
import { mock } from 'node:test';
import t from 'tap';
import { Periodic } from '../src/index.js';

// Fake timers: the schedule is checked in virtual milliseconds, so a loaded machine cannot shift it.
t.test('Periodic', async (t) => {
  t.beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  t.afterEach(() => mock.timers.reset());

  let now = 0;
  /** Advances the fake clock 1 ms at a time, letting promise callbacks run between ticks as real time would. */
  const advance = async (ms: number) => {
    for (let i = 0; i < ms; i++) {
      now += 1;
      mock.timers.tick(1);
      for (let j = 0; j < 5; j++) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  t.test('runs again after each run settles, never overlapping, through failures, until stopped', async () => {
    now = 0;
    let running = 0;
    let overlapped = false;
    const starts: number[] = [];
    const errors: unknown[] = [];
    const periodic = new Periodic(
      5,
      async () => {
        running += 1;
        overlapped ||= running > 1;
        starts.push(now);
        await sleep(15);
        running -= 1;
        if (starts.length === 2) throw new Error('one bad run');
      },
      (error) => errors.push(error),
    );
    periodic.start();
    await advance(100);
    // Each run takes 15 ms and the next starts 5 ms after it settled, failed run included.
    assert.deepEqual(starts, [5, 25, 45, 65, 85]);
    assert.equal(overlapped, false);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as Error).message, 'one bad run');

    await advance(10); // a run started at 105 and is in progress
    assert.deepEqual(starts, [5, 25, 45, 65, 85, 105]);
    assert.equal(running, 1);
    periodic.stop();
    await advance(100);
    assert.deepEqual(starts, [5, 25, 45, 65, 85, 105], 'the run in progress finishes; no run starts after stop');
    assert.equal(running, 0);
  });

  t.test('start() again restarts the schedule instead of adding a second one', async () => {
    now = 0;
    const starts: number[] = [];
    const periodic = new Periodic(
      10,
      async () => {
        starts.push(now);
      },
      () => {},
    );
    periodic.start();
    await advance(5);
    periodic.start();
    await advance(30);
    periodic.stop();
    assert.deepEqual(starts, [15, 25, 35]);
  });
});
