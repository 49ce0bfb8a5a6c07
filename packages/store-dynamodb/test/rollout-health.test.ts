import assert from 'node:assert/strict';
import t from 'tap';
import { countOutcome, emptyCounts, isVrouterError, type Rollout } from '@vrouter/core';
import { DynamoEventStore, DynamoHealthStore, DynamoRolloutStore, DynamoRoutingConfigStore } from '../src/index.js';
import { pendingDispatch, startTestTable, type TestTable } from './support.js';

const AT = '2026-01-31T12:00:00.000Z';

const rollout = (extra: Partial<Rollout> = {}): Rollout => ({
  component: 'svc',
  version: 'v2',
  baseline: 'v1',
  steps: [{ percent: 5, bakeSeconds: 60 }],
  gate: { abortOnFirstError: true, confidence: 0.95, minDispatches: 10 },
  dryRun: false,
  state: 'running',
  step: 0,
  stepStartedAt: AT,
  startedAt: AT,
  updatedAt: AT,
  startedBy: 'test',
  decisions: [{ at: AT, action: 'start', why: 'go', actor: 'test', percent: 5 }],
  seq: 1,
  ...extra,
});

t.test('DynamoRolloutStore and DynamoHealthStore', async (t) => {
  let table: TestTable;
  let rollouts: DynamoRolloutStore;
  let health: DynamoHealthStore;
  let config: DynamoRoutingConfigStore;
  t.before(async () => {
    table = await startTestTable();
    const options = { client: table.client, tableName: table.tableName };
    rollouts = new DynamoRolloutStore(options);
    health = new DynamoHealthStore(options);
    config = new DynamoRoutingConfigStore(options);
    await config.putComponent({ name: 'svc', subscriptions: ['build.*'], createdAt: AT, updatedAt: AT });
  });
  t.teardown(() => table.close());

  t.test('creates one rollout per component, which the snapshot carries, and refuses a second while it runs', async () => {
    const revision = await config.revision();
    await rollouts.create(rollout());
    assert.ok((await config.revision()) > revision, 'the revision moved');
    assert.deepEqual((await rollouts.get('svc'))?.steps, [{ percent: 5, bakeSeconds: 60 }]);
    assert.equal((await config.loadSnapshot()).components.get('svc')?.rollout?.version, 'v2');
    await assert.rejects(rollouts.create(rollout({ version: 'v3' })), (e: unknown) => isVrouterError(e) && e.code === 'VR_ROLLOUT_ACTIVE');
  });

  t.test('each transition is taken by exactly one of many concurrent writers', async () => {
    const current = (await rollouts.get('svc'))!;
    const attempts = await Promise.all(Array.from({ length: 8 }, (_, i) => rollouts.replace({ ...current, seq: current.seq + 1, step: 0, reason: `writer ${i}` }, current.seq)));
    assert.equal(attempts.filter(Boolean).length, 1);
    assert.equal((await rollouts.get('svc'))?.seq, current.seq + 1);
  });

  t.test('a finished rollout makes room for a new one', async () => {
    const current = (await rollouts.get('svc'))!;
    assert.ok(await rollouts.replace({ ...current, state: 'aborted', seq: current.seq + 1 }, current.seq));
    await rollouts.create(rollout({ version: 'v3' }));
    assert.equal((await rollouts.get('svc'))?.version, 'v3');
    assert.equal(await rollouts.get('other'), null);
  });

  t.test('a dispatch routed by a rollout reads back with its source', async () => {
    const events = new DynamoEventStore({ client: table.client, tableName: table.tableName });
    const event = { specversion: '1.0' as const, id: 'e-1', source: 'urn:rollout', type: 'build.finished' };
    await events.recordEvent({ source: 'urn:rollout', id: 'e-1', type: 'build.finished', receivedAt: AT, customer: 'acme', components: ['svc'], event });
    const record = pendingDispatch('urn:rollout', 'e-1', { pinSource: 'rollout', channel: null, version: 'v2' });
    assert.equal((await events.claimDispatch(record)).claimed, true);
    assert.equal((await events.getEvent('urn:rollout', 'e-1'))?.dispatches[0]?.pinSource, 'rollout');
  });

  t.test('adds counters atomically across shards and sums a window of minutes on read', async () => {
    const ok = countOutcome(emptyCounts(), true, 20);
    const bad = countOutcome(countOutcome(emptyCounts(), false, 300), true, 20);
    await Promise.all([
      health.add([{ minute: '2026-01-31T12:00', component: 'svc', version: 'v1', counts: ok }], 0),
      health.add([{ minute: '2026-01-31T12:00', component: 'svc', version: 'v1', counts: ok }], 0),
      health.add([{ minute: '2026-01-31T12:01', component: 'svc', version: 'v1', counts: bad }], 3),
      health.add([{ minute: '2026-01-31T12:01', component: 'svc', version: 'v2', counts: bad }], 1),
      health.add([{ minute: '2026-01-31T12:09', component: 'svc', version: 'v1', counts: bad }], 1),
    ]);
    const window = await health.read('svc', '2026-01-31T12:00', '2026-01-31T12:05');
    assert.deepEqual({ ...window.get('v1'), latency: window.get('v1')?.latency.slice(0, 7) }, { dispatches: 4, succeeded: 3, failed: 1, latency: [0, 0, 3, 0, 0, 0, 1] });
    assert.equal(window.get('v2')?.failed, 1);
    assert.equal((await health.read('svc', '2026-01-31T12:09', '2026-01-31T12:09')).get('v1')?.dispatches, 2);
    // Minute by minute, summed over the shards each router wrote to.
    const minutes = await health.readMinutes('svc', '2026-01-31T12:00', '2026-01-31T12:05');
    assert.deepEqual([...(minutes.get('v1') ?? [])].map(([minute, counts]) => [minute, counts.dispatches, counts.failed]).sort(), [
      ['2026-01-31T12:00', 2, 0],
      ['2026-01-31T12:01', 2, 1],
    ]);
    assert.deepEqual([...(minutes.get('v2')?.keys() ?? [])], ['2026-01-31T12:01']);
  });
});
