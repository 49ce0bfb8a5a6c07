import assert from 'node:assert/strict';
import t from 'tap';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { contextFromTraceparent, EventTrace, withDispatchSpan } from '../src/index.js';
import { TRACEPARENT } from './setup.js';

// No SDK and no context manager registered: what `vrouter` does with OTEL_SDK_DISABLED=true.
t.test('without an SDK', async (t) => {
  const input = {
    component: 'svc',
    version: 'v1',
    channel: 'stable',
    pin: null,
    pinSource: 'default',
    event: { id: 'e', source: '/s', type: 't' },
    targetKind: 'lambda',
    attempt: 1,
  };

  t.test("hands the target the parent's traceparent unchanged", async () => {
    let handed: string | undefined;
    await withDispatchSpan(
      input,
      async (traceparent) => {
        handed = traceparent;
        return { status: 'succeeded' };
      },
      contextFromTraceparent(TRACEPARENT),
    );
    assert.equal(handed, TRACEPARENT);
  });

  t.test("passes the event's traceparent through an event trace to its dispatches", async () => {
    const event = EventTrace.start({ id: 'e', source: '/s', type: 't', traceparent: TRACEPARENT });
    let handed: string | undefined;
    await withDispatchSpan(
      input,
      async (traceparent) => {
        handed = traceparent;
        return { status: 'succeeded' };
      },
      event.context,
    );
    event.end();
    assert.equal(handed, TRACEPARENT);
  });

  t.test('hands none when there is no trace to continue', async () => {
    let handed: string | undefined = 'unset';
    await withDispatchSpan(
      input,
      async (traceparent) => {
        handed = traceparent;
        return { status: 'succeeded' };
      },
      ROOT_CONTEXT,
    );
    assert.equal(handed, undefined);
  });
});
