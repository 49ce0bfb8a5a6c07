import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EventBridgeEvent, SqsEvent, SqsRecord } from '@vrouter/router/lambda';

/** The documented AWS event shapes the bus tests use, from test/fixtures/aws-events. */
export function awsFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/aws-events/${name}`, import.meta.url), 'utf8')) as T;
}

/** An EventBridge fixture with a fresh id (each test its own idempotency keys) and the given changes. */
export function eventBridgeEvent(name: string, changes: Partial<EventBridgeEvent> & Record<string, unknown> = {}): EventBridgeEvent {
  return { ...awsFixture<EventBridgeEvent>(name), id: randomUUID(), ...changes };
}

/** A structured CloudEvent with a fresh id, for message bodies. */
export function cloudEventBody(extensions: Record<string, unknown> = {}): Record<string, unknown> {
  return { specversion: '1.0', id: randomUUID(), source: '/bus-e2e', type: 'build.finished', ...extensions };
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * An SQS event as Lambda's event source mapping delivers it, one record per body, modelled on the fixture's first
 * record: fresh message ids and receipt handles, the real md5OfBody. `receiveCount` sets ApproximateReceiveCount.
 */
export function sqsEvent(bodies: (string | object)[], options: { receiveCount?: number; messageIds?: string[] } = {}): SqsEvent {
  const template = awsFixture<SqsEvent>('sqs-event.json').Records[1]!;
  const Records = bodies.map((raw, i): SqsRecord => {
    const body = typeof raw === 'string' ? raw : JSON.stringify(raw);
    const sent = Date.now();
    return {
      ...template,
      messageId: options.messageIds?.[i] ?? randomUUID(),
      receiptHandle: `AQEB${Buffer.from(randomUUID()).toString('base64')}`,
      body,
      md5OfBody: md5(body),
      attributes: {
        ...template.attributes,
        ApproximateReceiveCount: String(options.receiveCount ?? 1),
        SentTimestamp: String(sent),
        ApproximateFirstReceiveTimestamp: String(sent + 3),
      },
    };
  });
  return { Records };
}

/** A logger that keeps its lines, to assert on what the bus entry points log. */
export function recordingLogger(): { lines: { level: string; fields: Record<string, unknown>; message: string }[]; info: Log; warn: Log; error: Log } {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at =
    (level: string): Log =>
    (fields, message) => {
      lines.push({ level, fields: fields as Record<string, unknown>, message });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

type Log = (fields: object, message: string) => void;
