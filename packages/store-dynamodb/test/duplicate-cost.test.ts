import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import type { EventRecord } from '@vrouter/core';
import { DynamoEventStore } from '../src/event-store.js';
import { pendingDispatch, STORE_UNDER_TEST, startTestTable, type TestTable } from './support.js';

/** The DynamoDB requests a duplicate delivery costs, counted at the client (one count per request sent). */
t.test(`a duplicate's DynamoDB requests (${STORE_UNDER_TEST})`, async (t) => {
  let table: TestTable;
  let store: DynamoEventStore;
  const sent: string[] = [];

  t.before(async () => {
    table = await startTestTable();
    store = new DynamoEventStore({ client: table.client, tableName: table.tableName });
    table.client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
  });
  t.teardown(() => table.close());

  t.test('one write logs and claims a single-component event; the duplicate is refused by one conditional write', async () => {
    const id = `dup-${randomUUID()}`;
    const event: EventRecord = {
      source: 'urn:dup',
      id,
      type: 't',
      receivedAt: new Date().toISOString(),
      components: ['svc'],
      event: { specversion: '1.0', id, source: 'urn:dup', type: 't' },
    };
    const claim = pendingDispatch('urn:dup', id, { receivedAt: event.receivedAt });
    sent.length = 0;
    assert.equal((await store.claimDispatch(claim, event)).claimed, true);
    assert.deepEqual(sent, ['PutItemCommand']);

    sent.length = 0;
    const again = await store.claimDispatch({ ...claim, claimToken: randomUUID() }, event);
    assert.equal(again.claimed, false);
    assert.equal(again.claimed ? undefined : again.existing.claimToken, claim.claimToken, 'the duplicate learns the winning claim');
    const writes = sent.filter((name) => name === 'PutItemCommand').length;
    const reads = sent.filter((name) => name === 'GetItemCommand').length;
    assert.equal(writes, 1);
    if (STORE_UNDER_TEST === 'dynamodb-local') {
      // DynamoDB returns the existing item with the failed condition (ReturnValuesOnConditionCheckFailure).
      assert.equal(reads, 0, `requests: ${sent.join(', ')}`);
    } else {
      // dynalite ignores ReturnValuesOnConditionCheckFailure, so the store falls back to a read.
      assert.equal(reads, 1, `requests: ${sent.join(', ')}`);
    }
    console.log(`duplicate on ${STORE_UNDER_TEST}: ${writes} writes, ${reads} reads (${sent.join(', ')})`);
  });
});
