import assert from 'node:assert/strict';
import t from 'tap';
import type { ReplayJob } from '@vrouter/core';
import { DynamoReplayStore } from '../src/index.js';
import { startTestTable, type TestTable } from './support.js';

const counts = { matched: 0, dispatched: 0, succeeded: 0, failed: 0, skipped: 0 };
const job = (id: string): ReplayJob => ({
  id,
  state: 'running',
  request: {
    from: '2026-01-01T00:00:00Z',
    to: '2026-01-01T01:00:00Z',
    filter: { status: 'failed', customer: 'acme' },
    target: 'current',
    dryRun: false,
    ratePerSecond: 50,
    concurrency: 4,
  },
  createdAt: new Date().toISOString(),
  createdBy: 'admin',
  updatedAt: new Date().toISOString(),
  counts,
});
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

t.test('DynamoReplayStore', async (t) => {
  let table: TestTable;
  let store: DynamoReplayStore;
  t.before(async () => {
    table = await startTestTable();
    store = new DynamoReplayStore({ client: table.client, tableName: table.tableName });
  });
  t.teardown(() => table.close());

  t.test('creates, reads and lists jobs as written', async () => {
    await store.createJob(job('r1'));
    const read = await store.getJob('r1');
    assert.deepEqual({ ...read, cursor: undefined }, { ...job('r1'), createdAt: read!.createdAt, updatedAt: read!.updatedAt, cursor: undefined });
    assert.ok((await store.listJobs()).some((j) => j.id === 'r1'));
    assert.equal(await store.getJob('nope'), null);
  });

  t.test('lets one owner hold a job until its lease ends, and saves progress only for the owner', async () => {
    await store.createJob(job('r2'));
    assert.ok(await store.claimJob('r2', 'router-a', at(30_000), at(0)));
    assert.equal(await store.claimJob('r2', 'router-b', at(30_000), at(0)), null, 'the lease is running');
    assert.equal(await store.saveProgress('r2', 'router-b', { counts, leaseUntil: at(30_000) }), false);
    assert.equal(await store.saveProgress('r2', 'router-a', { counts: { ...counts, matched: 5, dispatched: 2 }, cursor: 'c1', counted: true, leaseUntil: at(30_000) }), true);
    const saved = await store.getJob('r2');
    assert.deepEqual([saved?.cursor, saved?.counted, saved?.counts.dispatched, saved?.owner], ['c1', true, 2, 'router-a']);
    // router-a dies: after the lease, router-b resumes from the cursor.
    const resumed = await store.claimJob('r2', 'router-b', at(30_000), at(60_000));
    assert.equal(resumed?.cursor, 'c1');
  });

  t.test('cancels a running job once; progress cannot be saved after', async () => {
    await store.createJob(job('r3'));
    await store.claimJob('r3', 'a', at(30_000), at(0));
    assert.equal((await store.cancelJob('r3'))?.state, 'cancelled');
    assert.equal(await store.cancelJob('r3'), null);
    assert.equal(await store.saveProgress('r3', 'a', { counts, leaseUntil: at(1) }), false);
    assert.equal(await store.claimJob('r3', 'a', at(30_000), at(0)), null);
  });
});
