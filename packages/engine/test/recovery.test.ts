import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { type DispatchOutcome, type DispatchRecord, idempotencyKey, SnapshotCache } from '@vrouter/core';
import { createDynamoClient, createTable, DynamoEventStore, DynamoRoutingConfigStore } from '@vrouter/store-dynamodb';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '@vrouter/store-dynamodb/embedded';
import { ClaimSweeper, DispatchRunner } from '../src/index.js';

const TABLE = 'recovery-test';
const silent = { warn() {}, error() {} };

/** Polls `check` until it holds, for at most `ms`; the sweeps it waits for run on real timers. */
async function until(check: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function expiredClaim(): DispatchRecord {
  const source = '/recovery-test';
  const id = randomUUID();
  const now = new Date().toISOString();
  return {
    source,
    id,
    component: 'svc',
    idempotencyKey: idempotencyKey(source, id, 'svc'),
    status: 'pending',
    version: 'v1',
    channel: 'stable',
    pin: null,
    pinSource: 'default',
    attempts: 0,
    claimedAt: now,
    updatedAt: now,
    leaseUntil: new Date(Date.now() - 1000).toISOString(),
    claimToken: randomUUID(),
  };
}

// The sweep's backoff on a real store: a pass that finds nothing lengthens the wait; one that finds an expired claim
// still to confirm keeps it at the base interval, so the confirmation does not wait for a backed-off pass.
t.test('ClaimSweeper backoff on the embedded store', async (t) => {
  let dynamo: EmbeddedDynamo;
  let client: ReturnType<typeof createDynamoClient>;
  let events: DynamoEventStore;
  let cache: SnapshotCache;
  let sweeper: ClaimSweeper;

  t.before(async () => {
    dynamo = await startEmbeddedDynamo();
    // Generous bounds: the embedded store shares this process with the sweeps, on a machine running other suites.
    client = createDynamoClient({ endpoint: dynamo.endpoint, requestTimeoutMs: 10_000, maxAttempts: 3 });
    await createTable(client, TABLE);
    events = new DynamoEventStore({ client, tableName: TABLE });
    cache = new SnapshotCache(new DynamoRoutingConfigStore({ client, tableName: TABLE }), { pollIntervalMs: 60_000 });
    await cache.start();
    const runner = new DispatchRunner({
      events,
      dispatcher: { limits: () => ({ timeoutMs: 1000 }), dispatch: async (): Promise<DispatchOutcome> => ({ status: 'succeeded' }) },
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      leaseMs: 30_000,
      defaultConcurrency: 4,
      logger: silent,
    });
    // Never confirmed within the test: the claim stays a suspect for as long as it is pending.
    sweeper = new ClaimSweeper({ events, cache, runner, leaseMs: 30_000, intervalMs: 50, maxIntervalMs: 800, confirmMs: 3_600_000, safetyNetIntervalMs: 100, logger: silent });
    sweeper.start();
  });
  t.teardown(async () => {
    await sweeper?.stop();
    cache?.stop();
    client?.destroy();
    await dynamo?.close();
  });

  t.test('backs off while nothing is expired, stays at the base interval while a claim awaits confirmation, backs off once it is gone', async () => {
    await until(() => sweeper.currentIntervalMs === 800 && sweeper.currentSafetyNetIntervalMs === 800);

    const claim = expiredClaim();
    assert.equal((await events.claimDispatch(claim)).claimed, true);
    await until(() => sweeper.currentIntervalMs === 50);
    // However many passes see it meanwhile, none lengthens the wait: the claim is a suspect until it is settled.
    assert.deepEqual(await waitsOf(sweeper, 5, 120), [50, 50, 50, 50, 50]);
    assert.equal(sweeper.takenOver, 0, 'a suspect is not taken over before its confirmation');

    assert.equal(await events.completeDispatch(claim, claim.claimToken!, { status: 'succeeded', attempts: 1 }), true);
    await until(() => sweeper.currentIntervalMs === 800);
  });
});

/** The sweep's wait, read `count` times `everyMs` apart: at a 50 ms base interval, over several of its passes. */
async function waitsOf(sweeper: ClaimSweeper, count: number, everyMs: number): Promise<number[]> {
  const waits: number[] = [];
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    waits.push(sweeper.currentIntervalMs);
  }
  return waits;
}

t.test('ClaimSweeper.stop settles even when the pass in flight fails: a store down at shutdown does not stop the shutdown', async () => {
  // Nothing listens on port 1 of loopback: the pass fails with VR_STORE_UNAVAILABLE.
  const unreachable = createDynamoClient({ endpoint: 'http://127.0.0.1:1', requestTimeoutMs: 500, connectionTimeoutMs: 500, maxAttempts: 1 });
  t.teardown(() => unreachable.destroy());
  const events = new DynamoEventStore({ client: unreachable, tableName: TABLE });
  const cache = new SnapshotCache(new DynamoRoutingConfigStore({ client: unreachable, tableName: TABLE }), { pollIntervalMs: 60_000 });
  const runner = new DispatchRunner({
    events,
    dispatcher: { limits: () => ({ timeoutMs: 1000 }), dispatch: async (): Promise<DispatchOutcome> => ({ status: 'succeeded' }) },
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    leaseMs: 30_000,
    defaultConcurrency: 1,
    logger: silent,
  });
  const sweeper = new ClaimSweeper({ events, cache, runner, leaseMs: 30_000, intervalMs: 60_000, confirmMs: 1000, logger: silent });
  const pass = sweeper.sweep();
  await assert.doesNotReject(sweeper.stop());
  await assert.rejects(pass, (error: unknown) => (error as { code?: string }).code === 'VR_STORE_UNAVAILABLE');
});
