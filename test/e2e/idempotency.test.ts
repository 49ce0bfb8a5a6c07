import assert from 'node:assert/strict';
import t from 'tap';
import { cloudEvent, seedSvc, type Stack, startStack } from '../src/stack.js';

type Results = { results: { status: string; dispatches: { version: string }[] }[] };

t.test('idempotent dispatch', async (t) => {
  let stack: Stack;
  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
  });
  t.teardown(() => stack.close());

  const invocationsOf = (id: unknown) => stack.lambda.invocations.filter((i) => (i.payload as { id?: string }).id === id);

  t.test('the same event posted twice is dispatched once', async () => {
    const event = cloudEvent({ customerid: 'acme' });
    const first = await stack.api<Results>('POST', '/v1/events?wait=true', event);
    const second = await stack.api<Results>('POST', '/v1/events?wait=true', event);
    assert.equal(first.body.results[0]!.status, 'accepted');
    assert.equal(second.body.results[0]!.status, 'duplicate');
    assert.equal(second.body.results[0]!.dispatches[0]!.version, 'v1', 'a duplicate reports the dispatch that happened');
    assert.equal(invocationsOf(event.id).length, 1);
  });

  t.test('50 concurrent posts of one event dispatch it once', async () => {
    const event = cloudEvent({ customerid: 'acme' });
    const responses = await Promise.all(Array.from({ length: 50 }, () => stack.api<Results>('POST', '/v1/events?wait=true', event)));
    const statuses = responses.map((r) => r.body.results[0]!.status);
    assert.equal(statuses.filter((s) => s === 'accepted').length, 1, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 'duplicate').length, 49);
    await stack.lambda.settled();
    assert.equal(invocationsOf(event.id).length, 1);
  });

  t.test('the same id from another source is a different event', async () => {
    const event = cloudEvent({ customerid: 'acme' });
    await stack.api('POST', '/v1/events?wait=true', event);
    const other = await stack.api<Results>('POST', '/v1/events?wait=true', { ...event, source: '/elsewhere' });
    assert.equal(other.body.results[0]!.status, 'accepted');
    assert.equal(invocationsOf(event.id).length, 2);
  });

  t.test('a batch containing the same event twice dispatches it once', async () => {
    const event = cloudEvent({ customerid: 'acme' });
    const response = await stack.api<Results>('POST', '/v1/events?wait=true', [event, event], { contentType: 'application/cloudevents-batch+json' });
    assert.deepEqual(response.body.results.map((r) => r.status).sort(), ['accepted', 'duplicate']);
    assert.equal(invocationsOf(event.id).length, 1);
  });

  t.test('looks up an event whose source and id are as long as CloudEvents allow here', async () => {
    const event = { ...cloudEvent({ customerid: 'acme' }), source: `urn:${'s/'.repeat(500)}`, id: `id#${'x'.repeat(250)}` };
    await stack.api('POST', '/v1/events?wait=true', event);
    const lookup = await stack.api<{ id: string; dispatches: { status: string }[] }>('GET', `/v1/events/${encodeURIComponent(event.source)}/${encodeURIComponent(event.id)}`);
    assert.equal(lookup.status, 200);
    assert.equal(lookup.body.id, event.id);
    assert.equal(lookup.body.dispatches[0]!.status, 'succeeded');
  });

  t.test('the target receives the CloudEvent with vrouter metadata and trace context', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const event = cloudEvent({ customerid: 'acme', data: { n: 1 } });
    const response = await fetch(`${stack.url}/v1/events?wait=true`, {
      method: 'POST',
      headers: { authorization: 'Bearer e2e-admin-token-0123456789', 'content-type': 'application/cloudevents+json', traceparent },
      body: JSON.stringify(event),
    });
    assert.equal(response.status, 202);
    const [invocation] = invocationsOf(event.id);
    const payload = invocation!.payload as Record<string, unknown> & { vrouter: Record<string, unknown> };
    assert.deepEqual(payload.data, { n: 1 });
    assert.equal(payload.traceparent, traceparent);
    assert.equal(payload.vrouter.component, 'svc');
    assert.equal(payload.vrouter.version, 'v1');
    assert.equal(payload.vrouter.channel, 'stable');
    assert.equal(payload.vrouter.attempt, 1);
    assert.match(String(payload.vrouter.idempotencyKey), /^[0-9a-f]{64}$/);
  });
});
