import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { VrouterError } from '@vrouter/core';
import { LocalSqsServer } from '@vrouter/local-targets';
import type { BusLogger } from '../src/bus/messages.js';
import type { IngestResult } from '@vrouter/engine';
import { SqsWorker, type SqsWorkerOptions } from '../src/sqs/worker.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; the deadline is generous because a loaded machine is slow, never because of timing. */
async function eventually<T>(check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

type Answer = 'accepted' | 'duplicate' | VrouterError | Error;

/**
 * Stands in for EventRouter.ingest, to exercise the worker's side of the contract alone: records each input, answers
 * what `answer` says, and holds `settled` until the test releases that event (or releases everything).
 */
class ScriptedRouter {
  readonly inputs: Record<string, unknown>[] = [];
  readonly traceparents: (string | undefined)[] = [];
  answer: (input: Record<string, unknown>, attempt: number) => Answer = () => 'accepted';
  hold = false;
  readonly #releases = new Map<string, () => void>();
  readonly #attempts = new Map<string, number>();
  #settledNow = 0;
  maxUnsettled = 0;

  async ingest(inputs: unknown[], options: { traceparent?: string } = {}): Promise<{ results: IngestResult[]; settled: Promise<IngestResult[]> }> {
    const input = inputs[0] as Record<string, unknown>;
    const id = String(input.id);
    this.inputs.push(input);
    this.traceparents.push(options.traceparent);
    const attempt = (this.#attempts.get(id) ?? 0) + 1;
    this.#attempts.set(id, attempt);
    const answer = this.answer(input, attempt);
    if (answer instanceof Error && !(answer instanceof VrouterError)) throw answer;
    const result: IngestResult =
      answer instanceof VrouterError
        ? { source: String(input.source), id, status: 'rejected', dispatches: [], error: answer }
        : { source: String(input.source), id, status: answer, dispatches: [] };
    this.#settledNow += 1;
    this.maxUnsettled = Math.max(this.maxUnsettled, this.#settledNow);
    const settled = (this.hold ? new Promise<void>((resolve) => this.#releases.set(id, resolve)) : Promise.resolve())
      .finally(() => {
        this.#settledNow -= 1;
      })
      .then(() => [result]);
    return { results: [result], settled };
  }

  release(id?: string): void {
    for (const [key, resolve] of this.#releases) {
      if (id === undefined || key === id) {
        resolve();
        this.#releases.delete(key);
      }
    }
  }

  get waiting(): number {
    return this.#releases.size;
  }
}

function recordingLogger(): BusLogger & { lines: { level: string; fields: Record<string, unknown>; message: string }[] } {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: object, message: string) => {
    lines.push({ level, fields: fields as Record<string, unknown>, message });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const event = (extensions: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/worker',
  type: 'build.finished',
  customerid: 'acme',
  ...extensions,
});

t.test('SqsWorker against the local SQS endpoint', async (t) => {
  const server = new LocalSqsServer();
  let sqs: SQSClient;
  let queues = 0;
  const workers: SqsWorker[] = [];

  t.before(async () => {
    const { url } = await server.start();
    sqs = new SQSClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });
  t.afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop();
  });
  t.teardown(async () => {
    sqs.destroy();
    await server.stop();
  });

  function setup(options: Partial<SqsWorkerOptions> = {}, attributes: Record<string, string> = {}) {
    queues += 1;
    const queueUrl = server.createQueue(`worker-${queues}`, attributes);
    const router = new ScriptedRouter();
    const logger = recordingLogger();
    const worker = new SqsWorker({ router, queueUrl, client: sqs, logger, waitTimeSeconds: 1, visibilityTimeoutSeconds: 1, ...options });
    workers.push(worker);
    const send = async (body: unknown, attributes?: Record<string, string>) =>
      (
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
            ...(attributes ? { MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])) } : {}),
          }),
        )
      ).MessageId!;
    const kinds = (messageId: string) => server.historyOf(messageId).map((h) => h.kind);
    return { queueUrl, router, logger, worker, send, kinds };
  }

  t.test('deletes a message only once its outcome is recorded, extending its visibility meanwhile', async () => {
    const { router, worker, send, kinds, queueUrl } = setup({ visibilityTimeoutSeconds: 3 });
    router.hold = true;
    const sent = event();
    const messageId = await send(sent, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    worker.start();
    await eventually(() => router.waiting === 1);
    assert.deepEqual(
      router.inputs.map((i) => i.id),
      [sent.id],
    );
    assert.equal(router.traceparents[0], '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    // Held past its visibility timeout: heartbeats (every third of it) keep it in flight, so nobody receives it again.
    // Four heartbeats span more than the 3 s timeout, however slowly they come.
    await eventually(() => kinds(messageId).filter((k) => k === 'visibility').length >= 4);
    assert.equal(kinds(messageId).filter((k) => k === 'received').length, 1);
    assert.ok(!kinds(messageId).includes('deleted'));
    assert.equal(server.messages(queueUrl)[0]?.state, 'in-flight');
    router.release();
    await eventually(() => kinds(messageId).includes('deleted'));
    assert.equal(server.messages(queueUrl).length, 0);
    // The endpoint records the delete when it arrives; the worker counts it when the answer comes back.
    await eventually(() => worker.stats.deleted === 1);
  });

  t.test('a duplicate is a success: deleted', async () => {
    const { router, worker, send, kinds } = setup();
    router.answer = () => 'duplicate';
    const messageId = await send(event());
    worker.start();
    await eventually(() => kinds(messageId).includes('deleted'));
  });

  t.test('never has more than `concurrency` messages in flight', async () => {
    const { router, worker, queueUrl } = setup({ concurrency: 3 });
    router.hold = true;
    const bodies = Array.from({ length: 10 }, () => event());
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.map((b, i) => ({ Id: `m${i}`, MessageBody: JSON.stringify(b) })) }));
    worker.start();
    await eventually(() => router.waiting === 3);
    await sleep(300);
    assert.equal(router.inputs.length, 3);
    assert.equal(worker.inFlight, 3);
    const deadline = Date.now() + 60_000;
    while ((router.inputs.length < 10 || router.waiting > 0) && Date.now() < deadline) {
      router.release();
      await sleep(30);
    }
    await eventually(() => server.messages(queueUrl).length === 0);
    assert.ok(router.maxUnsettled <= 3, `${router.maxUnsettled} in flight at once`);
    assert.equal(new Set(router.inputs.map((i) => i.id)).size, 10);
  });

  t.test('leaves a message the store could not take (retry) for SQS to deliver again', async () => {
    const { router, worker, send, kinds, logger } = setup();
    router.answer = (_input, attempt) => (attempt === 1 ? new VrouterError('VR_STORE_UNAVAILABLE', 'DynamoDB is unavailable (ThrottlingException).') : 'accepted');
    const messageId = await send(event());
    worker.start();
    await eventually(() => kinds(messageId).includes('deleted'), 6000);
    assert.deepEqual(
      kinds(messageId).filter((k) => k === 'received' || k === 'deleted'),
      ['received', 'received', 'deleted'],
    );
    assert.equal(worker.stats.retried, 1);
    assert.equal(logger.lines.filter((l) => l.fields.messageId === messageId && l.level === 'warn').length, 1);
  });

  t.test('an unexpected ingest error is a retry too', async () => {
    const { router, worker, send, kinds } = setup();
    router.answer = (_input, attempt) => (attempt === 1 ? new Error('socket hang up') : 'accepted');
    const messageId = await send(event());
    worker.start();
    await eventually(() => kinds(messageId).includes('deleted'), 6000);
    assert.equal(worker.stats.retried, 1);
  });

  t.test('leaves poison for the redrive policy: it ends in the DLQ, logged once per delivery, and holds up nothing', async () => {
    const dlq = server.createQueue(`worker-dlq-${queues}`);
    const { router, worker, send, kinds, logger } = setup({}, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: server.queueArn(dlq), maxReceiveCount: 2 }) });
    router.answer = (input) => (input.customerid ? 'accepted' : new VrouterError('VR_CUSTOMER_REQUIRED', 'Send the customerid extension attribute.', { field: 'customerid' }));
    const notJson = await send('{{ not json');
    const noCustomer = await send(event({ customerid: undefined }));
    const good = await send(event());
    worker.start();
    await eventually(() => kinds(good).includes('deleted'));
    await eventually(() => server.messages(dlq).length === 2, 8000);
    assert.deepEqual(
      server
        .messages(dlq)
        .map((m) => m.messageId)
        .sort(),
      [notJson, noCustomer].sort(),
    );
    for (const id of [notJson, noCustomer]) {
      assert.ok(!kinds(id).includes('deleted'));
      const lines = logger.lines.filter((l) => l.fields.messageId === id);
      assert.equal(lines.length, 2, `${id}: ${JSON.stringify(lines)}`);
      assert.ok(lines.every((l) => l.level === 'error' && typeof l.fields.reason === 'string'));
    }
    assert.deepEqual(
      logger.lines.filter((l) => l.fields.messageId === notJson).map((l) => [l.fields.code, l.fields.receiveCount]),
      [
        ['VR_BODY_MALFORMED', 1],
        ['VR_BODY_MALFORMED', 2],
      ],
    );
    assert.equal(logger.lines.find((l) => l.fields.messageId === noCustomer)?.fields.code, 'VR_CUSTOMER_REQUIRED');
    assert.equal(worker.stats.poison, 4);
  });

  t.test('keeps receiving after ReceiveMessage fails, pausing in between', async () => {
    const { worker, send, kinds, logger, queueUrl } = setup({ receiveBackoffMs: 50 });
    server.failNext(2, { type: 'ServiceUnavailable', operation: 'ReceiveMessage', queue: queueUrl.slice(queueUrl.lastIndexOf('/') + 1) });
    const messageId = await send(event());
    worker.start();
    await eventually(() => kinds(messageId).includes('deleted'));
    assert.equal(logger.lines.filter((l) => l.level === 'warn' && l.message.includes('ReceiveMessage failed')).length, 2);
  });

  t.test('stop() abandons the long poll, finishes the in-flight messages (deleting them), then resolves', async () => {
    const { router, worker, send, kinds } = setup({ waitTimeSeconds: 20 });
    router.hold = true;
    const messageId = await send(event());
    worker.start();
    await eventually(() => router.waiting === 1);
    let stopped = false;
    const started = Date.now();
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await sleep(300);
    assert.equal(stopped, false, 'stop() must wait for the in-flight message');
    router.release();
    await stopping;
    // Well inside the 20 s long poll: stop() abandoned it instead of waiting it out.
    assert.ok(Date.now() - started < 15_000, `stopped after ${Date.now() - started} ms`);
    assert.ok(kinds(messageId).includes('deleted'));
    // Nothing is received after stop.
    const later = await send(event());
    await sleep(300);
    assert.deepEqual(kinds(later), ['sent']);
  });

  t.test('stopReceiving() resolves once received messages are ingested, before their dispatches finish', async () => {
    const { router, worker, send, kinds } = setup({ waitTimeSeconds: 20 });
    router.hold = true;
    const messageId = await send(event());
    worker.start();
    await eventually(() => router.waiting === 1);
    await worker.stopReceiving();
    assert.equal(worker.inFlight, 1);
    router.release();
    await worker.drain();
    assert.ok(kinds(messageId).includes('deleted'));
  });
});
