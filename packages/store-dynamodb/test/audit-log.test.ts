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

  t.test('refuses a cursor it did not issue, or issued for another query', async () => {
    const refused = (e: unknown) => (e as { code?: string; field?: string }).code === 'VR_VALIDATION' && (e as { field?: string }).field === 'cursor';
    await assert.rejects(log.query({ cursor: 'not-a-cursor' }), refused);
    const unsigned = Buffer.from(JSON.stringify({ day: '2026-05-04', key: { pk: { S: 'CONFIG' }, sk: { S: 'x' } } })).toString('base64url');
    await assert.rejects(log.query({ cursor: unsigned }), refused);
    const issued = await log.query({ since: '2026-05-02T00:00:00Z', until: '2026-05-04T23:59:59Z', limit: 1 });
    assert.ok(issued.cursor);
    await assert.rejects(log.query({ since: '2026-05-01T00:00:00Z', until: '2026-05-04T23:59:59Z', limit: 1, cursor: issued.cursor }), refused);
  });

  t.test('a window back to 2000 reads at most 31 day partitions per page, and pages on to every entry', async () => {
    let queries = 0;
    const counted = new DynamoAuditLog({ client: table.client, tableName: table.tableName });
    const handler = table.client.middlewareStack;
    const name = 'count-audit-queries';
    handler.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand') queries++;
        return next(args);
      },
      { step: 'initialize', name },
    );
    t.teardown(() => {
      handler.remove(name);
    });
    const query = { since: '2000-01-01T00:00:00Z', until: '2026-06-30T00:00:00Z', limit: 1000 };
    const found: AuditEntry[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      queries = 0;
      const page = await counted.query({ ...query, ...(cursor ? { cursor } : {}) });
      assert.ok(queries <= 31, `page ${pages} ran ${queries} queries`);
      found.push(...page.entries);
      cursor = page.cursor;
      pages++;
      // Past the entries: stop once every one is found (walking back to 2000 would take some 300 pages).
    } while (cursor && found.length < 64 && pages < 20);
    assert.equal(found.length, 64);
    assert.ok(pages > 1, 'the first page stopped at its day budget');
  });

  t.test('refuses since after until', async () => {
    await assert.rejects(log.query({ since: '2026-05-05T00:00:00Z', until: '2026-05-01T00:00:00Z' }), (e: unknown) => (e as { field?: string }).field === 'since');
  });
});
