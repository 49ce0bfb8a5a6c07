import assert from 'node:assert/strict';
import t from 'tap';
import type { Dispatcher, DispatchRequest, Target } from '@vrouter/core';
import { DispatcherRegistry } from '../src/index.js';
import { payload } from './fixtures.js';

function recording(name: string): Dispatcher & { seen: DispatchRequest[] } {
  const seen: DispatchRequest[] = [];
  return {
    seen,
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
});
