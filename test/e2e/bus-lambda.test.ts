import assert from 'node:assert/strict';
import t from 'tap';
import { isVrouterError } from '@vrouter/core';
import { createEventBridgeHandler, createSqsHandler, type EventBridgeHandler, type SqsHandler } from '@vrouter/router/lambda';
import { cloudEventBody, eventBridgeEvent, recordingLogger, sqsEvent } from '../src/bus-events.js';
import { throttlingDynamo } from '../src/bus-sqs.js';
import { seedSvc, type Stack, startStack } from '../src/stack.js';

interface EventView {
  customer: string | null;
  project: string | null;
  plan: string | null;
  event: Record<string, unknown>;
  dispatches: { component: string; version: string; status: string; attempts: number }[];
}

function payloadsOf(stack: Stack, id: string): Record<string, unknown>[] {
  return stack.lambda.invocations.map((i) => i.payload as Record<string, unknown>).filter((p) => p.id === id);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

t.test('the Lambda handlers on the real router stack', async (t) => {
  let stack: Stack;
  let eventBridge: EventBridgeHandler;
  let sqs: SqsHandler;
  const log = recordingLogger();
  const eventOf = async (source: string, id: string) => stack.api<EventView>('GET', `/v1/events/${encodeURIComponent(source)}/${encodeURIComponent(id)}`);

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    // globex is on beta: the routing attributes the mapping finds must reach the pins.
    assert.equal((await stack.api('PUT', '/v1/pins/customer/globex/svc', { channel: 'beta' })).status, 200);
    await stack.runtime.cache.reload();
    eventBridge = createEventBridgeHandler(stack.runtime, { logger: log });
    sqs = createSqsHandler(stack.runtime, { logger: log, maxMessageBytes: 4096 });
  });
  t.teardown(async () => {
    await stack?.close();
  });

  t.test('EventBridge', async (t) => {
    t.test('maps the custom event envelope to a CloudEvent and routes it by the customer in detail', async () => {
      const event = eventBridgeEvent('eventbridge-custom-event.json');
      const result = await eventBridge(event);
      assert.equal(result.status, 'accepted');
      // It answers after the dispatch is recorded: the container may freeze right after.
      assert.deepEqual(
        result.dispatches.map((d) => [d.component, d.version, d.status]),
        [['svc', 'v2', 'succeeded']],
      );
      const [payload, ...more] = payloadsOf(stack, event.id);
      assert.equal(more.length, 0);
      assert.equal(payload?.specversion, '1.0');
      assert.equal(payload?.source, 'com.example.ci');
      assert.equal(payload?.type, 'build.finished');
      assert.equal(payload?.time, event.time);
      assert.equal(payload?.datacontenttype, 'application/json');
      assert.deepEqual(payload?.data, event.detail);
      assert.deepEqual([payload?.customerid, payload?.projectid, payload?.plan], ['globex', 'globex-web', 'enterprise']);
      const stored = await eventOf('com.example.ci', event.id);
      assert.deepEqual([stored.body.customer, stored.body.project, stored.body.plan], ['globex', 'globex-web', 'enterprise']);
    });

    t.test('answers duplicate when EventBridge delivers the same event again, and dispatches nothing', async () => {
      const event = eventBridgeEvent('eventbridge-custom-event.json');
      assert.equal((await eventBridge(event)).status, 'accepted');
      assert.equal((await eventBridge(structuredClone(event))).status, 'duplicate');
      assert.equal(payloadsOf(stack, event.id).length, 1);
    });

    t.test('rejects the scheduled event, which names no customer, with VR_CUSTOMER_REQUIRED (thrown: Lambda retries, then its on-failure destination)', async () => {
      const event = eventBridgeEvent('eventbridge-scheduled-event.json');
      const error = await rejection(eventBridge(event));
      assert.ok(isVrouterError(error), String(error));
      assert.equal(error.code, 'VR_CUSTOMER_REQUIRED');
      assert.equal((await eventOf('aws.events', event.id)).status, 404);
      assert.ok(log.lines.some((l) => l.level === 'error' && l.fields.eventBridgeId === event.id && l.fields.code === 'VR_CUSTOMER_REQUIRED'));
    });

    t.test('reads the routing attributes from configurable paths', async () => {
      const custom = createEventBridgeHandler(stack.runtime, { logger: log, paths: { customer: 'account', project: 'detail.projects.0.id', plan: 'region' } });
      const event = eventBridgeEvent('eventbridge-custom-event.json', { detail: { projects: [{ id: 'web' }] } });
      assert.equal((await custom(event)).status, 'accepted');
      const [payload] = payloadsOf(stack, event.id);
      assert.deepEqual([payload?.customerid, payload?.projectid, payload?.plan], ['123456789012', 'web', 'eu-west-1']);
    });

    t.test('recognises an archive replay: records it as the ebreplayname attribute and logs it', async () => {
      const event = eventBridgeEvent('eventbridge-replayed-event.json');
      assert.equal((await eventBridge(event)).status, 'accepted');
      assert.equal(payloadsOf(stack, event.id)[0]?.ebreplayname, 'ci-archive-replay-2024-05-14');
      assert.equal((await eventOf('com.example.ci', event.id)).body.event.ebreplayname, 'ci-archive-replay-2024-05-14');
      assert.ok(log.lines.some((l) => l.level === 'info' && l.fields.eventBridgeReplay === 'ci-archive-replay-2024-05-14' && l.fields.id === event.id));
    });

    t.test('a dispatch that fails after acceptance is recorded as failed, not thrown', async () => {
      const event = eventBridgeEvent('eventbridge-custom-event.json', { detail: { customerId: 'acme', fail: true } });
      const result = await eventBridge(event);
      assert.equal(result.status, 'accepted');
      assert.deepEqual(
        result.dispatches.map((d) => d.status),
        ['failed'],
      );
      assert.deepEqual(
        (await eventOf('com.example.ci', event.id)).body.dispatches.map((d) => d.status),
        ['failed'],
      );
    });
  });

  t.test('SQS', async (t) => {
    t.test('routes the documented SQS event: a CloudEvent body and an EventBridge envelope body; no batch item failures', async () => {
      const fixture = sqsEvent([cloudEventBody({ customerid: 'acme' }), eventBridgeEvent('eventbridge-custom-event.json')]);
      const [ce, eb] = fixture.Records.map((r) => JSON.parse(r.body) as { id: string; source: string });
      assert.deepEqual(await sqs(fixture), { batchItemFailures: [] });
      // Recorded before the handler answered.
      assert.deepEqual(
        (await eventOf(ce!.source, ce!.id)).body.dispatches.map((d) => [d.version, d.status]),
        [['v1', 'succeeded']],
      );
      assert.deepEqual(
        (await eventOf(eb!.source, eb!.id)).body.dispatches.map((d) => [d.version, d.status]),
        [['v2', 'succeeded']],
      );
      assert.equal(payloadsOf(stack, ce!.id).length, 1);
      assert.equal(payloadsOf(stack, eb!.id).length, 1);
    });

    t.test('a redelivered message is a duplicate by its idempotency key: success, nothing dispatched twice', async () => {
      const body = cloudEventBody({ customerid: 'acme' });
      assert.deepEqual(await sqs(sqsEvent([body])), { batchItemFailures: [] });
      assert.deepEqual(await sqs(sqsEvent([body], { receiveCount: 2 })), { batchItemFailures: [] });
      assert.equal(payloadsOf(stack, body.id as string).length, 1);
    });

    t.test('reports every poison message as a batch item failure (for the DLQ), logs each once with its reason, and routes the rest', async () => {
      const good = cloudEventBody({ customerid: 'acme' });
      const poison = {
        'not-json': 'this is not JSON',
        'not-an-event': { hello: 'world' },
        'no-customer': cloudEventBody(),
        'eventbridge-no-customer': eventBridgeEvent('eventbridge-scheduled-event.json'),
        'invalid-event': cloudEventBody({ customerid: 'acme', specversion: '0.3' }),
        'too-large': cloudEventBody({ customerid: 'acme', data: 'x'.repeat(5000) }),
        'unknown-component': cloudEventBody({ customerid: 'acme', component: 'nope' }),
      };
      const ids = [...Object.keys(poison), 'good'];
      const event = sqsEvent([...Object.values(poison), good], { messageIds: ids });
      const answer = await sqs(event);
      assert.deepEqual(answer.batchItemFailures.map((f) => f.itemIdentifier).sort(), Object.keys(poison).sort());
      assert.equal(payloadsOf(stack, good.id as string).length, 1);
      const reasons = Object.fromEntries(Object.keys(poison).map((id) => [id, log.lines.filter((l) => l.fields.messageId === id)]));
      for (const [id, lines] of Object.entries(reasons)) {
        assert.equal(lines.length, 1, `${id} logged ${lines.length} times`);
        assert.equal(lines[0]?.level, 'error');
        assert.equal(typeof lines[0]?.fields.reason, 'string');
      }
      assert.deepEqual(Object.fromEntries(Object.entries(reasons).map(([id, lines]) => [id, lines[0]?.fields.code])), {
        'not-json': 'VR_BODY_MALFORMED',
        'not-an-event': 'VR_EVENT_INVALID',
        'no-customer': 'VR_CUSTOMER_REQUIRED',
        'eventbridge-no-customer': 'VR_CUSTOMER_REQUIRED',
        'invalid-event': 'VR_EVENT_INVALID',
        'too-large': 'VR_BODY_TOO_LARGE',
        'unknown-component': 'VR_COMPONENT_UNKNOWN',
      });
    });

    t.test('a dispatch that fails after acceptance is not a batch item failure: it is recorded as failed', async () => {
      const body = cloudEventBody({ customerid: 'acme', data: { fail: true } });
      assert.deepEqual(await sqs(sqsEvent([body])), { batchItemFailures: [] });
      assert.deepEqual(
        (await eventOf('/bus-e2e', body.id as string)).body.dispatches.map((d) => d.status),
        ['failed'],
      );
    });
  });
});

t.test('the Lambda handlers when the store throttles', async (t) => {
  let stack: Stack;
  let throttle: (on: boolean) => void;
  const log = recordingLogger();

  t.before(async () => {
    stack = await startStack({
      dynamo: (endpoint) => {
        const made = throttlingDynamo(endpoint);
        throttle = made.throttle;
        return made.client;
      },
    });
    await seedSvc(stack.api);
  });
  t.teardown(async () => {
    throttle?.(false);
    await stack?.close();
  });

  t.test('SQS: a throttled write is a batch item failure to retry, and the retry routes it once', async () => {
    const handler = createSqsHandler(stack.runtime, { logger: log });
    const body = cloudEventBody({ customerid: 'acme' });
    const event = sqsEvent([body], { messageIds: ['throttled'] });
    throttle(true);
    assert.deepEqual(await handler(event), { batchItemFailures: [{ itemIdentifier: 'throttled' }] });
    const line = log.lines.find((l) => l.fields.messageId === 'throttled');
    assert.equal(line?.level, 'warn');
    assert.equal(line?.fields.code, 'VR_STORE_UNAVAILABLE');
    throttle(false);
    assert.deepEqual(await handler(sqsEvent([body], { receiveCount: 2 })), { batchItemFailures: [] });
    assert.equal(payloadsOf(stack, body.id as string).length, 1);
  });

  t.test('EventBridge: a throttled write is thrown as VR_STORE_UNAVAILABLE, so Lambda retries the event', async () => {
    const handler = createEventBridgeHandler(stack.runtime, { logger: log });
    const event = eventBridgeEvent('eventbridge-custom-event.json');
    throttle(true);
    const error = await rejection(handler(event));
    assert.ok(isVrouterError(error) && error.code === 'VR_STORE_UNAVAILABLE', String(error));
    throttle(false);
    assert.equal((await handler(event)).status, 'accepted');
  });
});
