import assert from 'node:assert/strict';
import t from 'tap';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  MessageNotInflight,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { LocalSqsServer, md5OfBody, md5OfMessageAttributes } from '../src/index.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds, for at most 30 s (a loaded machine is slow; the condition, not a sleep, decides). */
async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

t.test('LocalSqsServer through the real SQSClient', async (t) => {
  const server = new LocalSqsServer();
  let sqs: SQSClient;
  let counter = 0;
  /** A fresh queue per test, so tests do not see each other's messages. */
  const queue = async (attributes: Record<string, string> = {}): Promise<string> => {
    counter += 1;
    const out = await sqs.send(new CreateQueueCommand({ QueueName: `q-${counter}`, Attributes: attributes }));
    return out.QueueUrl!;
  };
  const counts = async (QueueUrl: string) => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
    );
    return {
      visible: Number(out.Attributes?.ApproximateNumberOfMessages),
      inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
      delayed: Number(out.Attributes?.ApproximateNumberOfMessagesDelayed),
    };
  };

  t.before(async () => {
    const { url } = await server.start();
    sqs = new SQSClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });

  t.teardown(async () => {
    sqs.destroy();
    await server.stop();
  });

  t.test('creates queues idempotently, finds them by name and reports their attributes', async () => {
    const url = await queue({ VisibilityTimeout: '45' });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/000000000000\/q-\d+$/);
    const name = url.slice(url.lastIndexOf('/') + 1);
    assert.equal((await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '45' } }))).QueueUrl, url);
    assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl, url);
    const all = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(all.Attributes?.VisibilityTimeout, '45');
    assert.equal(all.Attributes?.QueueArn, `arn:aws:sqs:us-east-1:000000000000:${name}`);
    assert.equal(all.Attributes?.ApproximateNumberOfMessages, '0');
    const conflict = await rejection(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '10' } })));
    assert.ok(conflict instanceof QueueNameExists, String(conflict));
  });

  t.test('raises the modelled QueueDoesNotExist for an unknown queue', async () => {
    const byName = await rejection(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })));
    assert.ok(byName instanceof QueueDoesNotExist, String(byName));
    const byUrl = await rejection(sqs.send(new SendMessageCommand({ QueueUrl: `${server.url}/000000000000/nope`, MessageBody: 'x' })));
    assert.ok(byUrl instanceof QueueDoesNotExist, String(byUrl));
    assert.equal((byUrl as QueueDoesNotExist).$fault, 'client');
  });

  t.test('answers the real MD5 digests (the SDK verifies the body ones) and round-trips message attributes', async () => {
    const QueueUrl = await queue();
    const MessageAttributes = {
      traceparent: { DataType: 'String', StringValue: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      count: { DataType: 'Number', StringValue: '3' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
    };
    const body = JSON.stringify({ hello: 'wörld ✓' });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes }));
    assert.equal(sent.MD5OfMessageBody, md5OfBody(body));
    assert.equal(sent.MD5OfMessageAttributes?.length, 32);
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'], MaxNumberOfMessages: 10 }));
    const [message] = out.Messages ?? [];
    assert.equal(message?.MessageId, sent.MessageId);
    assert.equal(message?.Body, body);
    assert.equal(message?.MD5OfBody, md5OfBody(body));
    assert.equal(message?.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.equal(message?.MessageAttributes?.traceparent?.StringValue, MessageAttributes.traceparent.StringValue);
    assert.deepEqual([...(message?.MessageAttributes?.blob?.BinaryValue ?? [])], [1, 2, 3]);
    assert.equal(message?.Attributes?.ApproximateReceiveCount, '1');
    assert.ok(Number(message?.Attributes?.SentTimestamp) <= Date.now());
    // A published test vector of the attribute digest (a Number attribute).
    assert.equal(md5OfMessageAttributes({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } }), '235c5c510d26fb653d073faed50ae77c');
  });

  t.test('returns only the attributes asked for', async () => {
    const QueueUrl = await queue();
    await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageAttributes: { 'app.a': { DataType: 'String', StringValue: '1' }, b: { DataType: 'String', StringValue: '2' } } }),
    );
    const [message] =
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'], MessageAttributeNames: ['app.*'] }))).Messages ?? [];
    assert.deepEqual(Object.keys(message?.Attributes ?? {}), ['ApproximateReceiveCount']);
    assert.deepEqual(Object.keys(message?.MessageAttributes ?? {}), ['app.a']);
  });

  t.test('sends batches entry by entry: a bad entry fails alone', async () => {
    const QueueUrl = await queue();
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'bad \u0000 character' },
          { Id: 'c', MessageBody: 'three' },
        ],
      }),
    );
    assert.deepEqual(
      out.Successful?.map((s) => s.Id),
      ['a', 'c'],
    );
    assert.equal(out.Successful?.[0]?.MD5OfMessageBody, md5OfBody('one'));
    assert.deepEqual(
      out.Failed?.map((f) => [f.Id, f.Code, f.SenderFault]),
      [['b', 'InvalidMessageContents', true]],
    );
    assert.equal((await counts(QueueUrl)).visible, 2);
  });

  t.test('refuses a message over MaximumMessageSize', async () => {
    const QueueUrl = await queue({ MaximumMessageSize: '1024' });
    const error = await rejection(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(1025) })));
    assert.ok(error instanceof SQSServiceException);
    assert.equal(error.name, 'InvalidParameterValue');
  });

  t.test('long polling answers as soon as a message arrives, and empty when the wait ends', async () => {
    const QueueUrl = await queue();
    const started = Date.now();
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await until(() => server.waitingPolls === 1);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'late' }));
    const out = await waiting;
    assert.equal(out.Messages?.[0]?.Body, 'late');
    // Well inside the 20 s wait: the poll was answered by the message, not by the wait running out.
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);

    const emptyStarted = Date.now();
    const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    assert.equal(empty.Messages, undefined);
    assert.ok(Date.now() - emptyStarted >= 950, `answered after ${Date.now() - emptyStarted} ms`);
  });

  t.test('hides a received message for its visibility timeout, then delivers it again with a new receipt handle', async () => {
    const QueueUrl = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    const first = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 1 }))).Messages?.[0];
    assert.ok(first);
    assert.deepEqual(await counts(QueueUrl), { visible: 0, inFlight: 1, delayed: 0 });
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined);
    const second = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))).Messages?.[0];
    assert.equal(second?.MessageId, first.MessageId);
    assert.notEqual(second?.ReceiptHandle, first.ReceiptHandle);
    assert.equal(second?.Attributes?.ApproximateReceiveCount, '2');

    // The earlier delivery's handle: its visibility cannot change, and deleting with it deletes nothing.
    const stale = await rejection(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 30 })));
    assert.ok(stale instanceof MessageNotInflight, String(stale));
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle }));
    assert.equal(server.messages(QueueUrl).length, 1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second?.ReceiptHandle }));
    assert.equal(server.messages(QueueUrl).length, 0);
    assert.deepEqual(
      server.historyOf(first.MessageId!).map((h) => h.kind),
      ['sent', 'received', 'received', 'delete-stale', 'deleted'],
    );
    // Deleting again is not an error.
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second?.ReceiptHandle }));
  });

  t.test('ChangeMessageVisibility extends a delivery, and 0 releases it at once', async () => {
    const QueueUrl = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    const message = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 1 }))).Messages?.[0];
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 30 }));
    await sleep(1200);
    assert.equal((await counts(QueueUrl)).inFlight, 1);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 0 }));
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.[0]?.MessageId, message?.MessageId);
  });

  t.test('refuses receipt handles it never issued', async () => {
    const QueueUrl = await queue();
    const error = await rejection(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'garbage' })));
    assert.ok(error instanceof ReceiptHandleIsInvalid, String(error));
    const batch = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'x', ReceiptHandle: 'garbage' }] }));
    assert.deepEqual(
      batch.Failed?.map((f) => f.Code),
      ['ReceiptHandleIsInvalid'],
    );
  });

  t.test('deletes in batches', async () => {
    const QueueUrl = await queue();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [1, 2, 3].map((n) => ({ Id: `m${n}`, MessageBody: `body ${n}` })) }));
    const messages = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [];
    assert.equal(messages.length, 3);
    const out = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
    assert.equal(out.Successful?.length, 3);
    assert.deepEqual(await counts(QueueUrl), { visible: 0, inFlight: 0, delayed: 0 });
  });

  t.test('counts delayed messages and delivers them after their delay', async () => {
    const QueueUrl = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 1 }));
    assert.deepEqual(await counts(QueueUrl), { visible: 0, inFlight: 0, delayed: 1 });
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 3 }));
    assert.equal(out.Messages?.[0]?.Body, 'later');
  });

  t.test('moves a message past maxReceiveCount to the dead-letter queue', async () => {
    const dlq = await queue();
    const dlqArn = server.queueArn(dlq);
    const refused = await rejection(
      sqs.send(new CreateQueueCommand({ QueueName: 'orphan', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${dlqArn}-missing`, maxReceiveCount: 2 }) } })),
    );
    assert.equal((refused as Error).name, 'InvalidParameterValue');
    const QueueUrl = await queue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '2' }) });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison' }));
    for (const expected of ['1', '2']) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
      assert.equal(out.Messages?.[0]?.Attributes?.ApproximateReceiveCount, expected);
    }
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined);
    const moved = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ['All'] }))).Messages?.[0];
    assert.equal(moved?.MessageId, sent.MessageId);
    assert.equal(moved?.Body, 'poison');
    assert.equal(moved?.Attributes?.DeadLetterQueueSourceArn, server.queueArn(QueueUrl));
    assert.equal(moved?.Attributes?.ApproximateReceiveCount, '1');
  });

  t.test('expireVisibility makes in-flight messages receivable again at once', async () => {
    const QueueUrl = await queue();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 300 }));
    assert.equal(server.expireVisibility(QueueUrl), 1);
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    assert.equal(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount, '2');
  });

  t.test('injects faults, per operation', async () => {
    const QueueUrl = await queue();
    server.failNext(1, { type: 'InternalError', operation: 'ReceiveMessage' });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    const error = await rejection(sqs.send(new ReceiveMessageCommand({ QueueUrl })));
    assert.ok(error instanceof SQSServiceException);
    assert.equal(error.name, 'InternalError');
    assert.equal(error.$fault, 'server');
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.length, 1);
  });

  t.test('answers a waiting long poll when it stops', async () => {
    const other = new LocalSqsServer();
    const { url } = await other.start();
    const client = new SQSClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      const QueueUrl = other.createQueue('idle');
      const waiting = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
      await until(() => other.waitingPolls === 1);
      const started = Date.now();
      await other.stop();
      assert.equal((await waiting).Messages, undefined);
      // Well inside the 20 s wait: stop() answered it.
      assert.ok(Date.now() - started < 15_000, `answered after ${Date.now() - started} ms`);
    } finally {
      client.destroy();
    }
  });
});
