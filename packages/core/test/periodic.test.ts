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

  t.test('with backoff: an idle run doubles the wait up to the cap, a busy run resets it, wake() brings it back', async () => {
    now = 0;
    const starts: number[] = [];
    let found = 0;
    const periodic = new Periodic(
      10,
      async () => {
        starts.push(now);
        const result = found;
        found = 0;
        return result;
      },
      () => {},
      { maxIntervalMs: 80, idle: (n) => n === 0 },
    );
    periodic.start();
    await advance(400);
    // Waits 10, 20, 40, 80, then 80 again: the cap.
    assert.deepEqual(starts, [10, 30, 70, 150, 230, 310, 390]);
    assert.equal(periodic.currentIntervalMs, 80);

    found = 3; // at 400; the run at 470 finds work: the next wait is the base interval again
    await advance(90);
    assert.deepEqual(starts.slice(7), [470, 480]);
    assert.equal(periodic.currentIntervalMs, 20);

    await advance(100); // idle again: waits 20, 40 → runs at 500, 540, then a wait of 80 (due at 620)
    assert.deepEqual(starts.slice(9), [500, 540]);
    assert.equal(now, 590);
    periodic.wake(); // the run due at 620 comes within 10 ms instead
    await advance(15);
    assert.deepEqual(starts.slice(11), [600]);
    assert.equal(periodic.currentIntervalMs, 20);

    periodic.stop();
    periodic.wake(); // stopped: nothing runs
    await advance(200);
    assert.equal(starts.length, 12);
  });

  t.test('with backoff: wake() during a run keeps that run from lengthening the wait', async () => {
    now = 0;
    const starts: number[] = [];
    let periodic: Periodic<number> | undefined;
    periodic = new Periodic(
      10,
      async () => {
        starts.push(now);
        await sleep(5);
        if (starts.length === 4) periodic!.wake(); // work arrived while this run was finding nothing
        return 0;
      },
      () => {},
      { maxIntervalMs: 1000, idle: (n) => n === 0 },
    );
    periodic.start();
    await advance(210);
    periodic.stop();
    // Waits 10, 20, 40, 80 (+5 ms per run); the 4th run was woken, so the wait after it is 10, then 20 again.
    assert.deepEqual(starts, [10, 35, 80, 165, 180, 205]);
  });
});
