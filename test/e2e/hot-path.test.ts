import assert from 'node:assert/strict';
import t from 'tap';
import { type CountingClient, startCountedStack } from '../src/counting.js';
import { cloudEvent, type Stack } from '../src/stack.js';

t.test('the routing hot path', async (t) => {
  let stack: Stack;
  let counter: CountingClient;

  t.before(async () => {
    // Long intervals keep the background polls, and the health counters' flush (counted on its own below), out of the count.
    ({ stack, counter } = await startCountedStack({
      VROUTER_POLL_INTERVAL_MS: '60000',
      VROUTER_SWEEP_INTERVAL_MS: '600000',
      VROUTER_REPLAY_POLL_INTERVAL_MS: '600000',
      VROUTER_HEALTH_FLUSH_MS: '60000',
      VROUTER_ROLLOUT_INTERVAL_MS: '600000',
    }));
    await stack.api('PUT', '/v1/pins/customer/acme/svc', { channel: 'beta' });
  });
  t.teardown(() => stack.close());

  t.test('reads nothing from DynamoDB to route an event, and writes twice per dispatch', async () => {
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
    // The idempotency claim, carrying the event's log record, then the outcome: one request each.
    assert.equal(counter.total() / events, 2, JSON.stringify([...counter.counts]));
    assert.equal(counter.counts.get('PutItemCommand'), events, JSON.stringify([...counter.counts]));
    // The health counters of those outcomes: one ADD per version (v1 for globex, v2 for acme) and minute, not one per event.
    counter.counts.clear();
    await stack.runtime.health.flush();
    assert.deepEqual([...counter.counts.keys()], ['UpdateItemCommand']);
    assert.ok(counter.total() >= 2 && counter.total() <= 4, JSON.stringify([...counter.counts]));
  });
});
