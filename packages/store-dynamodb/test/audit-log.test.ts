import assert from 'node:assert/strict';
import t from 'tap';
import type { AuditEntry } from '@vrouter/core';
import { DynamoAuditLog } from '../src/index.js';
import { startTestTable, type TestTable } from './support.js';

function entry(i: number, at: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { id: `e${String(i).padStart(4, '0')}`, at, actor: 'admin', action: 'pin.set', component: 'svc', subject: 'acme', before: null, after: { channel: 'beta' }, ...extra };
}

t.test('DynamoAuditLog', async (t) => {
  let table: TestTable;
  let log: DynamoAuditLog;
  t.before(async () => {
    table = await startTestTable();
    log = new DynamoAuditLog({ client: table.client, tableName: table.tableName });
    const entries = [
      entry(1, '2026-05-01T10:00:00.000Z'),
      entry(2, '2026-05-02T10:00:00.000Z', { subject: 'globex' }),
      entry(3, '2026-05-03T10:00:00.000Z', { component: 'other', subject: 'acme' }),
      entry(4, '2026-05-03T11:00:00.000Z', { action: 'channel.promote', subject: undefined }),
      ...Array.from({ length: 60 }, (_, i) => entry(100 + i, `2026-05-04T10:${String(i).padStart(2, '0')}:00.000Z`, { component: 'bulk', subject: `c${i}`, bulkId: 'b1' })),
    ];
    await log.append(entries);
  });
  t.teardown(() => table.close());

  const ids = (entries: AuditEntry[]) => entries.map((e) => e.id);

  t.test('queries by component, newest first, exactly as written', async () => {
    const { entries } = await log.query({ component: 'svc', since: '2026-05-01T00:00:00Z', until: '2026-05-05T00:00:00Z' });
    assert.deepEqual(ids(entries), ['e0004', 'e0002', 'e0001']);
    assert.deepEqual(entries[2], entry(1, '2026-05-01T10:00:00.000Z'));
  });

  t.test('queries by subject, and by component and subject', async () => {
    assert.deepEqual(ids((await log.query({ subject: 'acme', since: '2026-05-01T00:00:00Z', until: '2026-05-05T00:00:00Z' })).entries), ['e0003', 'e0001']);
    assert.deepEqual(ids((await log.query({ component: 'svc', subject: 'acme', since: '2026-05-01T00:00:00Z', until: '2026-05-05T00:00:00Z' })).entries), ['e0001']);
  });

  t.test('queries by time across day partitions, with a cursor', async () => {
    const first = await log.query({ since: '2026-05-02T00:00:00Z', until: '2026-05-04T23:59:59Z', limit: 50 });
    assert.equal(first.entries.length, 50);
    assert.ok(first.cursor);
    const rest = await log.query({ since: '2026-05-02T00:00:00Z', until: '2026-05-04T23:59:59Z', limit: 50, cursor: first.cursor });
    const all = [...ids(first.entries), ...ids(rest.entries)];
    assert.equal(all.length, 63);
    assert.equal(new Set(all).size, 63);
    assert.deepEqual(all.slice(-3), ['e0004', 'e0003', 'e0002']);
  });

  t.test('refuses a cursor it did not issue', async () => {
    await assert.rejects(log.query({ cursor: 'not-a-cursor' }), (e: unknown) => (e as { code?: string }).code === 'VR_VALIDATION');
  });
});
