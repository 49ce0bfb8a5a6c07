import assert from 'node:assert/strict';
import t from 'tap';
import type { InvocationResponse, LambdaClient } from '@aws-sdk/client-lambda';
import type { DispatchRequest } from '@vrouter/core';
import { type Invocation, LocalLambdaServer, exampleHandler } from '@vrouter/local-targets';
import { LambdaDispatcher } from '../src/index.js';
import { TRACEPARENT, closedPort, lambdaTarget, localClient, payload, request } from './fixtures.js';

t.test('LambdaDispatcher against LocalLambdaServer', async (t) => {
  const server = new LocalLambdaServer();
  let client: LambdaClient;
  let dispatcher: LambdaDispatcher;

  t.before(async () => {
    server
      .register('example', 'v1', exampleHandler('example', 'v1'))
      .register('echo', 'v1', (event, context) => ({ event, clientContext: context.clientContext ?? null }))
      .register('big', 'v1', () => ({ text: 'é'.repeat(5000) }))
      .register('quiet', 'v1', () => {
        throw 'no error object';
      })
      .register('plain', 'v1', (event) => event);
    client = localClient((await server.start()).url);
    dispatcher = new LambdaDispatcher({ client });
  });

  t.teardown(async () => {
    client.destroy();
    await server.stop();
  });

  function lastInvocation(functionName: string): Invocation {
    const invocation = server.invocationsOf(functionName, 'v1').at(-1);
    assert.ok(invocation, `${functionName} was not invoked`);
    return invocation;
  }

  t.test('succeeds with the response of a RequestResponse invocation', async () => {
    const outcome = await dispatcher.dispatch(request(lambdaTarget('example')));
    assert.deepEqual(outcome, { status: 'succeeded', response: JSON.stringify({ handledBy: 'example@v1', eventId: 'evt-1', type: 'build.started' }) });
  });

  t.test('gives up on a function that outlives the request timeout: TIMEOUT, retryable, instead of waiting for it', async () => {
    const outcome = await dispatcher.dispatch({ target: lambdaTarget('example'), payload: payload({ delayMs: 5_000 }, 'evt-slow'), timeoutMs: 300 });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.retryable, true);
    assert.equal(outcome.error?.code, 'TIMEOUT');
    assert.match(outcome.error?.message ?? '', /within 300 ms/);
  });

  t.test('sends the CloudEvent with its vrouter metadata as the payload', async () => {
    await dispatcher.dispatch(request(lambdaTarget('plain')));
    assert.deepEqual(server.invocationsOf('plain', 'v1').at(-1)?.payload, payload());
  });

  t.test('fails, never succeeds, when the function throws, with its errorType and errorMessage', async () => {
    const outcome = await dispatcher.dispatch({ target: lambdaTarget('example'), payload: payload({ fail: true }, 'evt-fail') });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.retryable, false);
    assert.equal(outcome.error?.code, 'FunctionError:Error');
    assert.match(outcome.error?.message ?? '', /^example@v1 failed event evt-fail/);
    assert.equal((JSON.parse(outcome.response ?? '') as { errorType: string }).errorType, 'Error');
  });

  t.test('reports a thrown non-Error by the thrown value', async () => {
    const outcome = await dispatcher.dispatch(request(lambdaTarget('quiet')));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'FunctionError:Error');
    assert.equal(outcome.error?.message, 'no error object');
  });

  t.test('reports an accepted Event invocation as dispatched', async () => {
    const outcome = await dispatcher.dispatch(request(lambdaTarget('example', { invocationType: 'Event' }), { payload: payload({}, 'evt-async') }));
    assert.deepEqual(outcome, { status: 'dispatched' });
    await server.settled();
    const invocation = server.invocations.find((i) => (i.payload as { id?: string }).id === 'evt-async');
    assert.equal(invocation?.invocationType, 'Event');
    assert.equal(invocation?.outcome, 'ok');
  });

  t.test('fails with ResourceNotFoundException, not retryable, for an unknown function or version', async () => {
    for (const target of [lambdaTarget('missing'), lambdaTarget('example', { qualifier: 'v404' })]) {
      const outcome = await dispatcher.dispatch(request(target));
      assert.equal(outcome.status, 'failed');
      assert.equal(outcome.error?.code, 'ResourceNotFoundException');
      assert.match(outcome.error?.message ?? '', /Function not found/);
      assert.equal(outcome.retryable, false);
    }
  });

  t.test('fails retryably when Lambda throttles or has a server fault', async () => {
    server.injectError('example', 'v1', { statusCode: 429, errorType: 'TooManyRequestsException', message: 'Rate exceeded' });
    server.injectError('example', 'v1', { statusCode: 500, errorType: 'ServiceException', message: 'Lambda is unwell' });
    const throttled = await dispatcher.dispatch(request(lambdaTarget('example')));
    assert.deepEqual(throttled, { status: 'failed', error: { code: 'TooManyRequestsException', message: 'Rate exceeded' }, retryable: true });
    const serverFault = await dispatcher.dispatch(request(lambdaTarget('example')));
    assert.deepEqual(serverFault, { status: 'failed', error: { code: 'ServiceException', message: 'Lambda is unwell' }, retryable: true });
  });

  t.test('hands the traceparent on in the payload and in the client context', async () => {
    await dispatcher.dispatch(request(lambdaTarget('echo'), { traceparent: TRACEPARENT }));
    const invocation = lastInvocation('echo');
    assert.equal((invocation.payload as { traceparent?: string }).traceparent, TRACEPARENT);
    assert.deepEqual(invocation.clientContext, { custom: { traceparent: TRACEPARENT } });
  });

  t.test('hands the traceparent to an Event invocation in the payload, as Lambda drops its client context', async () => {
    await dispatcher.dispatch(request(lambdaTarget('echo', { invocationType: 'Event' }), { traceparent: TRACEPARENT }));
    await server.settled();
    const invocation = lastInvocation('echo');
    assert.equal(invocation.invocationType, 'Event');
    assert.equal((invocation.payload as { traceparent?: string }).traceparent, TRACEPARENT);
  });

  t.test('adds no traceparent when the request has none', async () => {
    await dispatcher.dispatch(request(lambdaTarget('echo')));
    const invocation = lastInvocation('echo');
    assert.equal('traceparent' in (invocation.payload as object), false);
    assert.equal(invocation.clientContext, undefined);
  });

  t.test('truncates the response to maxResponseBytes without splitting a character', async () => {
    const small = new LambdaDispatcher({ client, maxResponseBytes: 100 });
    const outcome = await small.dispatch(request(lambdaTarget('big')));
    assert.equal(outcome.status, 'succeeded');
    const response = outcome.response ?? '';
    assert.ok(Buffer.byteLength(response) <= 100);
    assert.ok(Buffer.byteLength(response) >= 99);
    assert.ok(response.startsWith('{"text":"éé'));
    assert.ok(!response.includes('\uFFFD'));
  });

  t.test('truncates by default to 4096 bytes', async () => {
    const outcome = await dispatcher.dispatch(request(lambdaTarget('big')));
    assert.ok(Buffer.byteLength(outcome.response ?? '') <= 4096);
    assert.ok(Buffer.byteLength(outcome.response ?? '') >= 4095);
  });

  t.test('fails retryably when the endpoint refuses connections', async () => {
    const refused = localClient(`http://127.0.0.1:${await closedPort()}`);
    try {
      const outcome = await new LambdaDispatcher({ client: refused }).dispatch(request(lambdaTarget('example')));
      assert.equal(outcome.status, 'failed');
      assert.equal(outcome.error?.code, 'ECONNREFUSED');
      assert.match(outcome.error?.message ?? '', /ECONNREFUSED/);
      assert.equal(outcome.retryable, true);
    } finally {
      refused.destroy();
    }
  });

  t.test('fails, without throwing, for targets of another kind', async () => {
    const outcome = await dispatcher.dispatch({ target: { kind: 'http', url: 'http://example.test' }, payload: payload() });
    assert.deepEqual(outcome.error?.code, 'VR_TARGET_UNSUPPORTED');
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.retryable, false);
  });

  t.test('fails, without throwing, for a payload that cannot be serialised', async () => {
    const bad = { target: lambdaTarget('example'), payload: payload({ n: 1n }) } satisfies DispatchRequest;
    const outcome = await dispatcher.dispatch(bad);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'TypeError');
    assert.equal(outcome.retryable, false);
  });
});

t.test('LambdaDispatcher options', async (t) => {
  t.test('builds its own client from clientConfig', async () => {
    const server = new LocalLambdaServer().register('example', 'v1', exampleHandler('example', 'v1'));
    const { url } = await server.start();
    const dispatcher = new LambdaDispatcher({
      clientConfig: { region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
    });
    try {
      assert.equal((await dispatcher.dispatch(request(lambdaTarget('example')))).status, 'succeeded');
    } finally {
      dispatcher.destroy();
      await server.stop();
    }
  });

  t.test('refuses contradictory or invalid options', async () => {
    const client = localClient('http://127.0.0.1:1');
    assert.throws(() => new LambdaDispatcher({ client, clientConfig: {} }), TypeError);
    assert.throws(() => new LambdaDispatcher({ client, maxResponseBytes: -1 }), RangeError);
    assert.throws(() => new LambdaDispatcher({ client, maxResponseBytes: 1.5 }), RangeError);
    client.destroy();
  });
});

/** A client that answers every call with `output`, for answers a real function cannot be made to give. */
function answering(output: Partial<InvocationResponse>): LambdaClient {
  return { send: async () => ({ $metadata: {}, ...output }) } as unknown as LambdaClient;
}

t.test('LambdaDispatcher on unusual Lambda answers', async (t) => {
  t.test('uses the FunctionError header and the raw payload when the error document is not JSON', async () => {
    const dispatcher = new LambdaDispatcher({ client: answering({ StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode('Task timed out') }) });
    assert.deepEqual(await dispatcher.dispatch(request(lambdaTarget('f'))), {
      status: 'failed',
      error: { code: 'FunctionError:Unhandled', message: 'Task timed out' },
      response: 'Task timed out',
      retryable: false,
    });
  });

  t.test('says so when a failed function returns no payload at all', async () => {
    const dispatcher = new LambdaDispatcher({ client: answering({ StatusCode: 200, FunctionError: 'Handled' }) });
    const outcome = await dispatcher.dispatch(request(lambdaTarget('f')));
    assert.equal(outcome.error?.code, 'FunctionError:Handled');
    assert.match(outcome.error?.message ?? '', /without an error document/);
  });

  t.test('fails when the status does not match the invocation type', async () => {
    const dispatcher = new LambdaDispatcher({ client: answering({ StatusCode: 200 }) });
    const outcome = await dispatcher.dispatch(request(lambdaTarget('f', { invocationType: 'Event' })));
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error?.code, 'VR_DISPATCH_FAILED');
  });
});
