import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Periodic } from '../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Periodic', () => {
  it('runs again after each run settles, never overlapping, through failures, until stopped', async () => {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    const errors: unknown[] = [];
    const periodic = new Periodic(
      5,
      async () => {
        running += 1;
        overlapped ||= running > 1;
        runs += 1;
        await sleep(15);
        running -= 1;
        if (runs === 2) throw new Error('one bad run');
      },
      (error) => errors.push(error),
    );
    periodic.start();
    await sleep(120);
    periodic.stop();
    const stoppedAt = runs;
    await sleep(60);
    assert.ok(stoppedAt >= 3, `${stoppedAt} runs`);
    assert.equal(overlapped, false);
    assert.equal(errors.length, 1);
    assert.ok(runs <= stoppedAt + 1, 'at most the run in progress finishes after stop');
  });
});
