import assert from 'node:assert/strict';
import t from 'tap';
import { LocalSqsServer } from '@vrouter/local-targets';
import { cloudEvent, eventually, seedSvc, type Stack, startStack } from '../src/stack.js';

t.test('failed dispatches copied to an SQS dead-letter queue', async (t) => {
  let stack: Stack;
  let sqs: LocalSqsServer;
  let queueUrl: string;

  t.before(async () => {
    sqs = new LocalSqsServer();
    const { url } = await sqs.start();
    queueUrl = sqs.createQueue('vrouter-dead-letters');
    // The router's SQS client uses the standard SDK configuration, as in production.
    Object.assign(process.env, { AWS_ENDPOINT_URL_SQS: url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
    stack = await startStack({ env: { VROUTER_DEAD_LETTER_QUEUE_URL: queueUrl, VROUTER_MAX_ATTEMPTS: '2', VROUTER_RETRY_BASE_MS: '10' } });
    await seedSvc(stack.api);
  });
  t.teardown(async () => {
    await stack.close();
    await sqs.stop();
  });

  t.test('sends a dispatch that failed after its last attempt, with the event and the error; the record stays failed', async () => {
    const failing = cloudEvent({ customerid: 'acme', data: { fail: true } });
    const fine = cloudEvent({ customerid: 'acme' });
    await stack.api('POST', '/v1/events?wait=true', failing);
    await stack.api('POST', '/v1/events?wait=true', fine);
    const { value } = await eventually(async () => (sqs.messages(queueUrl).length > 0 ? sqs.messages(queueUrl) : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(sqs.messages(queueUrl).length, 1, 'only the failed one');
    const body = JSON.parse(value[0]!.body) as { event: { id: string }; dispatch: { component: string; version: string; attempts: number; error: { code: string } } };
    assert.equal(body.event.id, failing.id);
    assert.deepEqual([body.dispatch.component, body.dispatch.version, body.dispatch.attempts], ['svc', 'v1', 1]);
    assert.match(body.dispatch.error.code, /FunctionError/);
    const lookup = await stack.api<{ dispatches: { status: string }[] }>('GET', `/v1/events/${encodeURIComponent(String(failing.source))}/${failing.id}`);
    assert.equal(lookup.body.dispatches[0]!.status, 'failed');
  });
});
