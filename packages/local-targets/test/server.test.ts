import assert from 'node:assert/strict';
import t from 'tap';
import {
  InvalidParameterValueException,
  InvalidRequestContentException,
  InvokeCommand,
  type LambdaClient,
  RequestTooLargeException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { LocalLambdaServer } from '../src/index.js';
import { decode, encode, localClient } from './client.js';

t.test('LocalLambdaServer through the real LambdaClient', async (t) => {
  const server = new LocalLambdaServer();
  let client: LambdaClient;

  t.before(async () => {
    server
      .register('echo', '$LATEST', (payload, context) => ({ payload, qualifier: context.qualifier, clientContext: context.clientContext ?? null }))
      .register('echo', 'v1', (payload) => ({ v1: payload }))
      .register('boom', '$LATEST', () => {
        throw new TypeError('kaput');
      })
      .register('async-boom', '$LATEST', async () => {
        throw new Error('later kaput');
      });
    const { url } = await server.start();
    client = localClient(url);
  });

  t.teardown(async () => {
    client.destroy();
    await server.stop();
  });

  t.test('returns the handler result for RequestResponse, with status 200 and the executed version', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({ hello: 'world' }) }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, undefined);
    assert.equal(out.ExecutedVersion, '$LATEST');
    assert.deepEqual(decode(out.Payload), { payload: { hello: 'world' }, qualifier: '$LATEST', clientContext: null });
  });

  t.test('takes the qualifier from ?Qualifier= or from the ARN suffix', async () => {
    const byQuery = await client.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: 'v1', Payload: encode(1) }));
    assert.deepEqual(decode(byQuery.Payload), { v1: 1 });
    assert.equal(byQuery.ExecutedVersion, 'v1');
    const byArn = await client.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:echo:v1', Payload: encode(2) }));
    assert.deepEqual(decode(byArn.Payload), { v1: 2 });
    const byPartialArn = await client.send(new InvokeCommand({ FunctionName: '123456789012:function:echo', Payload: encode(3) }));
    assert.equal(byPartialArn.ExecutedVersion, '$LATEST');
    const explicitLatest = await client.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '$LATEST', Payload: encode(4) }));
    assert.equal(explicitLatest.ExecutedVersion, '$LATEST');
    assert.equal(server.invocationsOf('echo', 'v1').length, 2);
  });

  t.test('rejects a Qualifier that disagrees with the ARN suffix', async () => {
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:echo:v1', Qualifier: 'v2', Payload: encode(1) })),
      InvalidParameterValueException,
    );
  });

  t.test('reports a throwing handler as FunctionError Unhandled with the error document', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: 'boom', Payload: encode({}) }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Unhandled');
    const body = decode(out.Payload) as { errorType: string; errorMessage: string };
    assert.equal(body.errorType, 'TypeError');
    assert.equal(body.errorMessage, 'kaput');
    assert.equal(server.invocationsOf('boom').at(-1)?.outcome, 'error');
  });

  t.test('answers Event with 202 and runs the handler afterwards, recording its outcome', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: encode({ n: 1 }) }));
    assert.equal(out.StatusCode, 202);
    assert.equal(out.FunctionError, undefined);
    assert.equal(decode(out.Payload ?? undefined), undefined);
    await server.settled();
    const recorded = server.invocations.at(-1);
    assert.equal(recorded?.invocationType, 'Event');
    assert.deepEqual(recorded?.payload, { n: 1 });
    assert.equal(recorded?.outcome, 'ok');
  });

  t.test('swallows an Event handler error but records it', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: 'async-boom', InvocationType: 'Event', Payload: encode({}) }));
    assert.equal(out.StatusCode, 202);
    await server.settled();
    const recorded = server.invocationsOf('async-boom').at(-1);
    assert.equal(recorded?.outcome, 'error');
    assert.deepEqual(recorded?.error, { errorType: 'Error', errorMessage: 'later kaput' });
  });

  t.test('answers DryRun with 204 without running the handler', async () => {
    const before = server.invocationsOf('boom').length;
    const out = await client.send(new InvokeCommand({ FunctionName: 'boom', InvocationType: 'DryRun' }));
    assert.equal(out.StatusCode, 204);
    const recorded = server.invocationsOf('boom');
    assert.equal(recorded.length, before + 1);
    assert.equal(recorded.at(-1)?.outcome, undefined);
  });

  t.test('raises ResourceNotFoundException for an unknown function or qualifier', async () => {
    for (const input of [{ FunctionName: 'nope' }, { FunctionName: 'echo', Qualifier: 'v9' }]) {
      const error = await client.send(new InvokeCommand({ ...input, Payload: encode({}) })).then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ResourceNotFoundException, String(error));
      assert.equal(error.$fault, 'client');
      assert.equal(error.$metadata.httpStatusCode, 404);
      assert.match(error.message, /^Function not found: /);
      assert.equal(error.Type, 'User');
    }
  });

  t.test('decodes the base64 JSON client context and hands it to a synchronous handler', async () => {
    const clientContext = { custom: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } };
    const out = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({}), ClientContext: Buffer.from(JSON.stringify(clientContext)).toString('base64') }));
    assert.deepEqual((decode(out.Payload) as { clientContext: unknown }).clientContext, clientContext);
    assert.deepEqual(server.invocations.at(-1)?.clientContext, clientContext);
  });

  t.test('rejects a client context that is not base64 JSON', async () => {
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({}), ClientContext: Buffer.from('not json').toString('base64') })),
      InvalidRequestContentException,
    );
  });

  t.test('raises InvalidRequestContentException for a payload that is not JSON', async () => {
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: 'echo', Payload: new TextEncoder().encode('{not json') })),
      (error: unknown) => error instanceof InvalidRequestContentException && error.$metadata.httpStatusCode === 400,
    );
  });

  t.test('treats an empty payload as {} like Lambda does', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: 'echo' }));
    assert.deepEqual((decode(out.Payload) as { payload: unknown }).payload, {});
  });

  t.test('raises RequestTooLargeException past 256 KiB for Event, but accepts it synchronously', async () => {
    const big = encode({ blob: 'x'.repeat(300 * 1024) });
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: big })),
      (error: unknown) => error instanceof RequestTooLargeException && error.$metadata.httpStatusCode === 413,
    );
    const out = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: big }));
    assert.equal(out.StatusCode, 200);
  });

  t.test('raises RequestTooLargeException past 6 MiB for RequestResponse', async () => {
    const huge = encode({ blob: 'x'.repeat(6 * 1024 * 1024) });
    await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'echo', Payload: huge })), RequestTooLargeException);
  });

  t.test('returns X-Amz-Log-Result for LogType Tail', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: 'echo', LogType: 'Tail', Payload: encode({}) }));
    assert.match(Buffer.from(out.LogResult ?? '', 'base64').toString(), /^START RequestId: .* Version: \$LATEST\n/);
  });

  t.test('fails injected invocations with the given API error before running the handler', async () => {
    const before = server.invocations.length;
    server.injectError('echo', '$LATEST', { statusCode: 429, errorType: 'TooManyRequestsException', message: 'Rate exceeded' });
    const error = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({}) })).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TooManyRequestsException);
    assert.equal(error.message, 'Rate exceeded');
    assert.equal(server.invocations.length, before);
    const out = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({}) }));
    assert.equal(out.StatusCode, 200);
  });
});

t.test('LocalLambdaServer options and lifecycle', async (t) => {
  t.test('is reachable through AWS_ENDPOINT_URL_LAMBDA, the way dev mode points the router at it', async () => {
    const server = new LocalLambdaServer().register('hello', '$LATEST', () => 'hi');
    const { url } = await server.start();
    const saved = process.env.AWS_ENDPOINT_URL_LAMBDA;
    process.env.AWS_ENDPOINT_URL_LAMBDA = url;
    const client = localClient(undefined);
    try {
      const out = await client.send(new InvokeCommand({ FunctionName: 'hello' }));
      assert.equal(decode(out.Payload), 'hi');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_LAMBDA;
      else process.env.AWS_ENDPOINT_URL_LAMBDA = saved;
      client.destroy();
      await server.stop();
    }
  });

  t.test('delays handlers by delayMs', async () => {
    const server = new LocalLambdaServer({ delayMs: 150 }).register('slow', '$LATEST', () => null);
    const { url } = await server.start();
    const client = localClient(url);
    try {
      const started = performance.now();
      const out = await client.send(new InvokeCommand({ FunctionName: 'slow' }));
      assert.ok(performance.now() - started >= 140);
      assert.equal(decode(out.Payload), null);
    } finally {
      client.destroy();
      await server.stop();
    }
  });

  t.test('reports a response over the sync limit as Function.ResponseSizeTooLarge', async () => {
    const server = new LocalLambdaServer({ maxSyncPayloadBytes: 1024 }).register('chatty', '$LATEST', () => 'y'.repeat(2048));
    const { url } = await server.start();
    const client = localClient(url);
    try {
      const out = await client.send(new InvokeCommand({ FunctionName: 'chatty' }));
      assert.equal(out.FunctionError, 'Unhandled');
      assert.equal((decode(out.Payload) as { errorType: string }).errorType, 'Function.ResponseSizeTooLarge');
    } finally {
      client.destroy();
      await server.stop();
    }
  });

  t.test('refuses invalid registrations and a second start', async () => {
    const server = new LocalLambdaServer();
    assert.throws(() => server.register('arn:aws:lambda:us-east-1:1:function:x', '$LATEST', () => null));
    assert.throws(() => server.register('ok', 'bad qualifier', () => null));
    assert.throws(() => server.url);
    await server.start();
    try {
      await assert.rejects(server.start());
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await server.stop();
      await server.stop();
    }
  });

  t.test('waits in stop() for Event handlers still running', async () => {
    let finished = false;
    const server = new LocalLambdaServer().register('lazy', '$LATEST', async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      finished = true;
    });
    const { url } = await server.start();
    const client = localClient(url);
    await client.send(new InvokeCommand({ FunctionName: 'lazy', InvocationType: 'Event' }));
    client.destroy();
    await server.stop();
    assert.equal(finished, true);
  });
});
