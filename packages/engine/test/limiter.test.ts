import assert from 'node:assert/strict';
import t from 'tap';
import { KeyedLimiter } from '../src/limiter.js';

/** A task that finishes only when told to, so the test controls every interleaving. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

t.test('runs at most `limit` tasks per key at once, in arrival order, and never limits other keys', async () => {
  const limiter = new KeyedLimiter();
  const started: string[] = [];
  const gates = new Map<string, ReturnType<typeof gate>>();
  const task = (name: string) => () => {
    started.push(name);
    const g = gate();
    gates.set(name, g);
    return g.promise.then(() => name);
  };
  const a1 = limiter.run('a', 2, task('a1'));
  const a2 = limiter.run('a', 2, task('a2'));
  const a3 = limiter.run('a', 2, task('a3'));
  const b1 = limiter.run('b', 1, task('b1'));
  await Promise.resolve();
  assert.deepEqual(started, ['a1', 'a2', 'b1']);
  assert.equal(limiter.inFlight('a'), 2);
  gates.get('a1')!.open();
  assert.equal(await a1, 'a1');
  await Promise.resolve();
  assert.deepEqual(started, ['a1', 'a2', 'b1', 'a3']);
  assert.equal(limiter.inFlight('a'), 2);
  for (const name of ['a2', 'a3', 'b1']) gates.get(name)!.open();
  assert.deepEqual(await Promise.all([a2, a3, b1]), ['a2', 'a3', 'b1']);
  assert.equal(limiter.inFlight('a'), 0);
  assert.equal(limiter.inFlight('b'), 0);
});

t.test('a task that throws frees its slot', async () => {
  const limiter = new KeyedLimiter();
  await assert.rejects(
    limiter.run('k', 1, async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(limiter.inFlight('k'), 0);
  assert.equal(await limiter.run('k', 1, async () => 'next'), 'next');
});
