import assert from 'node:assert/strict';
import t from 'tap';
import type { Dispatcher, DispatchRequest, Target } from '@vrouter/core';
import { DispatcherRegistry, EcsDispatcher, HttpDispatcher, LambdaDispatcher, UNSUPPORTED_LIMITS } from '../src/index.js';
import { payload } from './fixtures.js';

function recording(name: string): Dispatcher & { seen: DispatchRequest[] } {
  const seen: DispatchRequest[] = [];
  return {
    seen,
    limits: () => ({ maxPayloadBytes: name.length, timeoutMs: 1000 }),
    async dispatch(request) {
      seen.push(request);
      return { status: 'succeeded', response: name };
    },
  };
}

const lambda: Target = { kind: 'lambda', functionName: 'f', qualifier: 'v1', invocationType: 'Event' };
const http: Target = { kind: 'http', url: 'http://example.test' };
const ecs: Target = { kind: 'ecs', cluster: 'c', taskDefinition: 't', containerName: 'app' };

t.test('DispatcherRegistry', async (t) => {
  t.test('routes each request to the dispatcher of its target kind', async () => {
    const lambdaDispatcher = recording('lambda');
    const httpDispatcher = recording('http');
    const registry = new DispatcherRegistry({ lambda: lambdaDispatcher, http: httpDispatcher });
    assert.equal((await registry.dispatch({ target: lambda, payload: payload() })).response, 'lambda');
    assert.equal((await registry.dispatch({ target: http, payload: payload() })).response, 'http');
    assert.equal(lambdaDispatcher.seen.length, 1);
    assert.equal(httpDispatcher.seen[0]?.target, http);
  });

  t.test('fails with VR_TARGET_UNSUPPORTED, not retryable, for a kind without a dispatcher', async () => {
    const registry = new DispatcherRegistry({ lambda: recording('lambda') });
    const outcome = await registry.dispatch({ target: ecs, payload: payload() });
    assert.deepEqual(outcome, {
      status: 'failed',
      error: { code: 'VR_TARGET_UNSUPPORTED', message: 'No dispatcher handles targets of kind "ecs".' },
      retryable: false,
    });
    assert.equal(registry.supports('lambda'), true);
    assert.equal(registry.supports('ecs'), false);
  });

  t.test('treats kinds outside the model as unsupported, even names of Object.prototype', async () => {
    const registry = new DispatcherRegistry({ lambda: recording('lambda') });
    for (const kind of ['sqs', 'toString', '__proto__']) {
      const target = { kind } as unknown as Target;
      assert.equal((await registry.dispatch({ target, payload: payload() })).error?.code, 'VR_TARGET_UNSUPPORTED');
    }
  });

  t.test('answers the limits of the dispatcher of each kind, and no payload limit for a kind without one', async () => {
    const registry = new DispatcherRegistry({ lambda: recording('lambda') });
    assert.deepEqual(registry.limits(lambda), { maxPayloadBytes: 6, timeoutMs: 1000 });
    assert.deepEqual(registry.limits(ecs), UNSUPPORTED_LIMITS);
  });
});

t.test('limits of each dispatcher', async (t) => {
  const KIB = 1024;
  t.test('Lambda: 256 KiB for Event, 6 MiB for RequestResponse, and the configured timeout', async () => {
    const dispatcher = new LambdaDispatcher({ clientConfig: { region: 'us-east-1' }, timeoutMs: 1234 });
    try {
      assert.deepEqual([dispatcher.limits(lambda).maxPayloadBytes, dispatcher.limits(lambda).timeoutMs], [256 * KIB, 1234]);
      assert.equal(dispatcher.limits({ ...lambda, invocationType: 'RequestResponse' }).maxPayloadBytes, 6 * KIB * KIB);
      assert.equal(dispatcher.limits(http), UNSUPPORTED_LIMITS);
    } finally {
      dispatcher.destroy();
    }
  });

  t.test('ECS: the inline override limit, lifted when events can go by reference', async () => {
    const inline = new EcsDispatcher({ clientConfig: { region: 'us-east-1' } });
    const byReference = new EcsDispatcher({ clientConfig: { region: 'us-east-1' }, payloadReference: async () => ({ url: 'http://127.0.0.1/p', token: 't' }) });
    try {
      assert.equal(inline.limits(ecs).maxPayloadBytes, 8 * KIB);
      assert.match(inline.limits(ecs).payloadLimitOf ?? '', /ECS task/);
      assert.equal(byReference.limits(ecs).maxPayloadBytes, undefined);
    } finally {
      inline.destroy();
      byReference.destroy();
    }
  });

  t.test("HTTP: the target's own timeout, 10 s when it sets none", async () => {
    const dispatcher = new HttpDispatcher();
    assert.deepEqual(dispatcher.limits({ kind: 'http', url: 'http://example.test', timeoutMs: 250 }), { timeoutMs: 250 });
    assert.deepEqual(dispatcher.limits(http), { timeoutMs: 10_000 });
  });

  t.test('refuses a timeout below 1 ms', async () => {
    assert.throws(() => new LambdaDispatcher({ clientConfig: {}, timeoutMs: 0 }), RangeError);
  });
});
