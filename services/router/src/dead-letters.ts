import { SQSClient, type SQSClientConfig, SendMessageCommand } from '@aws-sdk/client-sqs';
import { InFlight } from '@vrouter/core';
import type { DeadLetter, Logger } from '@vrouter/engine';

/**
 * Sends each finally failed dispatch (originals and replays, not shadows) to an SQS dead-letter queue, as a copy:
 * the dispatch record stays `failed` in the store and replayable either way. Sending never delays or fails the
 * dispatch; a send that fails after a few tries is logged.
 */
export class SqsDeadLetters {
  private readonly client: SQSClient;
  private readonly inflight = new InFlight();

  constructor(
    private readonly queueUrl: string,
    private readonly logger: Logger,
    clientConfig: SQSClientConfig = {},
  ) {
    this.client = new SQSClient(clientConfig);
  }

  send(letter: DeadLetter): void {
    const { record, event, completion } = letter;
    const body = {
      failedAt: new Date().toISOString(),
      dispatch: {
        source: record.source,
        id: record.id,
        component: record.component,
        version: record.version,
        channel: record.channel,
        idempotencyKey: record.idempotencyKey,
        attempts: completion.attempts,
        error: completion.error ?? null,
        ...(record.replayId ? { replayId: record.replayId } : {}),
      },
      event,
    };
    const attributes = {
      component: { DataType: 'String', StringValue: record.component },
      version: { DataType: 'String', StringValue: record.version ?? 'none' },
      errorCode: { DataType: 'String', StringValue: completion.error?.code ?? 'unknown' },
    };
    this.inflight.track(
      this.client
        .send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(body), MessageAttributes: attributes }))
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.error({ err: error, source: record.source, id: record.id, component: record.component }, 'could not copy a failed dispatch to the dead-letter queue'),
        ),
    );
  }

  /** Waits for copies being sent, then releases the client. */
  async close(): Promise<void> {
    await this.inflight.drain();
    this.client.destroy();
  }
}
