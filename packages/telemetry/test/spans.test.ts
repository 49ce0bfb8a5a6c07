import assert from 'node:assert/strict';
import t from 'tap';
import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_ADMIN_ACTION,
  ATTR_COMPONENT,
  ATTR_COST_DISPATCH_ATTEMPTS,
  ATTR_COST_DYNAMODB_REQUESTS,
  ATTR_DISPATCH_ATTEMPT,
  ATTR_DISPATCH_OUTCOME,
  ATTR_DISPATCH_RETRYABLE,
  ATTR_ERROR_TYPE,
  ATTR_FEATURE_FLAG_CONTEXT_ID,
  ATTR_FEATURE_FLAG_KEY,
  ATTR_FEATURE_FLAG_PROVIDER_NAME,
  ATTR_FEATURE_FLAG_RESULT_VARIANT,
  ATTR_PIN_SCOPE,
  ATTR_REPLAY_ID,
  ATTR_VERSION,
  contextFromTraceparent,
  CostContext,
  countDynamoRequest,
  type DispatchSpanInput,
  eventParent,
  parseTraceparent,
  runWithCost,
  SPAN_ADMIN,
  SPAN_DISPATCH,
  traceLogFields,
  withAdminSpan,
  withDispatchSpan,
} from '../src/index.js';
import { registerSdk, TRACE_ID, TRACEPARENT } from './setup.js';

const sdk = registerSdk();

const input: DispatchSpanInput = {
  component: 'svc',
  version: 'v2',
  channel: 'beta',
  pin: { scope: 'customer', subject: 'acme' },
  pinSource: 'customer',
  customer: 'acme',
  plan: 'pro',
  event: { id: 'e-1', source: '/test', type: 'build.finished' },
  targetKind: 'lambda',
  attempt: 1,
};

t.test('withDispatchSpan', async (t) => {
  t.test('is a child of the parent, hands the target its own traceparent and records the variant', async () => {
    sdk.spans.reset();
    let handed: string | undefined;
    const result = await withDispatchSpan(
      { ...input, replayId: 'r-1' },
      async (traceparent) => {
        handed = traceparent;
        return { status: 'succeeded' };
      },
      contextFromTraceparent(TRACEPARENT),
    );
    assert.deepEqual(result, { status: 'succeeded' });
    const [span] = sdk.finished(SPAN_DISPATCH);
    assert.ok(span);
    assert.equal(span.spanContext().traceId, TRACE_ID);
    assert.equal(span.parentSpanContext?.spanId, 'b7ad6b7169203331');
    assert.equal(handed, `00-${TRACE_ID}-${span.spanContext().spanId}-01`);
    assert.equal(span.attributes[ATTR_FEATURE_FLAG_KEY], 'svc');
    assert.equal(span.attributes[ATTR_FEATURE_FLAG_RESULT_VARIANT], 'v2');
    assert.equal(span.attributes[ATTR_FEATURE_FLAG_PROVIDER_NAME], 'vrouter');
    assert.equal(span.attributes[ATTR_FEATURE_FLAG_CONTEXT_ID], 'acme');
    assert.equal(span.attributes[ATTR_VERSION], 'v2');
    assert.equal(span.attributes[ATTR_PIN_SCOPE], 'customer');
    assert.equal(span.attributes[ATTR_DISPATCH_ATTEMPT], 1);
    assert.equal(span.attributes[ATTR_REPLAY_ID], 'r-1');
    assert.equal(span.attributes[ATTR_DISPATCH_OUTCOME], 'succeeded');
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal('vrouter.project.id' in span.attributes, false, 'undefined attributes are left out');
  });

  t.test('runs the attempt with its span active, so client spans nest under it', async () => {
    sdk.spans.reset();
    await withDispatchSpan(input, async () => {
      trace.getTracer('test').startSpan('client').end();
      return { status: 'dispatched' };
    });
    const dispatch = sdk.finished(SPAN_DISPATCH)[0]!;
    assert.equal(sdk.finished('client')[0]?.parentSpanContext?.spanId, dispatch.spanContext().spanId);
  });

  t.test('marks a failed attempt: status ERROR, error.type the code, retryable', async () => {
    sdk.spans.reset();
    await withDispatchSpan(input, async () => ({ status: 'failed', error: { code: 'Unhandled' }, retryable: false }));
    const span = sdk.finished(SPAN_DISPATCH)[0]!;
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes[ATTR_ERROR_TYPE], 'Unhandled');
    assert.equal(span.attributes[ATTR_DISPATCH_OUTCOME], 'failed');
    assert.equal(span.attributes[ATTR_DISPATCH_RETRYABLE], false);
  });

  t.test('records and rethrows what the attempt throws', async () => {
    sdk.spans.reset();
    const boom = Object.assign(new Error('boom'), { code: 'ECONNRESET' });
    await assert.rejects(
      withDispatchSpan(input, async () => {
        throw boom;
      }),
      (error) => error === boom,
    );
    const span = sdk.finished(SPAN_DISPATCH)[0]!;
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes[ATTR_ERROR_TYPE], 'ECONNRESET');
    assert.equal(span.events[0]?.name, 'exception');
  });

  t.test('counts the attempt on the current cost context', async () => {
    const cost = new CostContext('event', 'e-1');
    await runWithCost(cost, () => withDispatchSpan(input, async () => ({ status: 'succeeded' })));
    await runWithCost(cost, () => withDispatchSpan({ ...input, attempt: 2 }, async () => ({ status: 'succeeded' })));
    assert.equal(cost.dispatchAttempts, 2);
  });
});

t.test('withAdminSpan', async (t) => {
  t.test('records the action, the attributes and the cost of the change', async () => {
    sdk.spans.reset();
    const result = await withAdminSpan('pin.put', { [ATTR_COMPONENT]: 'svc', [ATTR_PIN_SCOPE]: 'customer', 'vrouter.pin.subject': undefined }, async () => {
      countDynamoRequest('PutItemCommand');
      countDynamoRequest('UpdateItemCommand');
      return 'done';
    });
    assert.equal(result, 'done');
    const span = sdk.finished(SPAN_ADMIN)[0]!;
    assert.equal(span.attributes[ATTR_ADMIN_ACTION], 'pin.put');
    assert.equal(span.attributes[ATTR_COMPONENT], 'svc');
    assert.equal(span.attributes[ATTR_COST_DYNAMODB_REQUESTS], 2);
    assert.equal(span.attributes[ATTR_COST_DISPATCH_ATTEMPTS], 0);
    assert.equal('vrouter.pin.subject' in span.attributes, false);
  });

  t.test('marks the span failed with the error code and rethrows the same error', async () => {
    sdk.spans.reset();
    const error = Object.assign(new Error('unknown version'), { code: 'VR_PIN_VERSION_UNKNOWN' });
    await assert.rejects(
      withAdminSpan('pin.put', {}, () => {
        throw error;
      }),
      (thrown) => thrown === error,
    );
    const span = sdk.finished(SPAN_ADMIN)[0]!;
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes[ATTR_ERROR_TYPE], 'VR_PIN_VERSION_UNKNOWN');
  });

  t.test('accepts a synchronous function', async () => {
    assert.equal(await withAdminSpan('token.delete', {}, () => 7), 7);
  });
});

t.test('eventParent', async (t) => {
  t.test("prefers the event's own traceparent and links the request's span", async () => {
    const request = trace.getTracer('test').startSpan('request');
    context.with(trace.setSpan(ROOT_CONTEXT, request), () => {
      const parent = eventParent(TRACEPARENT, '00-11111111111111111111111111111111-2222222222222222-01');
      assert.equal(trace.getSpanContext(parent.context)?.traceId, TRACE_ID);
      assert.equal(parent.links[0]?.context.spanId, request.spanContext().spanId);
    });
    request.end();
  });

  t.test('uses the active span without an event traceparent, the header without an active span', async () => {
    const request = trace.getTracer('test').startSpan('request');
    context.with(trace.setSpan(ROOT_CONTEXT, request), () => {
      assert.equal(trace.getSpanContext(eventParent(undefined, TRACEPARENT).context)?.spanId, request.spanContext().spanId);
    });
    request.end();
    assert.equal(trace.getSpanContext(eventParent('junk', TRACEPARENT).context)?.traceId, TRACE_ID);
    assert.equal(trace.getSpanContext(eventParent(undefined).context), undefined);
    assert.deepEqual(parseTraceparent(undefined), undefined);
  });
});

t.test('traceLogFields', async (t) => {
  t.test('gives the active span ids, and nothing outside a span', async () => {
    assert.deepEqual(traceLogFields(), {});
    const span = trace.getTracer('test').startSpan('log');
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => {
      assert.deepEqual(traceLogFields(), { trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId, trace_flags: '01' });
    });
    span.end();
  });
});
