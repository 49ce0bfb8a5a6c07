import assert from 'node:assert/strict';
import { LEASE_SHARDS } from '@vrouter/store-dynamodb';
import t from 'tap';
import { countingClient } from '../src/counting.js';
import { cloudEvent, eventually, seedSvc, type Stack, startStack } from '../src/stack.js';

// An idle router backs its recovery sweep off; a claim it takes brings the sweep back to its base interval.
t.test('idling', async (t) => {
  let stack: Stack;
  let counter: ReturnType<typeof countingClient>;

  t.before(async () => {
    stack = await startStack({
      env: { VROUTER_POLL_INTERVAL_MS: '60000', VROUTER_SWEEP_INTERVAL_MS: '100', VROUTER_SWEEP_MAX_INTERVAL_MS: '1600', VROUTER_REPLAY_POLL_INTERVAL_MS: '600000' },
      dynamo: (endpoint) => {
        counter = countingClient(endpoint);
        return counter.client;
      },
    });
    await seedSvc(stack.api);
  });
  t.teardown(() => stack.close());

  t.test('the sweep backs off to its cap while it finds nothing, and a claim taken here resets it', async () => {
    const sweeper = stack.runtime.sweeper;
    await eventually(async () => (sweeper.currentIntervalMs === 1600 ? true : undefined), 120_000, 50);

    // At the cap, sweeps are 1.6 s apart: a window of 1 s sees at most one sweep's Queries.
    const queriesBefore = counter.counts.get('QueryCommand') ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const sweepsInWindow = ((counter.counts.get('QueryCommand') ?? 0) - queriesBefore) / LEASE_SHARDS;
    assert.ok(sweepsInWindow <= 1, `${sweepsInWindow} sweeps in 1 s at a 1.6 s cap`);

    // Sweeps after the claim find nothing and back off again, so the wait is read at the moment the claim woke it.
    const seen: number[] = [];
    const wake = sweeper.wake.bind(sweeper);
    sweeper.wake = () => {
      const before = sweeper.currentIntervalMs;
      wake();
      seen.push(before, sweeper.currentIntervalMs);
    };
    const response = await stack.api<{ results: { dispatches: { status: string }[] }[] }>('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme' }));
    assert.equal(response.body.results[0]!.dispatches[0]!.status, 'succeeded');
    assert.deepEqual(seen, [1600, 100], 'the claim woke the sweep: from its cap back to the base interval');
  });
});
