import assert from 'node:assert/strict';
import { LEASE_SHARDS } from '@vrouter/store-dynamodb';
import t from 'tap';
import { type CountingClient, startCountedStack } from '../src/counting.js';
import { cloudEvent, eventually, type Stack, startStack } from '../src/stack.js';

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

// An idle router's revision poll backs off; its next event reads the revision first, so it routes by a pin another
// router set meanwhile, however long it idled.
t.test('an idle router reads the revision before it routes', async (t) => {
  const { stack: idle, counter } = await startCountedStack({
    VROUTER_POLL_INTERVAL_MS: '100',
    VROUTER_POLL_IDLE_AFTER_MS: '300',
    VROUTER_POLL_IDLE_INTERVAL_MS: '600000',
    VROUTER_SWEEP_INTERVAL_MS: '600000',
    VROUTER_REPLAY_POLL_INTERVAL_MS: '600000',
  });
  t.teardown(() => idle.close());
  const other = await startStack({ storeEndpoint: idle.dynamoEndpoint, env: { VROUTER_SWEEP_INTERVAL_MS: '600000', VROUTER_REPLAY_POLL_INTERVAL_MS: '600000' } });
  t.teardown(() => other.close());

  // Backed off: no revision read for a whole second, where a router in use reads it every 100 ms.
  await eventually(
    async () => {
      const before = counter.counts.get('GetItemCommand') ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return (counter.counts.get('GetItemCommand') ?? 0) === before ? true : undefined;
    },
    60_000,
    0,
  );
  const pinned = await other.api('PUT', '/v1/pins/customer/initech/svc', { channel: 'experimental' });
  assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
  // Longer than the poll interval: a router in use would have read the revision by now, so this one must as well.
  await new Promise((resolve) => setTimeout(resolve, 300));

  const reads = counter.counts.get('GetItemCommand') ?? 0;
  const response = await idle.api<{ results: { dispatches: { version: string; status: string }[] }[] }>('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'initech' }));
  assert.deepEqual(
    response.body.results[0]!.dispatches.map((d) => [d.version, d.status]),
    [['v3', 'succeeded']],
    'routed by the pin set on the other router while this one idled',
  );
  assert.ok((counter.counts.get('GetItemCommand') ?? 0) > reads, 'the revision was read for the request');
});
