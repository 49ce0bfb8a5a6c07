import { randomBytes, randomUUID } from 'node:crypto';
import { md5OfBody } from './sqs-md5.js';
import { SqsApiError } from './sqs-protocol.js';
import type { SqsMessageAttribute, SqsStoredMessage } from './sqs-types.js';

/** The attributes a queue can be created with, their range and default; all travel as strings. */
const NUMERIC_ATTRIBUTES: Record<string, { min: number; max: number; fallback: number }> = {
  DelaySeconds: { min: 0, max: 900, fallback: 0 },
  MaximumMessageSize: { min: 1024, max: 1_048_576, fallback: 262_144 },
  MessageRetentionPeriod: { min: 60, max: 1_209_600, fallback: 345_600 },
  ReceiveMessageWaitTimeSeconds: { min: 0, max: 20, fallback: 0 },
  VisibilityTimeout: { min: 0, max: 43_200, fallback: 30 },
};
/** Accepted and answered back, but without effect here. */
const OPAQUE_ATTRIBUTES = ['Policy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled', 'RedriveAllowPolicy'];

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** One message as the queue holds it. `receipt` is the handle of its latest delivery. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, SqsMessageAttribute>;
  /** System attributes the sender set (AWSTraceHeader) and DeadLetterQueueSourceArn after a move. */
  system: Record<string, string>;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt: number | undefined;
  visibleAt: number;
  receipt: string | undefined;
}

function invalidValue(message: string): never {
  throw new SqsApiError('InvalidAttributeValue', message);
}

/** Validates queue attributes for CreateQueue / SetQueueAttributes; returns them normalised (numbers as decimal strings). */
export function checkQueueAttributes(input: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, raw] of Object.entries(input)) {
    if (typeof raw !== 'string') invalidValue(`Attribute ${name} must be a string.`);
    const numeric = NUMERIC_ATTRIBUTES[name];
    if (numeric) {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(value) || value < numeric.min || value > numeric.max) {
        invalidValue(`Invalid value for the parameter ${name}. Reason: must be an integer from ${numeric.min} to ${numeric.max}.`);
      }
      out.set(name, String(value));
    } else if (name === 'RedrivePolicy') {
      parseRedrivePolicy(raw);
      out.set(name, raw);
    } else if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') {
      if (raw === 'true') invalidValue(`${name}: FIFO queues are not supported by this local server.`);
      out.set(name, raw);
    } else if (OPAQUE_ATTRIBUTES.includes(name)) {
      out.set(name, raw);
    } else {
      throw new SqsApiError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
  }
  return out;
}

/** Parses a RedrivePolicy attribute: `{"deadLetterTargetArn": "...", "maxReceiveCount": 1..1000}` (the count may be a string). */
export function parseRedrivePolicy(raw: string): RedrivePolicy | undefined {
  if (raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    invalidValue('Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.');
  }
  const policy = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const count = Number(policy.maxReceiveCount);
  if (typeof policy.deadLetterTargetArn !== 'string' || !Number.isInteger(count) || count < 1 || count > 1000) {
    invalidValue('Invalid value for the parameter RedrivePolicy. Reason: it needs deadLetterTargetArn and a maxReceiveCount from 1 to 1000.');
  }
  return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: count };
}

/**
 * An in-memory standard queue: messages in send order, each visible, in flight (until `visibleAt`) or delayed.
 * Receipt handles name the queue, the message and the delivery, so a handle from an earlier delivery is stale.
 */
export class LocalQueue {
  readonly messages = new Map<string, QueuedMessage>();
  readonly createdAt = Date.now();
  lastModifiedAt = this.createdAt;
  /** Woken whenever a message may have become receivable; long polls wait on it. */
  readonly waiters = new Set<() => void>();
  #attributes: Map<string, string>;
  #deliveries = 0;

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly url: string,
    attributes: Map<string, string>,
  ) {
    this.#attributes = attributes;
  }

  /** The attributes set at creation or since, as given (not the computed ones). */
  get setAttributes(): ReadonlyMap<string, string> {
    return this.#attributes;
  }

  setAttributesFrom(changes: Map<string, string>): void {
    for (const [name, value] of changes) this.#attributes.set(name, value);
    this.lastModifiedAt = Date.now();
  }

  numeric(name: keyof typeof NUMERIC_ATTRIBUTES): number {
    const raw = this.#attributes.get(name);
    return raw === undefined ? NUMERIC_ATTRIBUTES[name]!.fallback : Number(raw);
  }

  get redrivePolicy(): RedrivePolicy | undefined {
    const raw = this.#attributes.get('RedrivePolicy');
    return raw === undefined ? undefined : parseRedrivePolicy(raw);
  }

  /** Enqueues a message; its visibility starts after `delaySeconds`. */
  add(body: string, attributes: Record<string, SqsMessageAttribute>, system: Record<string, string>, delaySeconds: number, now: number): QueuedMessage {
    const message: QueuedMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5OfBody(body),
      attributes,
      system,
      sentAt: now,
      receiveCount: 0,
      firstReceiveAt: undefined,
      visibleAt: now + delaySeconds * 1000,
      receipt: undefined,
    };
    this.messages.set(message.messageId, message);
    this.wake();
    return message;
  }

  /** Takes over a message moved from another queue (redrive): same id, body and sent time, not yet received here. */
  adopt(message: QueuedMessage, sourceArn: string, now: number): void {
    this.messages.set(message.messageId, {
      ...message,
      system: { ...message.system, DeadLetterQueueSourceArn: sourceArn },
      receiveCount: 0,
      firstReceiveAt: undefined,
      visibleAt: now,
      receipt: undefined,
    });
    this.wake();
  }

  /** Messages receivable now, oldest first; drops messages past the retention period on the way. */
  visible(now: number): QueuedMessage[] {
    this.#expire(now);
    return [...this.messages.values()].filter((m) => m.visibleAt <= now);
  }

  /** Delivers a message: counts the receive, hides it for `visibilityTimeout` seconds and issues a new receipt handle. */
  deliver(message: QueuedMessage, visibilityTimeout: number, now: number): void {
    this.#deliveries += 1;
    message.receiveCount += 1;
    message.firstReceiveAt ??= now;
    message.visibleAt = now + visibilityTimeout * 1000;
    const token = `${this.name}\n${message.messageId}\n${this.#deliveries}\n${randomBytes(12).toString('hex')}`;
    message.receipt = Buffer.from(token, 'utf8').toString('base64');
  }

  /**
   * The message a receipt handle names, whether that handle is its latest delivery's, or undefined when the message
   * is gone. Throws ReceiptHandleIsInvalid for a handle this queue never issued.
   */
  byReceipt(receipt: string): { message: QueuedMessage | undefined; current: boolean } {
    const parts = Buffer.from(receipt, 'base64').toString('utf8').split('\n');
    if (parts.length !== 4 || parts[0] !== this.name) {
      throw new SqsApiError('ReceiptHandleIsInvalid', `The input receipt handle "${receipt}" is not a valid receipt handle.`);
    }
    const message = this.messages.get(parts[1]!);
    return { message, current: message?.receipt === receipt };
  }

  /** When the next hidden message becomes visible, if any. */
  nextVisibleAt(now: number): number | undefined {
    let next: number | undefined;
    for (const m of this.messages.values()) if (m.visibleAt > now && (next === undefined || m.visibleAt < next)) next = m.visibleAt;
    return next;
  }

  counts(now: number): { visible: number; inFlight: number; delayed: number } {
    this.#expire(now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of this.messages.values()) {
      if (m.visibleAt <= now) visible += 1;
      else if (m.receipt === undefined) delayed += 1;
      else inFlight += 1;
    }
    return { visible, inFlight, delayed };
  }

  snapshot(now: number): SqsStoredMessage[] {
    return [...this.messages.values()].map((m) => ({
      messageId: m.messageId,
      body: m.body,
      receiveCount: m.receiveCount,
      state: m.visibleAt <= now ? 'visible' : m.receipt === undefined ? 'delayed' : 'in-flight',
    }));
  }

  /** Every attribute GetQueueAttributes can answer, as strings. */
  allAttributes(now: number): Record<string, string> {
    const counts = this.counts(now);
    const out: Record<string, string> = {
      QueueArn: this.arn,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(this.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(this.lastModifiedAt / 1000)),
    };
    for (const [name, { fallback }] of Object.entries(NUMERIC_ATTRIBUTES)) out[name] = this.#attributes.get(name) ?? String(fallback);
    for (const [name, value] of this.#attributes) out[name] ??= value;
    return out;
  }

  wake(): void {
    for (const wake of [...this.waiters]) wake();
  }

  #expire(now: number): void {
    const retentionMs = this.numeric('MessageRetentionPeriod') * 1000;
    for (const [id, m] of this.messages) if (now - m.sentAt > retentionMs) this.messages.delete(id);
  }
}
