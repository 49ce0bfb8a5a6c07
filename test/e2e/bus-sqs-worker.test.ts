import assert from 'node:assert/strict';
import t from 'tap';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { exampleHandler, LocalSqsServer } from '@vrouter/local-targets';
import { cloudEventBody, eventBridgeEvent } from '../src/bus-events.js';
import { localSqsClient } from '../src/bus-sqs.js';
import { type RouterProcess, startRouterProcess } from '../src/child.js';
import { eventually, LOCAL_CREDENTIALS, seedSvc, sleep, type Stack, startStack, TABLE, TOKEN } from '../src/stack.js';

interface EventView {
  dispatches: { component: string; version: string; status: string; updatedAt: string }[];
}

const SLOW_MS = 1500;

t.test('vrouter serve --sqs-queue-url: the SQS worker beside the HTTP API', async (t) => {
  let stack: Stack;
  let sqsServer: LocalSqsServer;
  let sqs: SQSClient;
  let queueUrl: string;
  let dlqUrl: string;
  let router: RouterProcess;

  const invocationsOf = (id: string) => stack.lambda.invocations.filter((i) => (i.payload as { id?: string }).id === id);
  const eventOf = (source: string, id: string) => stack.api<EventView>('GET', `/v1/events/${encodeURIComponent(source)}/${encodeURIComponent(id)}`);
  const kinds = (messageId: string) => sqsServer.historyOf(messageId).map((h) => h.kind);
  const send = async (body: unknown) =>
    (await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }))).MessageId!;

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    // A slow component, to have messages in flight on purpose.
    stack.lambda.register('slow', '1', async (payload, context) => {
      await sleep(SLOW_MS);
      return exampleHandler('slow', 'v1')(payload, context);
    });
    assert.equal((await stack.api('PUT', '/v1/components/slow', { subscriptions: ['slow.*'] })).status, 200);
    assert.equal((await stack.api('PUT', '/v1/components/slow/versions/v1', { target: { kind: 'lambda', functionName: 'slow', qualifier: '1' } })).status, 200);
    assert.equal((await stack.api('PUT', '/v1/components/slow/channels/stable', { version: 'v1' })).status, 200);

    sqsServer = new LocalSqsServer();
    const { url } = await sqsServer.start();
    sqs = localSqsClient(url);
    dlqUrl = sqsServer.createQueue('vrouter-events-dlq');
    queueUrl = sqsServer.createQueue('vrouter-events', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sqsServer.queueArn(dlqUrl), maxReceiveCount: 2 }),
    });
    // `vrouter serve` as a user runs it: standard AWS SDK settings, VROUTER_* variables and the flag.
    router = await startRouterProcess(['serve', '--sqs-queue-url', queueUrl], {
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint,
      AWS_ENDPOINT_URL_LAMBDA: stack.lambdaUrl,
      AWS_ENDPOINT_URL_SQS: url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      VROUTER_TABLE: TABLE,
      VROUTER_ADMIN_TOKEN: TOKEN,
      VROUTER_LOG_LEVEL: 'info',
      // Short, so that redrive happens within a test; heartbeats extend it every third of it (0.67 s).
      VROUTER_SQS_VISIBILITY_TIMEOUT_SECONDS: '2',
      VROUTER_SQS_CONCURRENCY: '4',
      VROUTER_MAX_BODY_BYTES: '2048',
    });
  });
  t.teardown(async () => {
    await router?.stop();
    sqs?.destroy();
    await sqsServer?.stop();
    await stack?.close();
  });

  t.test('dispatches each message sent through the real SQSClient once, and deletes it after its outcome is recorded', async () => {
    const bodies = [cloudEventBody({ customerid: 'acme' }), cloudEventBody({ customerid: 'initech' }), eventBridgeEvent('eventbridge-custom-event.json')];
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.map((b, i) => ({ Id: `e${i}`, MessageBody: JSON.stringify(b) })) }));
    const messageIds = sent.Successful!.map((s) => s.MessageId!);
    await eventually(async () => (messageIds.every((id) => kinds(id).includes('deleted')) ? true : undefined), 60_000);
    for (const [i, body] of bodies.entries()) {
      const id = body.id as string;
      const source = body.source as string;
      assert.equal(invocationsOf(id).length, 1, `${id} dispatched ${invocationsOf(id).length} times`);
      const [dispatch] = (await eventOf(source, id)).body.dispatches;
      assert.equal(dispatch?.status, 'succeeded');
      const deletedAt = sqsServer.historyOf(messageIds[i]!).find((h) => h.kind === 'deleted')!.at;
      assert.ok(deletedAt >= Date.parse(dispatch!.updatedAt), `deleted at ${deletedAt}, outcome recorded at ${dispatch!.updatedAt}`);
    }
    // The EventBridge envelope was routed by the customer in its detail: globex on stable (no pin here).
    assert.equal(invocationsOf(bodies[2]!.id as string)[0]?.qualifier, '1');
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    assert.deepEqual(attributes.Attributes, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  t.test('keeps a slow message in flight by extending its visibility', async () => {
    const body = cloudEventBody({ customerid: 'acme', type: 'slow.run' });
    const messageId = await send(body);
    await eventually(async () => (kinds(messageId).includes('deleted') ? true : undefined), 60_000);
    assert.ok(kinds(messageId).includes('visibility'), kinds(messageId).join());
    assert.equal(kinds(messageId).filter((k) => k === 'received').length, 1);
    assert.equal(invocationsOf(body.id as string).length, 1);
  });

  t.test('dispatches a message received twice (its visibility timeout expired) only once', async () => {
    const body = cloudEventBody({ customerid: 'acme', type: 'slow.run' });
    const messageId = await send(body);
    await eventually(async () => (invocationsOf(body.id as string).length === 1 ? true : undefined));
    // As if the consumer had stalled past its visibility timeout: SQS delivers the message again.
    assert.equal(sqsServer.expireVisibility(queueUrl), 1);
    await eventually(async () => (kinds(messageId).filter((k) => k === 'received').length === 2 ? true : undefined));
    await eventually(async () => (kinds(messageId).includes('deleted') ? true : undefined), 60_000);
    await eventually(async () => ((await eventOf('/bus-e2e', body.id as string)).body.dispatches[0]?.status === 'succeeded' ? true : undefined), 60_000);
    await sleep(SLOW_MS);
    assert.equal(invocationsOf(body.id as string).length, 1);
    assert.equal(sqsServer.messages(queueUrl).length, 0);
  });

  t.test('moves poison messages to the DLQ after maxReceiveCount, logging each delivery with its reason, without holding up the rest', async () => {
    const good = cloudEventBody({ customerid: 'acme' });
    const poison = [
      'definitely { not json',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify(cloudEventBody()),
      JSON.stringify(cloudEventBody({ customerid: 'acme', data: 'x'.repeat(3000) })),
    ];
    const poisonIds = [];
    for (const body of poison) poisonIds.push(await send(body));
    const goodId = await send(good);
    await eventually(async () => (kinds(goodId).includes('deleted') ? true : undefined), 60_000);
    assert.equal(invocationsOf(good.id as string).length, 1);
    await eventually(async () => (sqsServer.messages(dlqUrl).length === poison.length ? true : undefined), 60_000);
    assert.deepEqual(
      sqsServer
        .messages(dlqUrl)
        .map((m) => m.body)
        .sort(),
      [...poison].sort(),
    );
    assert.equal(sqsServer.messages(queueUrl).length, 0);
    const logged = (id: string) =>
      router
        .output()
        .split('\n')
        .filter((line) => line.includes(id) && line.includes('poison message'));
    for (const id of poisonIds) {
      assert.ok(!kinds(id).includes('deleted'), `${id} was deleted`);
      assert.equal(logged(id).length, 2, `${id}:\n${logged(id).join('\n')}`);
    }
    const codes = poisonIds.map((id) => JSON.parse(logged(id)[0]!).code);
    assert.deepEqual(codes, ['VR_BODY_MALFORMED', 'VR_EVENT_INVALID', 'VR_CUSTOMER_REQUIRED', 'VR_BODY_TOO_LARGE']);
  });

  t.test('on SIGTERM stops receiving, finishes the in-flight message (recorded, then deleted), and exits 0', async () => {
    const body = cloudEventBody({ customerid: 'acme', type: 'slow.run' });
    const messageId = await send(body);
    await eventually(async () => (invocationsOf(body.id as string).length === 1 ? true : undefined));
    const started = Date.now();
    assert.equal(await router.stop(), 0, router.output());
    // Well under the 20 s long poll: receiving was abandoned, the slow dispatch finished.
    assert.ok(Date.now() - started < 10_000, `stopped after ${Date.now() - started} ms`);
    assert.ok(kinds(messageId).includes('deleted'), kinds(messageId).join());
    assert.equal((await eventOf('/bus-e2e', body.id as string)).body.dispatches[0]?.status, 'succeeded');
    assert.equal(invocationsOf(body.id as string).length, 1);
    // Nothing receives after the router stopped.
    const later = await send(cloudEventBody({ customerid: 'acme' }));
    await sleep(500);
    assert.deepEqual(kinds(later), ['sent']);
  });
});
