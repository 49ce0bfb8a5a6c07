import assert from 'node:assert/strict';
import t from 'tap';
import { diag, DiagLogLevel, metrics, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import { EventTrace, recordDispatch, recordDispatchDuration, traceLogFields, withAdminSpan, withDispatchSpan } from '../src/index.js';

/** A tracer provider whose every method throws: telemetry broken in every way it can be. */
const broken = new Proxy(
  {},
  {
    get() {
      throw new Error('broken telemetry');
    },
  },
);
trace.setGlobalTracerProvider({ getTracer: () => broken as Tracer } as TracerProvider);
metrics.setGlobalMeterProvider({
  getMeter() {
    throw new Error('broken meter');
  },
});
const reported: unknown[] = [];
diag.setLogger({ error: (...args) => reported.push(args), warn() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.ERROR);

t.test('with a tracer and a meter that throw', async (t) => {
  t.test('dispatch spans still run the attempt and return its result', async () => {
    const result = await withDispatchSpan(
      {
        component: 'svc',
        version: 'v1',
        channel: 'stable',
        pin: null,
        pinSource: 'default',
        event: { id: 'e', source: '/s', type: 't' },
        targetKind: 'lambda',
        attempt: 1,
      },
      async (traceparent) => ({ status: 'failed', error: { code: String(traceparent) } }),
    );
    assert.deepEqual(result, { status: 'failed', error: { code: 'undefined' } });
  });

  t.test('admin spans still run the change', async () => {
    assert.equal(await withAdminSpan('pin.put', { a: 1 }, async () => 'ok'), 'ok');
  });

  t.test('event traces still run their work and end', async () => {
    const event = EventTrace.start({ id: 'e', source: '/s', type: 't', traceparent: 'junk' });
    assert.equal(
      event.run(() => 5),
      5,
    );
    event.identify({ id: 'e', source: '/s', type: 't' });
    event.routed({ customer: 'acme', components: 1 });
    event.answered('accepted');
    event.fail(new Error('x'));
    event.end();
    event.end();
  });

  t.test('metrics and log fields do not throw', async () => {
    recordDispatch({ component: 'svc', version: 'v1', channel: null }, 'succeeded');
    recordDispatchDuration({ component: 'svc', version: 'v1' }, 3);
    assert.deepEqual(traceLogFields(), {});
  });

  t.test('reports the failures to diag', async () => assert.ok(reported.length > 0));
});
