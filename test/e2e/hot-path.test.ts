import assert from 'node:assert/strict';
import t from 'tap';
import { countingClient } from '../src/counting.js';
import { cloudEvent, seedSvc, type Stack, startStack } from '../src/stack.js';

t.test('the routing hot path', async (t) => {
  let stack: Stack;
  let counter: ReturnType<typeof countingClient>;

  t.before(async () => {
    // A long poll interval keeps the background revision poll out of the count.
    stack = await startStack({
      env: { VROUTER_POLL_INTERVAL_MS: '60000', VROUTER_SWEEP_INTERVAL_MS: '600000', VROUTER_REPLAY_POLL_INTERVAL_MS: '600000' },
      dynamo: (endpoint) => {
        counter = countingClient(endpoint);
        return counter.client;
      },
    });
    await seedSvc(stack.api);
    await stack.api('PUT', '/v1/pins/customer/acme/svc', { channel: 'beta' });
  });
  t.teardown(() => stack.close());

  t.test('reads nothing from DynamoDB to route an event, and writes three items per dispatch', async () => {
    // Warm up: the first beta success records, once, that v2 served through beta (a config write).
    for (const customerid of ['acme', 'globex']) await stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    counter.counts.clear();
    const events = 20;
    for (let i = 0; i < events; i++) {
      const response = await stack.api<{ results: { dispatches: { status: string }[] }[] }>('POST', '/v1/events?wait=true', cloudEvent({ customerid: i % 2 ? 'acme' : 'globex' }));
      assert.equal(response.body.results[0]!.dispatches[0]!.status, 'succeeded');
    }
    assert.equal(counter.reads(), 0, JSON.stringify([...counter.counts]));
    // Event record, idempotency claim, outcome: one request each.
    assert.equal(counter.total() / events, 3, JSON.stringify([...counter.counts]));
  });
});
