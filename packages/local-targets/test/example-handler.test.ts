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
