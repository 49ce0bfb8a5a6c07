import { ChangeMessageVisibilityCommand, DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { EventBridgePaths } from '../bus/eventbridge.js';
import { type BusLogger, logOutcome, type MessageOutcome, processMessage } from '../bus/messages.js';
import { backoffDelay, InFlight } from '@vrouter/core';
import type { EventRouter } from '@vrouter/engine';

export interface SqsWorkerOptions {
  router: Pick<EventRouter, 'ingest'>;
  queueUrl: string;
  /** A ready client (e.g. pointed at a local endpoint); else one from `clientConfig` and the SDK's standard chain (AWS_ENDPOINT_URL_SQS...). */
  client?: SQSClient;
  clientConfig?: SQSClientConfig;
  /** Messages in flight at most (received and not finished). Default 10. */
  concurrency?: number;
  /** Long-polling wait of each ReceiveMessage, 0-20 seconds. Default 20. */
  waitTimeSeconds?: number;
  /** Visibility timeout asked for on receive and renewed, every third of it, while the message is in flight. Default 30. */
  visibilityTimeoutSeconds?: number;
  paths?: EventBridgePaths;
  /** Largest message body accepted; a larger one is poison. */
  maxMessageBytes?: number;
  logger?: BusLogger;
  /** First pause after a failed ReceiveMessage, doubled per consecutive failure up to 20 s. Default 1000. */
  receiveBackoffMs?: number;
}

export interface SqsWorkerStats {
  received: number;
  deleted: number;
  retried: number;
  poison: number;
}

const MAX_RECEIVE_BACKOFF_MS = 20_000;
const silent: BusLogger = { info() {}, warn() {}, error() {} };

/**
 * Consumes an SQS queue of CloudEvents (structured JSON) or EventBridge envelopes into the router, beside the HTTP
 * API. Per message, the same semantics as the Lambda handler (see MessageOutcome):
 * - accepted or duplicate: deleted once the outcome is recorded (after `settled`), never before; a dispatch that
 *   failed after acceptance is recorded as failed (replayable) and its message deleted too;
 * - retry (store unavailable, throttled): not deleted; SQS delivers it again after its visibility timeout;
 * - poison (not JSON, not an event, refused by validation, too large): logged once with the reason and not deleted,
 *   so the queue's redrive policy moves it to the dead-letter queue after maxReceiveCount. It never holds up the
 *   other messages.
 * While a message is in flight its visibility timeout is extended (ChangeMessageVisibility), so a slow dispatch is
 * not delivered to another consumer; if it is anyway (the extension failed), the second delivery is a duplicate.
 * At most `concurrency` messages are in flight; receiving pauses while that many are.
 */
export class SqsWorker {
  readonly stats: SqsWorkerStats = { received: 0, deleted: 0, retried: 0, poison: 0 };

  readonly #options: SqsWorkerOptions;
  readonly #client: SQSClient;
  readonly #ownsClient: boolean;
  readonly #logger: BusLogger;
  readonly #concurrency: number;
  readonly #visibilityTimeout: number;
  readonly #abort = new AbortController();
  readonly #inFlight = new InFlight();
  readonly #ingesting = new InFlight();
  #loop: Promise<void> | undefined;
  #stopping = false;
  /** Wakes the receive loop waiting for a free slot, or pausing after a failure. */
  #slotFreed: (() => void) | undefined;
  #pauseOver: (() => void) | undefined;

  constructor(options: SqsWorkerOptions) {
    this.#options = options;
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? new SQSClient(options.clientConfig ?? {});
    this.#logger = options.logger ?? silent;
    this.#concurrency = options.concurrency ?? 10;
    this.#visibilityTimeout = options.visibilityTimeoutSeconds ?? 30;
  }

  /** Messages received and not finished yet. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Starts receiving. Throws when already started. */
  start(): void {
    if (this.#loop !== undefined) throw new Error('SqsWorker is already started.');
    this.#loop = this.#receiveLoop();
  }

  /**
   * Stops receiving (a pending long poll is abandoned) and resolves once every message received so far has been
   * ingested, i.e. its claims are durable: the store may close after this, while dispatches still finish.
   */
  async stopReceiving(): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    this.#slotFreed?.();
    this.#pauseOver?.();
    await this.#loop;
    await this.#ingesting.drain();
  }

  /** Resolves once every received message is finished: deleted after its outcome was recorded, or left in the queue. */
  drain(): Promise<void> {
    return this.#inFlight.drain();
  }

  /** Graceful stop: no more receiving, in-flight messages finished, then the client (if it made it) closed. */
  async stop(): Promise<void> {
    await this.stopReceiving();
    await this.drain();
    if (this.#ownsClient) this.#client.destroy();
  }

  async #receiveLoop(): Promise<void> {
    const { queueUrl } = this.#options;
    let failures = 0;
    while (!this.#stopping) {
      const room = this.#concurrency - this.#inFlight.size;
      if (room <= 0) {
        await new Promise<void>((resolve) => {
          this.#slotFreed = resolve;
        });
        continue;
      }
      let messages: Message[];
      try {
        const out = await this.#client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, room),
            WaitTimeSeconds: this.#options.waitTimeSeconds ?? 20,
            VisibilityTimeout: this.#visibilityTimeout,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
            MessageAttributeNames: ['traceparent', 'vroutercontext'],
          }),
          { abortSignal: this.#abort.signal },
        );
        messages = out.Messages ?? [];
        failures = 0;
      } catch (error) {
        if (this.#stopping) break;
        failures += 1;
        const pauseMs = backoffDelay({ maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: this.#options.receiveBackoffMs ?? 1000, maxDelayMs: MAX_RECEIVE_BACKOFF_MS }, failures);
        this.#logger.warn({ err: error, queueUrl, pauseMs }, 'SQS ReceiveMessage failed; trying again after a pause');
        await this.#pause(pauseMs);
        continue;
      }
      for (const message of messages) {
        this.stats.received += 1;
        const work = this.#inFlight.track(
          this.#handle(message).catch((error: unknown) =>
            this.#logger.error({ err: error, messageId: message.MessageId }, 'unexpected error handling an SQS message; it stays in the queue'),
          ),
        );
        // After the tracker forgot it (its callback was registered first), so the loop sees the free slot.
        void work.then(() => {
          this.#slotFreed?.();
          this.#slotFreed = undefined;
        });
      }
    }
  }

  /** One message, start to finish. Never rejects. */
  async #handle(message: Message): Promise<void> {
    const receipt = message.ReceiptHandle ?? '';
    const fields = { queueUrl: this.#options.queueUrl, messageId: message.MessageId, receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0) };
    const stopHeartbeat = this.#heartbeat(receipt, fields);
    let outcome: MessageOutcome;
    try {
      const traceparent = message.MessageAttributes?.traceparent?.StringValue;
      const context = message.MessageAttributes?.vroutercontext?.StringValue;
      const processed = await this.#ingesting.track(
        processMessage(this.#options.router, message.Body ?? '', {
          ...(context ? { context } : {}),
          ...(this.#options.paths ? { paths: this.#options.paths } : {}),
          ...(this.#options.maxMessageBytes === undefined ? {} : { maxBytes: this.#options.maxMessageBytes }),
          ...(traceparent ? { traceparent } : {}),
        }),
      );
      outcome = processed.outcome;
      logOutcome(this.#logger, outcome, processed.decoded, fields);
      // Claims won are dispatched even for a rejected event; its message stays in flight until they finish.
      await outcome.settled;
    } finally {
      stopHeartbeat();
    }
    if (outcome.kind === 'retry') this.stats.retried += 1;
    if (outcome.kind === 'poison') this.stats.poison += 1;
    // Left in the queue: delivered again after the visibility timeout, and poison moved to the DLQ by the redrive policy.
    if (outcome.kind !== 'done') return;
    try {
      await this.#client.send(new DeleteMessageCommand({ QueueUrl: this.#options.queueUrl, ReceiptHandle: receipt }));
      this.stats.deleted += 1;
    } catch (error) {
      this.#logger.warn({ err: error, ...fields }, 'could not delete a routed SQS message; its next delivery will be a duplicate');
    }
  }

  /**
   * Keeps the message invisible while it is processed: renews its visibility timeout every third of it. Once SQS
   * says this delivery is over (its visibility expired and the message was delivered again), renewing stops: the
   * other delivery is answered duplicate, and this one still finishes its dispatch.
   */
  #heartbeat(receipt: string, fields: Record<string, unknown>): () => void {
    const everyMs = Math.max(100, (this.#visibilityTimeout * 1000) / 3);
    const input = { QueueUrl: this.#options.queueUrl, ReceiptHandle: receipt, VisibilityTimeout: this.#visibilityTimeout };
    const timer = setInterval(() => {
      this.#client.send(new ChangeMessageVisibilityCommand(input)).catch((error: unknown) => {
        const over = error instanceof Error && (error.name === 'MessageNotInflight' || error.name === 'ReceiptHandleIsInvalid');
        if (over) clearInterval(timer);
        this.#logger.warn(
          { err: error, ...fields },
          over
            ? 'an in-flight SQS message was delivered again (its visibility timeout expired); that delivery is a duplicate'
            : 'could not extend the visibility of an in-flight SQS message; it may be delivered again (then as a duplicate)',
        );
      });
    }, everyMs);
    return () => clearInterval(timer);
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#pauseOver = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
