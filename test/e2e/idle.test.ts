import assert from 'node:assert/strict';
import { LEASE_SHARDS } from '@vrouter/store-dynamodb';
import t from 'tap';
import { type CountingClient, startCountedStack } from '../src/counting.js';
import { cloudEvent, eventually, type Stack } from '../src/stack.js';

// An idle router backs its recovery sweep and safety net off; a claim it takes brings both back to their base interval.
t.test('idling', async (t) => {
  let stack: Stack;
  let counter: CountingClient;

  t.before(async () => {
    ({ stack, counter } = await startCountedStack({
      VROUTER_POLL_INTERVAL_MS: '60000',
      VROUTER_SWEEP_INTERVAL_MS: '100',
      VROUTER_SAFETY_NET_INTERVAL_MS: '200',
      VROUTER_SWEEP_MAX_INTERVAL_MS: '1600',
      VROUTER_REPLAY_POLL_INTERVAL_MS: '600000',
    }));
  });
  t.teardown(() => stack.close());

  t.test('the sweep and the safety net back off to the cap while they find nothing, and a claim taken here resets both', async () => {
    const sweeper = stack.runtime.sweeper;
    const waits = () => [sweeper.currentIntervalMs, sweeper.currentSafetyNetIntervalMs];
    await eventually(async () => (waits().every((ms) => ms === 1600) ? true : undefined), 120_000, 50);

    // At the cap, passes are 1.6 s apart: a window of 1 s sees at most one sweep's and one safety net's Queries.
    const queriesBefore = counter.counts.get('QueryCommand') ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const passesInWindow = ((counter.counts.get('QueryCommand') ?? 0) - queriesBefore) / LEASE_SHARDS;
    assert.ok(passesInWindow <= 2, `${passesInWindow} passes in 1 s at a 1.6 s cap`);

    // Passes after the claim find nothing and back off again, so the waits are read at the moment the claim woke them.
    const seen: (number | undefined)[][] = [];
    const wake = sweeper.wake.bind(sweeper);
    sweeper.wake = () => {
      const before = waits();
      wake();
      seen.push(before, waits());
    };
    const response = await stack.api<{ results: { dispatches: { status: string }[] }[] }>('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme' }));
    assert.equal(response.body.results[0]!.dispatches[0]!.status, 'succeeded');
    assert.deepEqual(
      seen,
      [
        [1600, 1600],
        [100, 200],
      ],
      'the claim woke the sweep and the safety net: from the cap back to their base intervals',
    );
  });
});
