import assert from 'node:assert/strict';
import t from 'tap';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { LocalLambdaServer, exampleHandler } from '../src/index.js';
import { decode, encode, localClient } from './client.js';

t.test('exampleHandler', async (t) => {
  const server = new LocalLambdaServer();
  let client: LambdaClient;

  t.before(async () => {
    server.register('example', 'v2', exampleHandler('example', '2.0.0'));
    client = localClient((await server.start()).url);
  });

  t.teardown(async () => {
    client.destroy();
    await server.stop();
  });

  t.test('says which version handled which event', async () => {
    const event = { specversion: '1.0', id: 'e-1', source: '/test', type: 'build.started', data: {} };
    const out = await client.send(new InvokeCommand({ FunctionName: 'example', Qualifier: 'v2', Payload: encode(event) }));
    assert.equal(out.FunctionError, undefined);
    assert.deepEqual(decode(out.Payload), { handledBy: 'example@2.0.0', eventId: 'e-1', type: 'build.started' });
  });

  t.test('fails with a FunctionError when data.fail is true', async () => {
    const event = { specversion: '1.0', id: 'e-2', source: '/test', type: 'build.started', data: { fail: true } };
    const out = await client.send(new InvokeCommand({ FunctionName: 'example', Qualifier: 'v2', Payload: encode(event) }));
    assert.equal(out.FunctionError, 'Unhandled');
    const body = decode(out.Payload) as { errorType: string; errorMessage: string };
    assert.equal(body.errorType, 'Error');
    assert.match(body.errorMessage, /example@2\.0\.0 failed event e-2/);
  });

  t.test('fails only the versions data.fail names, so another version can handle the event', async () => {
    const ctx = { functionName: 'c', qualifier: '2', invocationType: 'RequestResponse', awsRequestId: 'r' } as const;
    const event = (fail: unknown) => ({ specversion: '1.0', id: 'e-3', source: '/test', type: 'release.requested', data: { fail } });
    assert.throws(() => exampleHandler('c', 'v2')(event('v2'), ctx), /c@v2 failed event e-3/);
    assert.throws(() => exampleHandler('c', 'v3')(event(['v2', 'v3']), ctx), /c@v3 failed/);
    assert.deepEqual(exampleHandler('c', 'v4')(event('v2'), ctx), { handledBy: 'c@v4', eventId: 'e-3', type: 'release.requested' });
    assert.deepEqual(exampleHandler('c', 'v1')(event(['v2', 'v3']), ctx), { handledBy: 'c@v1', eventId: 'e-3', type: 'release.requested' });
  });

  t.test('a handler for any qualifier answers those without their own', async () => {
    server.registerAnyQualifier('mine', (_payload, context) => ({ any: context.qualifier }));
    server.register('mine', '2', () => ({ two: true }));
    for (const [qualifier, answer] of [
      ['1', { any: '1' }],
      ['$LATEST', { any: '$LATEST' }],
      ['2', { two: true }],
    ] as const) {
      const out = await client.send(new InvokeCommand({ FunctionName: 'mine', Qualifier: qualifier, Payload: encode({}) }));
      assert.deepEqual(decode(out.Payload), answer);
    }
    await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'other', Qualifier: '1', Payload: encode({}) })), { name: 'ResourceNotFoundException' });
  });

  t.test('tolerates payloads that are not events', async () => {
    assert.deepEqual(exampleHandler('c', 'v')(42, { functionName: 'c', qualifier: 'v', invocationType: 'RequestResponse', awsRequestId: 'r' }), {
      handledBy: 'c@v',
      eventId: null,
      type: null,
    });
  });
});

t.test('exampleHandler data.delayMs', async (t) => {
  t.test('answers after the delay, like a slow function', async () => {
    const answer = exampleHandler('c', 'v')({ id: 'e1', type: 't', data: { delayMs: 30 } }, {} as never);
    assert.ok(answer instanceof Promise, 'a delayed answer is asynchronous');
    assert.deepEqual(await answer, { handledBy: 'c@v', eventId: 'e1', type: 't' });
  });
});
