import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { FailOnDemand, LocalLambdaServer, exampleHandler } from '../src/index.js';
import { decode, encode, localClient } from './client.js';

describe('exampleHandler', () => {
  const server = new LocalLambdaServer();
  let client: LambdaClient;

  before(async () => {
    server.register('example', 'v2', exampleHandler('example', '2.0.0'));
    client = localClient((await server.start()).url);
  });

  after(async () => {
    client.destroy();
    await server.stop();
  });

  it('says which version handled which event', async () => {
    const event = { specversion: '1.0', id: 'e-1', source: '/test', type: 'build.started', data: {} };
    const out = await client.send(new InvokeCommand({ FunctionName: 'example', Qualifier: 'v2', Payload: encode(event) }));
    assert.equal(out.FunctionError, undefined);
    assert.deepEqual(decode(out.Payload), { handledBy: 'example@2.0.0', eventId: 'e-1', type: 'build.started' });
  });

  it('fails with a FunctionError when data.fail is true', async () => {
    const event = { specversion: '1.0', id: 'e-2', source: '/test', type: 'build.started', data: { fail: true } };
    const out = await client.send(new InvokeCommand({ FunctionName: 'example', Qualifier: 'v2', Payload: encode(event) }));
    assert.equal(out.FunctionError, 'Unhandled');
    const body = decode(out.Payload) as { errorType: string; errorMessage: string };
    assert.equal(body.errorType, 'Error');
    assert.match(body.errorMessage, /example@2\.0\.0 failed event e-2/);
  });

  it('fails only the versions data.fail names', () => {
    const ctx = { functionName: 'c', qualifier: 'v', invocationType: 'RequestResponse' as const, awsRequestId: 'r' };
    const event = (fail: unknown) => ({ specversion: '1.0', id: 'e-3', source: '/test', type: 't', data: { fail } });
    assert.throws(() => exampleHandler('c', 'v2')(event('v2'), ctx), /c@v2 failed event e-3/);
    assert.throws(() => exampleHandler('c', 'v3')(event(['v2', 'v3']), ctx));
    assert.deepEqual(exampleHandler('c', 'v1')(event('v2'), ctx), { handledBy: 'c@v1', eventId: 'e-3', type: 't' });
  });

  it('fails every n-th invocation of a version on demand, and stops when told', () => {
    const ctx = { functionName: 'c', qualifier: 'v', invocationType: 'RequestResponse' as const, awsRequestId: 'r' };
    const failures = new FailOnDemand().set('v2', 3);
    const v2 = exampleHandler('c', 'v2', { failures });
    const v1 = exampleHandler('c', 'v1', { failures });
    const outcomes = Array.from({ length: 9 }, () => {
      try {
        v2({}, ctx);
        return 'ok';
      } catch {
        return 'failed';
      }
    });
    assert.deepEqual(outcomes, ['ok', 'ok', 'failed', 'ok', 'ok', 'failed', 'ok', 'ok', 'failed']);
    assert.doesNotThrow(() => v1({}, ctx));
    failures.set('v2', 0);
    assert.doesNotThrow(() => v2({}, ctx));
  });

  it('tolerates payloads that are not events', () => {
    assert.deepEqual(exampleHandler('c', 'v')(42, { functionName: 'c', qualifier: 'v', invocationType: 'RequestResponse', awsRequestId: 'r' }), {
      handledBy: 'c@v',
      eventId: null,
      type: null,
    });
  });
});
