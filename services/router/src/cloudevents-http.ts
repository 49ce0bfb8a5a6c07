import { ValidationError, VrouterError } from '@vrouter/core';
import { HTTP } from 'cloudevents';

/** Media types whose body is the event itself (structured mode) or a JSON array of events (batch mode). */
const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';

/** What a POST /v1/events request carries, once the HTTP binding is undone. */
export interface EventsInput {
  inputs: unknown[];
  batch: boolean;
}

const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** Text-like data stays text in binary mode; anything else reaches targets as data_base64, byte for byte. */
function isText(type: string): boolean {
  return type.startsWith('text/') || type.endsWith('+xml') || type === 'application/xml' || type.endsWith('+json') || type === 'application/json';
}

/**
 * Undoes the CloudEvents HTTP binding: structured mode (`application/cloudevents+json`, or a plain JSON event), batch
 * mode (`application/cloudevents-batch+json`, or a JSON array), and binary mode (`ce-*` headers, the body as `data`
 * with its own content type), which is what the CloudEvents SDKs' HTTP emitters send by default. Validation of each
 * event stays with core's parseCloudEvent, so every mode answers the same problems.
 */
export function eventsFromHttp(headers: Record<string, string | string[] | undefined>, body: unknown): EventsInput {
  const type = mediaType(typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined);
  if (type !== STRUCTURED && type !== BATCH && headers['ce-specversion'] !== undefined) return { inputs: [binaryEvent(headers, body, type)], batch: false };
  if (Buffer.isBuffer(body)) {
    throw new VrouterError(
      'VR_UNSUPPORTED_MEDIA_TYPE',
      `Send ${STRUCTURED}, ${BATCH} or application/json, or a binary-mode event (ce-specversion, ce-id, ce-source and ce-type headers).`,
    );
  }
  const batch = Array.isArray(body);
  if (type === BATCH && !batch) throw new ValidationError('body', `A ${BATCH} body must be a JSON array of events.`);
  if (batch && body.length === 0) throw new ValidationError('body', 'The batch is empty.');
  return batch ? { inputs: body, batch } : { inputs: [body], batch };
}

function binaryEvent(headers: Record<string, string | string[] | undefined>, body: unknown, type: string): unknown {
  // The SDK decodes JSON from text and keeps other bytes as data_base64; an empty body means an event without data.
  const data = Buffer.isBuffer(body) ? (body.length === 0 ? undefined : isText(type) ? body.toString('utf8') : body) : body;
  let event: Record<string, unknown>;
  try {
    event = { ...(HTTP.toEvent({ headers, body: data }) as unknown as Record<string, unknown>) };
  } catch (error) {
    throw new ValidationError('body', `Not a binary-mode CloudEvent: ${error instanceof Error ? error.message : String(error)}.`, 'VR_EVENT_INVALID');
  }
  // The SDK stamps a time on events that carry none; the event as sent is what gets logged and replayed.
  if (headers['ce-time'] === undefined) delete event.time;
  if (event.data === undefined) delete event.data;
  return event;
}
