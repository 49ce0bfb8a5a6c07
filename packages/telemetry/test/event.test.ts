import assert from 'node:assert/strict';
import t from 'tap';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_COST_DISPATCH_ATTEMPTS,
  ATTR_COST_DYNAMODB_CAPACITY,
  ATTR_COST_DYNAMODB_REQUESTS,
  ATTR_COST_OVER_LIMIT,
  ATTR_CUSTOMER_ID,
  ATTR_DUPLICATE,
  ATTR_ERROR_TYPE,
  ATTR_EVENT_ID,
  ATTR_EVENT_STATUS,
  ATTR_PLAN,
  ATTR_PROJECT_ID,
  countDispatchAttempt,
  countDynamoCapacity,
  countDynamoRequest,
  currentCost,
  EventTrace,
  SPAN_DISPATCH,
  SPAN_EVENT,
  SPAN_RECOVERY,
  type TraceLogFields,
  traceLogFields,
  withDispatchSpan,
} from '../src/index.js';
import { registerSdk, TRACE_ID, TRACEPARENT } from './setup.js';

const sdk = registerSdk();

function collectingLogger() {
  const warnings: { object: Record<string, unknown>; message: string; log: TraceLogFields }[] = [];
  // What a pino mixin would add to the line: the active span's ids.
  const warn = (object: object, message: string) => warnings.push({ object: object as Record<string, unknown>, message, log: traceLogFields() });
  return { warnings, logger: { warn } };
}

t.test('EventTrace', async (t) => {
  t.test("is a child of the event's traceparent and records routing, answer and cost", async () => {
    sdk.spans.reset();
    const event = EventTrace.start({ id: 'e-1', source: '/src', type: 'build.finished', traceparent: TRACEPARENT });
    await event.run(async () => {
      countDynamoRequest('PutItemCommand');
      countDynamoCapacity(1);
      countDynamoRequest('PutItemCommand');
      countDynamoCapacity(1.5);
      await withDispatchSpan(
        {
          component: 'svc',
          version: 'v1',
          channel: 'stable',
          pin: null,
          pinSource: 'default',
          event: { id: 'e-1', source: '/src', type: 'build.finished' },
          targetKind: 'lambda',
          attempt: 1,
        },
        async () => ({ status: 'succeeded' }),
      );
    });
    event.routed({ customer: 'acme', project: 'web', plan: 'pro', components: 1 });
    event.answered('accepted');
    event.end();
    const span = sdk.finished(SPAN_EVENT)[0]!;
    assert.equal(span.kind, SpanKind.CONSUMER);
    assert.equal(span.spanContext().traceId, TRACE_ID);
    assert.equal(span.attributes[ATTR_EVENT_ID], 'e-1');
    assert.equal(span.attributes[ATTR_CUSTOMER_ID], 'acme');
    assert.equal(span.attributes[ATTR_PROJECT_ID], 'web');
    assert.equal(span.attributes[ATTR_PLAN], 'pro');
    assert.equal(span.attributes[ATTR_EVENT_STATUS], 'accepted');
    assert.equal(span.attributes[ATTR_DUPLICATE], false);
    assert.equal(span.attributes[ATTR_COST_DYNAMODB_REQUESTS], 2);
    assert.equal(span.attributes[ATTR_COST_DYNAMODB_CAPACITY], 2.5);
    assert.equal(span.attributes[ATTR_COST_DISPATCH_ATTEMPTS], 1);
    assert.equal(span.attributes[ATTR_COST_OVER_LIMIT], false);
    const dispatch = sdk.finished(SPAN_DISPATCH)[0]!;
    assert.equal(dispatch.parentSpanContext?.spanId, span.spanContext().spanId, 'dispatches run under the event span');
  });

  t.test('warns, with the event id, when the event goes over a limit', async () => {
    sdk.spans.reset();
    const { warnings, logger } = collectingLogger();
    const event = EventTrace.start({ id: 'e-costly', source: '/src', type: 't' }, { logger, limits: { dynamodbRequests: 5, dispatchAttempts: 0 } });
    event.run(() => {
      // Over 5 plus one renewal per attempt after the first.
      for (let i = 0; i < 55; i++) countDynamoRequest('UpdateItemCommand');
      for (let i = 0; i < 50; i++) countDispatchAttempt();
    });
    event.end();
    event.end();
    assert.equal(warnings.length, 1, 'once, however often end is called');
    assert.equal(warnings[0]!.object.eventId, 'e-costly');
    assert.deepEqual(warnings[0]!.object.exceeded, ['dynamodbRequests'], 'a limit of 0 is off');
    assert.match(warnings[0]!.message, /e-costly/);
    const span = sdk.finished(SPAN_EVENT)[0]!;
    assert.equal(span.attributes[ATTR_COST_OVER_LIMIT], true);
    assert.equal(warnings[0]!.log.span_id, span.spanContext().spanId, "logged in the event's span");
  });

  t.test('does not warn for a retried event: each retry may renew its lease', async () => {
    const { warnings, logger } = collectingLogger();
    const event = EventTrace.start({ id: 'e-retried' }, { logger });
    event.run(() => {
      // record, claim, four renewals before attempts 2 to 5, complete; five attempts.
      for (let i = 0; i < 7; i++) countDynamoRequest('UpdateItemCommand');
      for (let i = 0; i < 5; i++) countDispatchAttempt();
    });
    event.end();
    assert.equal(warnings.length, 0);
    const costly = EventTrace.start({ id: 'e-costly-retried' }, { logger });
    costly.run(() => {
      for (let i = 0; i < 10; i++) countDynamoRequest('UpdateItemCommand');
      for (let i = 0; i < 5; i++) countDispatchAttempt();
    });
    costly.end();
    assert.deepEqual(
      warnings.map((w) => w.object.exceeded),
      [['dynamodbRequests']],
      'more requests than its retries explain',
    );
  });

  t.test('does not warn at the limit', async () => {
    const { warnings, logger } = collectingLogger();
    const event = EventTrace.start({ id: 'e-5' }, { logger });
    event.run(() => {
      for (let i = 0; i < 5; i++) countDynamoRequest('PutItemCommand');
    });
    event.end();
    assert.equal(warnings.length, 0);
  });

  t.test('keeps its cost context across awaits and timers, and separate per event', async () => {
    const a = EventTrace.start({ id: 'a' });
    const b = EventTrace.start({ id: 'b' });
    await Promise.all([
      a.run(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        countDynamoRequest('PutItemCommand');
      }),
      b.run(async () => {
        await Promise.resolve();
        countDynamoRequest('PutItemCommand');
        countDynamoRequest('PutItemCommand');
      }),
    ]);
    assert.equal(a.cost.dynamodbRequests, 1);
    assert.equal(b.cost.dynamodbRequests, 2);
    assert.equal(currentCost(), undefined);
  });

  t.test('records a rejected event with its code and leaves the status unset; a failure sets ERROR', async () => {
    sdk.spans.reset();
    const rejected = EventTrace.start({ id: 7 });
    rejected.answered('rejected', 'VR_INVALID_EVENT');
    rejected.end();
    const failed = EventTrace.start({ id: 'x' });
    failed.fail(new TypeError('unexpected'));
    failed.end();
    const [first, second] = sdk.finished(SPAN_EVENT);
    assert.equal(first!.attributes[ATTR_ERROR_TYPE], 'VR_INVALID_EVENT');
    assert.equal(first!.attributes[ATTR_EVENT_ID], undefined, 'an id that is not a string is not recorded');
    assert.equal(first!.status.code, SpanStatusCode.UNSET);
    assert.equal(second!.status.code, SpanStatusCode.ERROR);
    assert.equal(second!.attributes[ATTR_ERROR_TYPE], 'TypeError');
  });

  t.test('names a recovery span vrouter.recovery and takes extra attributes', async () => {
    sdk.spans.reset();
    context.with(ROOT_CONTEXT, () => EventTrace.start({ id: 'r' }, { kind: 'recovery', attributes: { 'vrouter.recovered': true } }).end());
    assert.equal(sdk.finished(SPAN_RECOVERY)[0]?.attributes['vrouter.recovered'], true);
    assert.equal(trace.getActiveSpan(), undefined);
  });
});
