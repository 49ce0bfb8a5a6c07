import assert from 'node:assert/strict';
import t from 'tap';
import { type DispatchLimits, type Dispatcher, type DispatchOutcome, type DispatchRequest, SnapshotCache } from '@vrouter/core';
import { createDynamoClient, createTable, DynamoEventStore, DynamoRoutingConfigStore } from '@vrouter/store-dynamodb';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '@vrouter/store-dynamodb/embedded';
import { DispatchRunner, EventRouter } from '../src/index.js';

const TABLE = 'engine-test';
const at = '2026-01-01T00:00:00.000Z';

/** A target whose dispatcher answers the limits the test sets and holds each call until the test releases it. */
class HeldTarget implements Dispatcher {
  limit: DispatchLimits = { timeoutMs: 1000 };
  readonly requests: DispatchRequest[] = [];
  #release: (() => void) | undefined;
  #held = Promise.resolve();

  hold(): void {
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  release(): void {
    this.#release?.();
  }

  limits(): DispatchLimits {
    return this.limit;
  }

  async dispatch(request: DispatchRequest): Promise<DispatchOutcome> {
    this.requests.push(request);
    await this.#held;
    return { status: 'succeeded', response: 'ok' };
  }
}

function event(id: string, extra: Record<string, unknown> = {}) {
  return { specversion: '1.0', id, source: '/engine-test', type: 'build.finished', customerid: 'acme', data: {}, ...extra };
}

t.test('EventRouter on the embedded store', async (t) => {
  let dynamo: EmbeddedDynamo;
  let client: ReturnType<typeof createDynamoClient>;
  let events: DynamoEventStore;
  let cache: SnapshotCache;
  let router: EventRouter;
  const target = new HeldTarget();

  t.before(async () => {
    dynamo = await startEmbeddedDynamo();
    client = createDynamoClient({ endpoint: dynamo.endpoint });
    await createTable(client, TABLE);
    const config = new DynamoRoutingConfigStore({ client, tableName: TABLE });
    events = new DynamoEventStore({ client, tableName: TABLE });
    await config.putComponent({ name: 'svc', subscriptions: ['build.*'], createdAt: at, updatedAt: at });
    await config.putVersion({ component: 'svc', name: 'v1', registeredAt: at, target: { kind: 'http', url: 'http://127.0.0.1:9/hook', timeoutMs: 1000 } });
    await config.setChannel('svc', 'stable', 'v1', at);
    cache = new SnapshotCache(config, { pollIntervalMs: 60_000 });
    await cache.start();
    const runner = new DispatchRunner({
      events,
      dispatcher: target,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      leaseMs: 30_000,
      defaultConcurrency: 4,
      logger: { warn() {}, error() {} },
    });
    router = new EventRouter({ cache, events, runner });
  });
  t.teardown(async () => {
    cache?.stop();
    client?.destroy();
    await dynamo?.close();
  });

  t.test('answers pending at once, and settled resolves to the final results without changing the first answer', async () => {
    target.limit = { timeoutMs: 1000 };
    const { results, settled } = await router.ingest([event('e-settled')]);
    const first = structuredClone(results);
    assert.deepEqual(
      results[0]?.dispatches.map((d) => [d.component, d.version, d.status]),
      [['svc', 'v1', 'pending']],
    );
    const finals = await settled;
    assert.deepEqual(
      finals[0]?.dispatches.map((d) => [d.component, d.version, d.status]),
      [['svc', 'v1', 'succeeded']],
    );
    assert.deepEqual(results, first, 'the first answer is not mutated');
    const stored = await events.getEvent('/engine-test', 'e-settled');
    assert.equal(stored?.dispatches[0]?.status, 'succeeded');
  });

  t.test('leases a claim for the base lease however long its target may take (the heartbeat renews it), and hands the target its timeout', async () => {
    target.limit = { timeoutMs: 120_000 };
    target.hold();
    try {
      const { settled } = await router.ingest([event('e-lease')]);
      const claim = (await events.getEvent('/engine-test', 'e-lease'))?.dispatches[0];
      assert.equal(claim?.status, 'pending');
      const leaseMs = Date.parse(claim!.leaseUntil!) - Date.parse(claim!.claimedAt);
      assert.ok(leaseMs < 120_000, `leased ${leaseMs} ms: the first lease does not stretch to the call's timeout`);
      assert.equal(claim?.handedOffAttempt, 1, 'the claim marks attempt 1 as handed off');
      assert.equal(target.requests.at(-1)?.timeoutMs, 120_000);
      target.release();
      await settled;
    } finally {
      target.release();
    }
  });

  t.test('refuses an event over the payload limit its dispatcher answers, and records nothing', async () => {
    target.limit = { maxPayloadBytes: 4096, payloadLimitOf: 'a small target', timeoutMs: 1000 };
    const { results } = await router.ingest([event('e-big', { data: 'x'.repeat(8000) })]);
    assert.equal(results[0]?.status, 'rejected');
    assert.equal(results[0]?.error?.code, 'VR_PAYLOAD_TOO_LARGE');
    assert.match(results[0]?.error?.message ?? '', /a small target, which accepts at most 4 KiB/);
    assert.equal(await events.getEvent('/engine-test', 'e-big'), null);
    const { results: small } = await router.ingest([event('e-small', { data: 'x'.repeat(100) })]);
    assert.equal(small[0]?.status, 'accepted');
  });
});
