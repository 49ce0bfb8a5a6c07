import assert from 'node:assert/strict';
import t from 'tap';
import { InFlight } from '../src/index.js';

t.test('InFlight', async (t) => {
  t.test('tracks work until it settles and hands its result and rejection back unchanged', async () => {
    const inflight = new InFlight();
    const ok = inflight.track(Promise.resolve(7));
    const bad = inflight.track(Promise.reject(new Error('no')));
    assert.equal(inflight.size, 2);
    assert.equal(await ok, 7);
    await assert.rejects(bad, /no/);
    await inflight.drain();
    assert.equal(inflight.size, 0);
  });

  t.test('drain waits for work started while it waits', async () => {
    const inflight = new InFlight();
    const order: string[] = [];
    let release!: () => void;
    inflight.track(
      new Promise<void>((resolve) => {
        release = resolve;
      }).then(() => {
        order.push('first');
        inflight.track(Promise.resolve().then(() => order.push('second')));
      }),
    );
    const drained = inflight.drain().then(() => order.push('drained'));
    release();
    await drained;
    assert.deepEqual(order, ['first', 'second', 'drained']);
  });
});
