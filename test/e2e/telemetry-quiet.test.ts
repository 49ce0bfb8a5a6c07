import assert from 'node:assert/strict';
import t from 'tap';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { contextLostCount } from '@vrouter/telemetry';
import { startTestTelemetry } from '../src/otel.js';

// The SDK must be running before fastify and the AWS SDK load: stack.js (which loads them) is imported after it.
const otel = startTestTelemetry();
const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
const { createDynamoClient } = await import('@vrouter/store-dynamodb');
const { cloudEvent, eventually, seedSvc, startStack, TABLE } = await import('../src/stack.js');

const describe = (spans: ReadableSpan[]) => spans.map((s) => `${s.name} (${s.instrumentationScope.name})`);

t.test('telemetry stays quiet where it promises to', async (t) => {
  const counts = new Map<string, number>();
  // Every background loop at its shortest interval, so each runs many times within the test.
  const stack = await startStack({
    env: {
      VROUTER_POLL_INTERVAL_MS: '50',
      // The revision poll backs off at once and every request wakes it, as the first request after a quiet spell does.
      VROUTER_POLL_IDLE_INTERVAL_MS: '200',
      VROUTER_POLL_IDLE_AFTER_MS: '0',
      VROUTER_SWEEP_INTERVAL_MS: '100',
      VROUTER_SAFETY_NET_INTERVAL_MS: '100',
      VROUTER_REPLAY_POLL_INTERVAL_MS: '50',
      VROUTER_HEALTH_FLUSH_MS: '100',
      VROUTER_ROLLOUT_INTERVAL_MS: '50',
    },
    // Counts what the router sends; timeouts as generous as the stack's own, since the store shares this busy process.
    dynamo: (endpoint) => {
      const client = createDynamoClient({ endpoint, requestTimeoutMs: 10_000, maxAttempts: 3 });
      client.middlewareStack.add(
        (next, context) => async (args) => {
          counts.set(String(context.commandName), (counts.get(String(context.commandName)) ?? 0) + 1);
          return next(args);
        },
        { step: 'initialize', name: 'quietTestCounter' },
      );
      return client;
    },
  });
  t.teardown(async () => {
    await stack.close();
    await otel.shutdown();
  });
  const count = (command: string) => counts.get(command) ?? 0;
  /** Waits until the background loops have each read the store `times` more times than now. */
  const pollsRun = async (times: number) => {
    const from = { get: count('GetItemCommand'), query: count('QueryCommand') };
    await eventually(async () => (count('GetItemCommand') >= from.get + times && count('QueryCommand') >= from.query + times ? true : undefined), 60_000);
  };

  t.test('background polls produce no spans, before traffic and after it', async () => {
    await pollsRun(1);
    otel.exporter.reset();
    const lostBefore = contextLostCount();
    await pollsRun(5);
    assert.deepEqual(describe(otel.spans()), [], 'revision poll, recovery sweep, safety net, replay and rollout polls: no spans');

    // A routed event wakes the recovery sweep (a claim was taken here): the sweeps that follow stay untraced too,
    // rather than continuing the event's trace.
    await seedSvc(stack.api);
    const event = cloudEvent({ customerid: 'acme' });
    assert.ok((await stack.api('POST', '/v1/events?wait=true', event)).status < 300);
    const eventSpan = await eventually(async () => otel.spans('vrouter.event').find((s) => s.attributes['vrouter.event.id'] === event.id));
    const eventTrace = eventSpan.value.spanContext().traceId;
    const requestsOfEvent = eventSpan.value.attributes['vrouter.cost.dynamodb.requests'];
    await stack.runtime.router.drain();
    otel.exporter.reset();
    await pollsRun(5);
    const after = otel.spans();
    assert.deepEqual(describe(after.filter((s) => s.spanContext().traceId === eventTrace)), [], "no sweep joins the event's trace");
    assert.deepEqual(describe(after), [], 'no spans while idle after traffic');
    assert.equal(eventSpan.value.attributes['vrouter.cost.dynamodb.requests'], requestsOfEvent);
    assert.equal(contextLostCount(), lostBefore, 'the polls ran in background cost contexts');
  });

  t.test('an AWS SDK call under a request span has its AWS span and no HTTP client span', async () => {
    otel.exporter.reset();
    const parent = trace.getTracer('test').startSpan('request under test');
    await context.with(trace.setSpan(context.active(), parent), () =>
      stack.dynamo.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'nothing' }, sk: { S: 'here' } } })),
    );
    parent.end();
    const children = otel.spans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
    assert.deepEqual(describe(children), ['DynamoDB.GetItem (@opentelemetry/instrumentation-aws-sdk)']);
    assert.deepEqual(describe(otel.spans().filter((s) => s.instrumentationScope.name === '@opentelemetry/instrumentation-http')), [], 'no HTTP span at all');
  });

  t.test("a routed event's client spans are the AWS SDK's alone, one per call", async () => {
    otel.exporter.reset();
    const event = cloudEvent({ customerid: 'acme' });
    assert.ok((await stack.api('POST', '/v1/events?wait=true', event)).status < 300);
    const { value: eventSpan } = await eventually(async () =>
      otel.spans('vrouter.event').find((s) => s.attributes['vrouter.event.id'] === event.id && s.attributes['vrouter.cost.dynamodb.requests'] !== undefined),
    );
    const inTrace = otel.spans().filter((s) => s.spanContext().traceId === eventSpan.spanContext().traceId);
    const clients = inTrace.filter((s) => s.kind === SpanKind.CLIENT);
    assert.ok(
      clients.some((s) => s.name === 'svc Invoke'),
      `a Lambda Invoke span in ${describe(clients).join(', ')}`,
    );
    assert.ok(
      clients.some((s) => s.name.startsWith('DynamoDB.')),
      'DynamoDB spans',
    );
    assert.deepEqual(
      describe(clients.filter((s) => s.instrumentationScope.name !== '@opentelemetry/instrumentation-aws-sdk')),
      [],
      'no client span but the AWS SDK instrumentation’s',
    );
    const dynamoSpans = clients.filter((s) => s.name.startsWith('DynamoDB.'));
    assert.equal(dynamoSpans.length, eventSpan.attributes['vrouter.cost.dynamodb.requests'], "one span per DynamoDB request the event's cost counts");
    // What the product promises from the instrumentations, still there: the HTTP server span and fastify's request span.
    const names = inTrace.map((s) => s.name);
    for (const name of ['POST /v1/events', 'request', 'vrouter.event', 'vrouter.dispatch']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
  });
});
