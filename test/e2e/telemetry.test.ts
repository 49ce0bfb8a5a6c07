import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { context, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type DispatchRecord, idempotencyKey } from '@vrouter/core';
import { ATTR_REPLAY_ID, EventTrace, onContextLost } from '@vrouter/telemetry';
import { loadBoard, loadQueries, type QuerySpec, queryColumns, type Row, runQuery, spanRow } from '../src/otel-honeycomb.js';
import { startTestTelemetry } from '../src/otel.js';
import type { Api, Stack } from '../src/stack.js';

// The SDK must be running before fastify and the AWS SDK load: stack.js (which loads them) is imported after it.
const otel = startTestTelemetry();
const { cloudEvent, startStack } = await import('../src/stack.js');

const COMPONENT = 'release-coordinator';
/** The dataset the definitions are rendered for: the service.name the spans would land under. */
const DATASET = 'vrouter';
const ATTR = {
  component: 'vrouter.component',
  version: 'vrouter.version',
  customer: 'vrouter.customer.id',
  outcome: 'vrouter.dispatch.outcome',
  replay: 'vrouter.replay.id',
  eventId: 'vrouter.event.id',
} as const;

/** Customer → [version it is routed to, events sent, how many of them fail]. Only v2 fails, at a known share. */
const TRAFFIC: Record<string, [string, number, number]> = {
  acme: ['v2', 40, 10],
  hooli: ['v2', 20, 10],
  globex: ['v3', 20, 0],
  initech: ['v1', 20, 0],
};

async function ok(api: Api, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await api(method, path, body);
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Posts events `concurrency` at a time, each answered after its dispatch (?wait=true). */
async function postAll(api: Api, events: Record<string, unknown>[], concurrency = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events.length) await ok(api, 'POST', '/v1/events?wait=true', events[next++]);
    }),
  );
}

const rate = (failed: number, total: number) => failed / total;

function dispatchSpans(): ReadableSpan[] {
  return otel.spans('vrouter.dispatch').filter((span) => span.attributes[ATTR.component] === COMPONENT && span.attributes[ATTR.replay] === undefined);
}

/** Error rate per key, from the dispatch spans alone: failed attempts over all attempts. */
function errorRates(key: (span: ReadableSpan) => string): Map<string, number> {
  const counts = new Map<string, { failed: number; total: number }>();
  for (const span of dispatchSpans()) {
    const entry = counts.get(key(span)) ?? { failed: 0, total: 0 };
    entry.total += 1;
    if (span.attributes[ATTR.outcome] === 'failed') entry.failed += 1;
    counts.set(key(span), entry);
  }
  return new Map([...counts].map(([k, { failed, total }]) => [k, rate(failed, total)]));
}

t.test('telemetry of the real router', async (t) => {
  let stack: Stack;
  const headerTraceparent = `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`;
  const eventTraceparent = `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`;
  const viaHeader = cloudEvent({ type: 'release.requested', customerid: 'initech' });
  const viaExtension = cloudEvent({ type: 'release.requested', customerid: 'initech', traceparent: eventTraceparent });
  const replayEvent = cloudEvent({ type: 'release.requested', source: '/replayed', customerid: 'globex' });
  const lost: string[] = [];
  onContextLost((command) => lost.push(command));

  t.before(async () => {
    stack = await startStack();
    const { api } = stack;
    await ok(api, 'PUT', `/v1/components/${COMPONENT}`, { subscriptions: ['release.*'] });
    for (const q of ['1', '2', '3']) await ok(api, 'PUT', `/v1/components/${COMPONENT}/versions/v${q}`, { target: { kind: 'lambda', functionName: 'svc', qualifier: q } });
    for (const [channel, version] of [
      ['stable', 'v1'],
      ['beta', 'v2'],
      ['experimental', 'v3'],
    ]) {
      await ok(api, 'PUT', `/v1/components/${COMPONENT}/channels/${channel}`, { version });
    }
    for (const [customer, channel] of [
      ['acme', 'beta'],
      ['hooli', 'beta'],
      ['globex', 'experimental'],
    ]) {
      await ok(api, 'PUT', `/v1/pins/customer/${customer}/${COMPONENT}`, { channel });
    }

    const events = Object.entries(TRAFFIC).flatMap(([customer, [, count, failing]]) =>
      Array.from({ length: count }, (_, i) => cloudEvent({ type: 'release.requested', customerid: customer, ...(i < failing ? { data: { fail: true } } : {}) })),
    );
    await postAll(api, events);

    // A source whose every event arrives twice: a duplicate rate of exactly one half.
    const twice = Array.from({ length: 10 }, () => cloudEvent({ type: 'release.requested', source: '/redelivered', customerid: 'initech' }));
    await postAll(api, twice);
    await postAll(api, twice);

    // Trace context: from the request's header, and from the event's own traceparent (which wins).
    const post = (event: Record<string, unknown>, traceparent: string) =>
      fetch(`${stack.url}/v1/events?wait=true`, {
        method: 'POST',
        headers: { authorization: 'Bearer e2e-admin-token-0123456789', 'content-type': 'application/cloudevents+json', traceparent },
        body: JSON.stringify(event),
      }).then((r) => r.json());
    await post(viaHeader, headerTraceparent);
    await post(viaExtension, headerTraceparent);

    // A replayed event, as a replay job runs it: in a trace of its own (vrouter.replay), the runner given the replay id.
    const now = new Date();
    const record: DispatchRecord = {
      source: String(replayEvent.source),
      id: String(replayEvent.id),
      component: COMPONENT,
      replayId: 'replay-1',
      idempotencyKey: idempotencyKey(String(replayEvent.source), String(replayEvent.id), COMPONENT, 'replay-1'),
      status: 'pending',
      version: 'v3',
      channel: 'experimental',
      pin: { scope: 'customer', subject: 'globex' },
      pinSource: 'customer',
      attempts: 0,
      claimedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      leaseUntil: new Date(now.getTime() + 30_000).toISOString(),
      claimToken: randomUUID(),
    };
    const replay = context.with(ROOT_CONTEXT, () => EventTrace.start(replayEvent, { kind: 'replay', attributes: { [ATTR_REPLAY_ID]: 'replay-1' } }));
    await replay.run(async () => {
      const claim = await stack.runtime.eventStore.claimDispatch(record);
      assert.ok(claim.claimed);
      await stack.runtime.runner.run({
        record: claim.record,
        target: { kind: 'lambda', functionName: 'svc', qualifier: '3', invocationType: 'RequestResponse' },
        event: replayEvent as never,
        routing: { customer: 'globex' },
        replayId: 'replay-1',
        parent: replay.context,
      });
    });
    replay.end();
  });

  t.teardown(async () => {
    await stack?.close();
    await otel.shutdown();
  });

  t.test('records each admin change as a span: who pinned whom to what', async () => {
    const pins = otel.spans('vrouter.admin').filter((span) => span.attributes['vrouter.admin.action'] === 'pin.set');
    const acme = pins.find((span) => span.attributes['vrouter.pin.subject'] === 'acme');
    assert.ok(acme, 'a span for pinning acme');
    assert.deepEqual([acme.attributes['vrouter.admin.actor'], acme.attributes['vrouter.component'], acme.attributes['vrouter.pin.scope']], ['admin', COMPONENT, 'customer']);
  });

  t.test('gives, from the dispatch spans alone, each version its known error rate', async () => {
    const byVersion = errorRates((span) => String(span.attributes[ATTR.version]));
    assert.equal(byVersion.get('v2'), rate(10 + 10, 40 + 20));
    assert.equal(byVersion.get('v1'), 0);
    assert.equal(byVersion.get('v3'), 0);
  });

  t.test('gives the error rate of a version per customer', async () => {
    const byVersionAndCustomer = errorRates((span) => `${span.attributes[ATTR.version]} ${span.attributes[ATTR.customer]}`);
    assert.equal(byVersionAndCustomer.get('v2 acme'), 0.25);
    assert.equal(byVersionAndCustomer.get('v2 hooli'), 0.5);
    assert.equal(byVersionAndCustomer.get('v3 globex'), 0);
  });

  t.test('marks failed dispatch spans as errors with the function error type', async () => {
    const failed = dispatchSpans().filter((span) => span.attributes[ATTR.outcome] === 'failed');
    assert.equal(failed.length, 20);
    for (const span of failed) {
      assert.equal(span.status.code, SpanStatusCode.ERROR);
      assert.equal(span.attributes['error.type'], 'FunctionError:Error', "the function's error, as the dispatcher reports it");
      assert.equal(span.attributes['feature_flag.result.variant'], 'v2');
    }
  });

  t.test("hands the Lambda target the router's trace context, in the payload and in ClientContext", async () => {
    for (const [event, traceId] of [
      [viaHeader, headerTraceparent.split('-')[1]],
      [viaExtension, eventTraceparent.split('-')[1]],
    ] as const) {
      const eventSpan = otel.spans('vrouter.event').find((span) => span.attributes[ATTR.eventId] === event.id)!;
      const dispatch = otel.spans('vrouter.dispatch').find((span) => span.attributes[ATTR.eventId] === event.id)!;
      assert.equal(eventSpan.spanContext().traceId, traceId, 'the event span continues the incoming trace');
      assert.equal(dispatch.parentSpanContext?.spanId, eventSpan.spanContext().spanId);
      const invocation = stack.lambda.invocationsOf('svc').find((i) => (i.payload as { id?: string }).id === event.id)!;
      assert.equal((invocation.payload as { traceparent?: string }).traceparent, `00-${traceId}-${dispatch.spanContext().spanId}-01`, 'payload: the dispatch span');
      const fromClientContext = (invocation.clientContext as { custom?: { traceparent?: string } }).custom?.traceparent ?? '';
      const [, clientTraceId, clientSpanId] = fromClientContext.split('-');
      assert.equal(clientTraceId, traceId, 'ClientContext: the same trace');
      const invokeSpan = otel.spans().find((span) => span.spanContext().spanId === clientSpanId)!;
      assert.equal(invokeSpan.parentSpanContext?.spanId, dispatch.spanContext().spanId, "ClientContext: the AWS SDK's Invoke span, under the dispatch span");
    }
    const linked = otel.spans('vrouter.event').find((span) => span.attributes[ATTR.eventId] === viaExtension.id)!;
    assert.equal(linked.links[0]?.context.traceId, headerTraceparent.split('-')[1], "the event's own traceparent wins; the request is linked");
  });

  t.test('sets the cost of each event on its span, and loses no DynamoDB request', async () => {
    const events = otel.spans('vrouter.event');
    const accepted = events.filter((span) => span.attributes['vrouter.event.status'] === 'accepted');
    const duplicates = events.filter((span) => span.attributes['vrouter.duplicate'] === true);
    assert.equal(accepted.length, 100 + 10 + 2);
    assert.equal(duplicates.length, 10);
    for (const span of accepted) {
      assert.ok(Number(span.attributes['vrouter.cost.dynamodb.requests']) >= 2, 'the claim (carrying the log record) and the outcome at least');
      assert.ok(Number(span.attributes['vrouter.cost.dynamodb.capacity']) > 0, 'capacity DynamoDB reported');
      assert.equal(span.attributes['vrouter.cost.dispatch.attempts'], 1);
      assert.equal(span.attributes['vrouter.cost.over_limit'], false);
    }
    for (const span of duplicates) assert.equal(span.attributes['vrouter.cost.dispatch.attempts'], 0);
    assert.deepEqual(lost, [], 'every DynamoDB request ran in an event, request or background cost context');
  });

  t.test('a write that loses to a duplicate is not an error span', async () => {
    // Each redelivered event's PutItem of the event record loses its condition: OK, marked, with the exception kept.
    const misses = otel.spans().filter((span) => span.attributes['vrouter.dynamodb.condition_not_met'] === true);
    assert.ok(misses.length >= 10, `one per duplicate at least, got ${misses.length}`);
    for (const span of misses) {
      assert.equal(span.status.code, SpanStatusCode.OK, span.name);
      assert.ok(span.events.some((e) => e.name === 'exception'));
    }
    const awsErrors = otel.spans().filter((span) => span.name.startsWith('DynamoDB.') && span.status.code === SpanStatusCode.ERROR);
    assert.deepEqual(
      awsErrors.map((span) => [span.name, span.status.message]),
      [],
      'no DynamoDB call failed',
    );
    // The configuration poll, recovery sweeps and replay polls run without traces: no root DynamoDB spans of their own.
    const polls = otel.spans().filter((span) => span.name === 'DynamoDB.GetItem' && span.parentSpanContext === undefined);
    assert.deepEqual(
      polls.map((span) => span.name),
      [],
    );
  });

  t.test('counts dispatches by version and outcome, and their durations', async () => {
    const { resourceMetrics } = await otel.metrics.collect();
    const metrics = new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
    const dispatches = metrics.get('vrouter.dispatches')!.dataPoints as DataPoint<number>[];
    const count = (version: string, outcome: string) =>
      dispatches
        .filter((p) => p.attributes[ATTR.component] === COMPONENT && p.attributes[ATTR.version] === version && p.attributes[ATTR.outcome] === outcome)
        .reduce((n, p) => n + p.value, 0);
    assert.equal(count('v2', 'failed'), 20);
    assert.equal(count('v2', 'succeeded'), 40);
    assert.equal(metrics.get('vrouter.dispatch.duration')?.descriptor.unit, 'ms');
  });

  t.test('the shipped Honeycomb queries', async (t) => {
    let queries: Map<string, QuerySpec>;
    let rows: Row[];
    t.before(async () => {
      queries = await loadQueries({ component: COMPONENT, dataset: DATASET });
      rows = otel.spans().map(spanRow);
    });

    t.test('name only columns the router emits, and each finds data', async () => {
      assert.ok(queries.size >= 5);
      const emitted = new Set(rows.flatMap((row) => Object.keys(row)));
      for (const [name, spec] of queries) {
        for (const use of queryColumns(spec)) assert.ok(emitted.has(use.column), `${name}: ${use.where} names ${use.column}, which no span has`);
        assert.ok(runQuery(spec, rows).length > 0, `${name} finds no data`);
      }
    });

    t.test('filter on the component they are rendered for', async () => {
      const other = await loadQueries({ component: 'some-other-component', dataset: DATASET });
      for (const name of ['error-rate-by-version', 'error-rate-by-version-customer', 'latency-by-version']) {
        assert.ok(runQuery(queries.get(name)!, rows).length > 0, `${name} finds ${COMPONENT}'s dispatches`);
        assert.equal(runQuery(other.get(name)!, rows).length, 0, `${name} rendered for another component finds none of ${COMPONENT}'s`);
      }
    });

    t.test('compute the same error rates as the spans', async () => {
      const byVersion = runQuery(queries.get('error-rate-by-version')!, rows);
      const v2 = byVersion.find((g) => g.key[ATTR.version] === 'v2')!;
      assert.equal(v2.values['AVG(dispatch_failed)'], 1 / 3);
      assert.equal(v2.values.COUNT, 60);
      assert.equal(byVersion.find((g) => g.key[ATTR.version] === 'v1')!.values['AVG(dispatch_failed)'], 0);
      const byCustomer = runQuery(queries.get('error-rate-by-version-customer')!, rows);
      const cell = (version: string, customer: string) =>
        byCustomer.find((g) => g.key[ATTR.version] === version && g.key[ATTR.customer] === customer)?.values['AVG(dispatch_failed)'];
      assert.equal(cell('v2', 'acme'), 0.25);
      assert.equal(cell('v2', 'hooli'), 0.5);
    });

    t.test('compute latency, replay outcomes, duplicate rate and cost', async () => {
      for (const group of runQuery(queries.get('latency-by-version')!, rows)) {
        assert.ok(group.values['P50(duration_ms)']! <= group.values['P99(duration_ms)']!);
        assert.equal(group.values['HEATMAP(duration_ms)'], group.rows);
      }
      const replays = runQuery(queries.get('replay-outcomes')!, rows);
      assert.deepEqual(
        replays.map((g) => [g.key[ATTR.replay], g.key[ATTR.outcome], g.values.COUNT]),
        [['replay-1', 'succeeded', 1]],
      );
      const duplicates = runQuery(queries.get('duplicate-rate-by-source')!, rows);
      assert.equal(duplicates.find((g) => g.key['vrouter.event.source'] === '/redelivered')?.values['AVG(event_duplicate)'], 0.5);
      assert.equal(duplicates.find((g) => g.key['vrouter.event.source'] === '/e2e')?.values['AVG(event_duplicate)'], 0);
      const cost = runQuery(queries.get('event-cost-by-type')!, rows).find((g) => g.key['vrouter.event.type'] === 'release.requested')!;
      assert.ok(cost.values['AVG(vrouter.cost.dynamodb.requests)']! >= 2);
    });

    t.test('are all on the board, and the board names no other', async () => {
      const board = await loadBoard({ component: COMPONENT, dataset: DATASET });
      assert.ok(board.name.includes(COMPONENT) && board.name.includes(DATASET), board.name);
      const onBoard = board.panels.filter((p) => p.type === 'query').map((p) => p.query_panel!.query_id.replace(/^@/, ''));
      assert.deepEqual([...onBoard].sort(), [...queries.keys()].sort());
      for (const panel of board.panels) if (panel.query_panel) assert.equal(panel.query_panel.query_annotation_id, panel.query_panel.query_id);
    });
  });
});
