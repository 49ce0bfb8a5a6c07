import { randomUUID } from 'node:crypto';
import { InFlight, isRecord } from '@vrouter/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { header, LocalEndpoint, readBody } from './http-server.js';
import {
  entries,
  type Input,
  messageAttributes,
  messageBody,
  messageSize,
  optionalInteger,
  requiredInteger,
  requiredString,
  stringList,
  stringMap,
  systemAttributes,
} from './sqs-input.js';
import { md5OfMessageAttributes } from './sqs-md5.js';
import { AMZ_JSON_1_0, SQS_TARGET_PREFIX, SqsApiError, writeSqsError, writeSqsJson } from './sqs-protocol.js';
import { checkQueueAttributes, LocalQueue, parseRedrivePolicy, type QueuedMessage } from './sqs-queue.js';
import type { SqsErrorSpec, SqsHistoryEntry, SqsHistoryKind, SqsMessageAttribute, SqsStoredMessage } from './sqs-types.js';

const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** The system attributes ReceiveMessage can return (`All` selects every one the message has). */
const SYSTEM_ATTRIBUTES = ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'SentTimestamp', 'SenderId', 'AWSTraceHeader', 'DeadLetterQueueSourceArn'];

export interface LocalSqsServerOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; default 0, a free port chosen by the OS. */
  port?: number;
  /** Region and account in queue ARNs and URLs; default us-east-1 and 000000000000. */
  region?: string;
  accountId?: string;
}

type Operation = (input: Input, exchange: { req: IncomingMessage; res: ServerResponse }) => Promise<Record<string, unknown>> | Record<string, unknown>;

/**
 * A local endpoint speaking SQS's JSON protocol (awsJson1_0: `POST /`, `X-Amz-Target: AmazonSQS.<Operation>`,
 * `Content-Type: application/x-amz-json-1.0`), so the real `SQSClient`, pointed at it with `endpoint` or
 * `AWS_ENDPOINT_URL_SQS`, works against in-memory standard queues. Operations: CreateQueue, GetQueueUrl,
 * SetQueueAttributes, GetQueueAttributes, SendMessage, SendMessageBatch, ReceiveMessage (long polling,
 * MaxNumberOfMessages, VisibilityTimeout, system and message attributes), DeleteMessage, DeleteMessageBatch,
 * ChangeMessageVisibility. Behaves like SQS where consumers depend on it:
 * - MD5OfMessageBody / MD5OfBody / MD5OfMessageAttributes are the real digests (the SDK checks the body ones);
 * - each delivery has its own receipt handle; deleting with an earlier delivery's handle succeeds without deleting
 *   (as SQS documents: use the latest handle); ChangeMessageVisibility with it is MessageNotInflight;
 * - a RedrivePolicy (`maxReceiveCount`, `deadLetterTargetArn` of an existing queue) moves a message to the
 *   dead-letter queue when a receive would exceed the count, keeping its id and body;
 * - errors carry `__type` and `x-amzn-query-error`, so the SDK raises the modelled exceptions (QueueDoesNotExist...).
 * FIFO queues are not supported.
 */
export class LocalSqsServer {
  /** Everything that happened to messages, in order. */
  readonly history: SqsHistoryEntry[] = [];

  readonly #endpoint: LocalEndpoint;
  readonly #region: string;
  readonly #accountId: string;
  readonly #queues = new Map<string, LocalQueue>();
  readonly #faults: SqsErrorSpec[] = [];
  readonly #polls = new InFlight();
  readonly #operations: Record<string, Operation>;
  #stopping = false;

  constructor(options: LocalSqsServerOptions = {}) {
    this.#endpoint = new LocalEndpoint('LocalSqsServer', options.host ?? '127.0.0.1', options.port ?? 0);
    this.#region = options.region ?? 'us-east-1';
    this.#accountId = options.accountId ?? '000000000000';
    this.#operations = {
      CreateQueue: (input) => ({ QueueUrl: this.createQueue(requiredString(input, 'QueueName'), stringMap(input, 'Attributes')) }),
      GetQueueUrl: (input) => ({ QueueUrl: this.#byName(requiredString(input, 'QueueName')).url }),
      SetQueueAttributes: (input) => this.#setAttributes(input),
      GetQueueAttributes: (input) => this.#getAttributes(input),
      SendMessage: (input) => this.#send(this.#queue(input), input),
      SendMessageBatch: (input) => this.#sendBatch(input),
      ReceiveMessage: (input, exchange) => this.#receive(input, exchange.res),
      DeleteMessage: (input) => this.#delete(this.#queue(input), requiredString(input, 'ReceiptHandle')),
      DeleteMessageBatch: (input) => this.#deleteBatch(input),
      ChangeMessageVisibility: (input) => this.#changeVisibility(input),
    };
  }

  /** Starts listening and returns the base URL. Throws if already started or the port is taken. */
  start(): Promise<{ url: string }> {
    this.#stopping = false;
    return this.#endpoint.start((req, res) => {
      void this.#handle(req, res);
    });
  }

  /** The base URL; throws before start(). */
  get url(): string {
    return this.#endpoint.url;
  }

  /** How many ReceiveMessage calls are being answered now (long polls waiting for a message); tests wait on it. */
  get waitingPolls(): number {
    return this.#polls.size;
  }

  /** Answers waiting long polls (empty), stops listening and closes idle keep-alive connections. Safe to call twice. */
  async stop(): Promise<void> {
    await this.#endpoint.stop({
      drain: async () => {
        this.#stopping = true;
        for (const queue of this.#queues.values()) queue.wake();
        await this.#polls.drain();
      },
    });
  }

  /**
   * Creates a queue (as CreateQueue does) and returns its URL; answers the existing URL when a queue of that name
   * exists with the same attributes. Throws SqsApiError for a bad name or attribute, or a RedrivePolicy whose
   * dead-letter queue does not exist.
   */
  createQueue(name: string, attributes: Record<string, string> = {}): string {
    if (!QUEUE_NAME.test(name)) {
      throw new SqsApiError('InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    const checked = this.#checkAttributes(attributes);
    const existing = this.#queues.get(name);
    if (existing !== undefined) {
      for (const [attribute, value] of checked) {
        if (existing.setAttributes.get(attribute) !== value) {
          throw new SqsApiError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${attribute}`);
        }
      }
      return existing.url;
    }
    const queue = new LocalQueue(name, `arn:aws:sqs:${this.#region}:${this.#accountId}:${name}`, `${this.url}/${this.#accountId}/${name}`, checked);
    this.#queues.set(name, queue);
    return queue.url;
  }

  /** The ARN of a queue, by name or URL. */
  queueArn(queue: string): string {
    return this.#lookup(queue).arn;
  }

  /** The messages a queue holds (by name or URL), visible or not, oldest first. */
  messages(queue: string): SqsStoredMessage[] {
    return this.#lookup(queue).snapshot(Date.now());
  }

  /**
   * Makes every in-flight message of the queue visible now, as if its visibility timeout had expired (a consumer
   * that stalled, or lost its heartbeat). Returns how many became visible. The old receipt handles go stale.
   */
  expireVisibility(queue: string): number {
    const found = this.#lookup(queue);
    const now = Date.now();
    let count = 0;
    for (const m of found.messages.values()) {
      if (m.visibleAt > now && m.receipt !== undefined) {
        m.visibleAt = now;
        count += 1;
      }
    }
    found.wake();
    return count;
  }

  /** Answers the next `times` calls (of `spec.operation`, when given) with an API error, before any validation. */
  failNext(times: number, spec: SqsErrorSpec): this {
    for (let i = 0; i < times; i++) this.#faults.push(spec);
    return this;
  }

  /** The history of one message, in order. */
  historyOf(messageId: string): SqsHistoryEntry[] {
    return this.history.filter((h) => h.messageId === messageId);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      // Read (or drain) the body before any answer: replying early makes Node clients see a reset instead.
      const body = await readBody(req, MAX_REQUEST_BYTES);
      const target = header(req, 'x-amz-target') ?? '';
      const operation = target.startsWith(SQS_TARGET_PREFIX) ? this.#operations[target.slice(SQS_TARGET_PREFIX.length)] : undefined;
      if (req.method !== 'POST' || operation === undefined) {
        throw new SqsApiError('UnsupportedOperation', `Not an SQS operation this server supports: ${req.method} ${req.url} ${target || '(no X-Amz-Target)'}.`);
      }
      if (!(header(req, 'content-type') ?? '').startsWith(AMZ_JSON_1_0)) throw new SqsApiError('UnsupportedOperation', `Content-Type must be ${AMZ_JSON_1_0}.`);
      if (body === null) throw new SqsApiError('InvalidParameterValue', `Request larger than ${MAX_REQUEST_BYTES} bytes.`);
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        throw new SqsApiError('SerializationException', 'Request body is not JSON.');
      }
      if (!isRecord(input)) throw new SqsApiError('SerializationException', 'Request body is not a JSON object.');
      const name = target.slice(SQS_TARGET_PREFIX.length);
      const queueName = typeof input.QueueUrl === 'string' ? input.QueueUrl.slice(input.QueueUrl.lastIndexOf('/') + 1) : input.QueueName;
      const fault = this.#faults.findIndex((f) => (f.operation === undefined || f.operation === name) && (f.queue === undefined || f.queue === queueName));
      if (fault >= 0) {
        const [spec] = this.#faults.splice(fault, 1);
        throw new SqsApiError(spec!.type, spec!.message ?? spec!.type, spec!.status);
      }
      const document = await operation(input, { req, res });
      if (!res.destroyed) writeSqsJson(res, requestId, document);
    } catch (error) {
      if (res.headersSent || res.destroyed) return;
      writeSqsError(res, requestId, error instanceof SqsApiError ? error : new SqsApiError('InternalError', String(error)));
    }
  }

  #record(kind: SqsHistoryKind, queue: LocalQueue, message: QueuedMessage, at: number, detail?: string | number): void {
    const entry: SqsHistoryEntry = { kind, queue: queue.name, messageId: message.messageId, receiveCount: message.receiveCount, at };
    if (detail !== undefined) entry.detail = detail;
    this.history.push(entry);
  }

  /** A queue by name or URL; throws (a plain Error, for test helpers) when there is none. */
  #lookup(queue: string): LocalQueue {
    const name = queue.includes('/') ? queue.slice(queue.lastIndexOf('/') + 1) : queue;
    const found = this.#queues.get(name);
    if (found === undefined) throw new Error(`No queue ${queue}.`);
    return found;
  }

  #byName(name: string): LocalQueue {
    const found = this.#queues.get(name);
    if (found === undefined) throw new SqsApiError('QueueDoesNotExist', 'The specified queue does not exist.');
    return found;
  }

  /** The queue named by the request's QueueUrl (its path is /<account>/<name>; the host may be any alias of ours). */
  #queue(input: Input): LocalQueue {
    const raw = requiredString(input, 'QueueUrl');
    let path: string;
    try {
      path = new URL(raw).pathname;
    } catch {
      throw new SqsApiError('QueueDoesNotExist', 'The specified queue does not exist.');
    }
    const [, account, name, ...rest] = path.split('/');
    if (account !== this.#accountId || name === undefined || rest.length > 0) throw new SqsApiError('QueueDoesNotExist', 'The specified queue does not exist.');
    return this.#byName(name);
  }

  #checkAttributes(attributes: Record<string, string>): Map<string, string> {
    const checked = checkQueueAttributes(attributes);
    const redrive = checked.get('RedrivePolicy');
    const policy = redrive === undefined ? undefined : parseRedrivePolicy(redrive);
    if (policy && ![...this.#queues.values()].some((q) => q.arn === policy.deadLetterTargetArn)) {
      throw new SqsApiError('InvalidParameterValue', `Value ${redrive} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`);
    }
    return checked;
  }

  #setAttributes(input: Input): Record<string, unknown> {
    const queue = this.#queue(input);
    queue.setAttributesFrom(this.#checkAttributes(stringMap(input, 'Attributes')));
    queue.wake();
    return {};
  }

  #getAttributes(input: Input): Record<string, unknown> {
    const queue = this.#queue(input);
    const all = queue.allAttributes(Date.now());
    const names = stringList(input, 'AttributeNames');
    const wanted = names.includes('All') ? Object.keys(all) : names;
    const attributes: Record<string, string> = {};
    for (const name of wanted) {
      if (!(name in all) && !['FifoQueue', 'ContentBasedDeduplication', 'Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'RedrivePolicy'].includes(name)) {
        throw new SqsApiError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
      if (all[name] !== undefined) attributes[name] = all[name];
    }
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  }

  /** Validates and enqueues one message; the answer SendMessage gives. */
  #send(queue: LocalQueue, input: Input): Record<string, unknown> {
    const body = messageBody(input);
    const attributes = messageAttributes(input);
    const system = systemAttributes(input);
    const max = queue.numeric('MaximumMessageSize');
    if (messageSize(body, attributes) > max) {
      throw new SqsApiError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`);
    }
    const delay = optionalInteger(input, 'DelaySeconds', 0, 900) ?? queue.numeric('DelaySeconds');
    const now = Date.now();
    const message = queue.add(body, attributes, system, delay, now);
    this.#record('sent', queue, message, now);
    const md5Attributes = md5OfMessageAttributes(attributes);
    return { MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody, ...(md5Attributes === undefined ? {} : { MD5OfMessageAttributes: md5Attributes }) };
  }

  #sendBatch(input: Input): Record<string, unknown> {
    const queue = this.#queue(input);
    const batch = entries(input, 'SendMessageBatchRequestEntry');
    const max = queue.numeric('MaximumMessageSize');
    const total = batch.reduce((sum, e) => sum + (typeof e.MessageBody === 'string' ? Buffer.byteLength(e.MessageBody) : 0), 0);
    if (total > max) throw new SqsApiError('BatchRequestTooLong', `Batch requests cannot be longer than ${max} bytes. You have sent ${total} bytes.`);
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    for (const entry of batch) {
      try {
        Successful.push({ Id: entry.Id, ...this.#send(queue, entry) });
      } catch (error) {
        if (!(error instanceof SqsApiError)) throw error;
        Failed.push({ Id: entry.Id, SenderFault: true, Code: error.type, Message: error.message });
      }
    }
    return { Successful, Failed };
  }

  /**
   * ReceiveMessage: answers at once when a message is visible, else waits (long polling) until one becomes visible,
   * the wait ends, the client goes away (then nothing is delivered to it) or the server stops.
   */
  async #receive(input: Input, res: ServerResponse): Promise<Record<string, unknown>> {
    const queue = this.#queue(input);
    const max = optionalInteger(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibility = optionalInteger(input, 'VisibilityTimeout', 0, 43_200) ?? queue.numeric('VisibilityTimeout');
    const waitSeconds = optionalInteger(input, 'WaitTimeSeconds', 0, 20) ?? queue.numeric('ReceiveMessageWaitTimeSeconds');
    const systemNames = new Set([...stringList(input, 'AttributeNames'), ...stringList(input, 'MessageSystemAttributeNames')]);
    const attributeNames = stringList(input, 'MessageAttributeNames');
    let gone = false;
    res.once('close', () => {
      gone = true;
      queue.wake();
    });
    const deadline = Date.now() + waitSeconds * 1000;
    let taken: QueuedMessage[] = [];
    const poll = (async () => {
      for (;;) {
        const now = Date.now();
        if (gone) return;
        taken = this.#take(queue, max, visibility, now);
        if (taken.length > 0 || now >= deadline || this.#stopping) return;
        await this.#waitForChange(queue, Math.min(deadline, queue.nextVisibleAt(now) ?? deadline) - now);
      }
    })();
    await this.#polls.track(poll);
    if (taken.length === 0) return {};
    return { Messages: taken.map((m) => this.#present(m, systemNames, attributeNames)) };
  }

  /** Up to `max` visible messages, delivered; a message past its queue's maxReceiveCount moves to the dead-letter queue instead. */
  #take(queue: LocalQueue, max: number, visibility: number, now: number): QueuedMessage[] {
    const taken: QueuedMessage[] = [];
    const policy = queue.redrivePolicy;
    for (const message of queue.visible(now)) {
      if (taken.length >= max) break;
      if (policy && message.receiveCount >= policy.maxReceiveCount) {
        const deadLetter = [...this.#queues.values()].find((q) => q.arn === policy.deadLetterTargetArn);
        if (deadLetter) {
          queue.messages.delete(message.messageId);
          deadLetter.adopt(message, queue.arn, now);
          this.#record('moved', queue, message, now, deadLetter.name);
          continue;
        }
      }
      queue.deliver(message, visibility, now);
      this.#record('received', queue, message, now);
      taken.push(message);
    }
    return taken;
  }

  #waitForChange(queue: LocalQueue, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        queue.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(ms, 1));
      queue.waiters.add(done);
    });
  }

  #present(message: QueuedMessage, systemNames: Set<string>, attributeNames: string[]): Record<string, unknown> {
    const system: Record<string, string> = {
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt ?? Date.now()),
      SentTimestamp: String(message.sentAt),
      SenderId: this.#accountId,
      ...message.system,
    };
    const Attributes: Record<string, string> = {};
    for (const name of SYSTEM_ATTRIBUTES) {
      if ((systemNames.has('All') || systemNames.has(name)) && system[name] !== undefined) Attributes[name] = system[name];
    }
    const MessageAttributes: Record<string, SqsMessageAttribute> = {};
    for (const [name, value] of Object.entries(message.attributes)) {
      if (attributeNames.some((wanted) => wanted === 'All' || wanted === '.*' || wanted === name || (wanted.endsWith('.*') && name.startsWith(wanted.slice(0, -1))))) {
        MessageAttributes[name] = value;
      }
    }
    const md5Attributes = md5OfMessageAttributes(MessageAttributes);
    return {
      MessageId: message.messageId,
      ReceiptHandle: message.receipt,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
      ...(Object.keys(Attributes).length > 0 ? { Attributes } : {}),
      ...(md5Attributes === undefined ? {} : { MD5OfMessageAttributes: md5Attributes, MessageAttributes }),
    };
  }

  #delete(queue: LocalQueue, receipt: string): Record<string, unknown> {
    const { message, current } = queue.byReceipt(receipt);
    if (message !== undefined) {
      const now = Date.now();
      if (current) queue.messages.delete(message.messageId);
      this.#record(current ? 'deleted' : 'delete-stale', queue, message, now);
    }
    return {};
  }

  #deleteBatch(input: Input): Record<string, unknown> {
    const queue = this.#queue(input);
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    for (const entry of entries(input, 'DeleteMessageBatchRequestEntry')) {
      try {
        this.#delete(queue, requiredString(entry, 'ReceiptHandle'));
        Successful.push({ Id: entry.Id });
      } catch (error) {
        if (!(error instanceof SqsApiError)) throw error;
        Failed.push({ Id: entry.Id, SenderFault: true, Code: error.type, Message: error.message });
      }
    }
    return { Successful, Failed };
  }

  #changeVisibility(input: Input): Record<string, unknown> {
    const queue = this.#queue(input);
    const receipt = requiredString(input, 'ReceiptHandle');
    const timeout = requiredInteger(input, 'VisibilityTimeout', 0, 43_200);
    const { message, current } = queue.byReceipt(receipt);
    const now = Date.now();
    if (message === undefined || !current || message.visibleAt <= now) {
      throw new SqsApiError(
        'MessageNotInflight',
        `Value ${receipt} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    message.visibleAt = now + timeout * 1000;
    this.#record('visibility', queue, message, now, timeout);
    if (timeout === 0) queue.wake();
    return {};
  }
}
