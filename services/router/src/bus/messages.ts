import type { ErrorCode } from '@vrouter/core';
import { isVrouterError } from '@vrouter/core';
import type { EventRouter, IngestResult } from '@vrouter/engine';
import { DEFAULT_EVENTBRIDGE_PATHS, type EventBridgePaths, eventBridgeToCloudEvent, isEventBridgeEnvelope } from './eventbridge.js';

/**
 * What became of one bus message (an SQS message, or an EventBridge event handed to a Lambda function). The
 * semantics every bus entry point shares:
 * - `done`: accepted, or a duplicate by its idempotency key (a redelivered message). Its claims are durable; the
 *   message may be deleted once `settled` resolves (the won dispatches are finished and recorded), with the result
 *   as it is then (each dispatch's final status). A dispatch that
 *   fails after acceptance is still `done`: the router records it as failed, and it is replayable.
 * - `retry`: a failure a later attempt could get past (store unavailable or throttled, an unexpected error). Keep
 *   the message; the queue delivers it again.
 * - `poison`: it can never be routed (not JSON, neither a CloudEvent nor an EventBridge envelope, refused by
 *   validation, too large). Also kept, so that the queue's redrive policy moves it to the dead-letter queue after
 *   maxReceiveCount: nothing is dropped silently.
 */
export type MessageOutcome =
  | { kind: 'done'; status: 'accepted' | 'duplicate'; result: IngestResult; settled: Promise<IngestResult> }
  | { kind: 'retry' | 'poison'; code: ErrorCode; reason: string; result?: IngestResult; settled: Promise<IngestResult | undefined> };

/** Log lines of the bus entry points; pino's (and so fastify's) logger fits. */
export interface BusLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface MessageOptions {
  /** Where the routing attributes are in an EventBridge envelope. */
  paths?: EventBridgePaths;
  /** Largest message body accepted, in bytes (UTF-8); a larger one is poison. */
  maxBytes?: number;
  /** W3C trace context of the message (e.g. its `traceparent` message attribute). */
  traceparent?: string;
  /** A chain context carried beside the body (the SQS message attribute `vroutercontext`). */
  context?: string;
}

/** Rejections that a later attempt can get past; every other rejection is the message's own fault. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['VR_STORE_UNAVAILABLE', 'VR_RATE_LIMITED', 'VR_INTERNAL']);

export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

const nothingToWaitFor = Promise.resolve(undefined);

function poison(code: ErrorCode, reason: string): MessageOutcome {
  return { kind: 'poison', code, reason, settled: nothingToWaitFor };
}

/** Where the event came from, for logs: an EventBridge envelope (and its archive replay, if any) or a CloudEvent. */
export interface Decoded {
  input: unknown;
  eventBridge: boolean;
  replayName?: string;
}

/**
 * Turns a message body into the input of ingest: a structured CloudEvent as is, an EventBridge envelope (detected
 * by `detail-type`) mapped to one. Returns a poison outcome for a body that is too large, not JSON, or neither.
 */
export function decodeBody(body: string, options: MessageOptions = {}): Decoded | MessageOutcome {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > maxBytes) return poison('VR_BODY_TOO_LARGE', `The message body is ${bytes} bytes; at most ${maxBytes} are accepted.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return poison('VR_BODY_MALFORMED', 'The message body is not JSON.');
  }
  return decodeValue(parsed, options);
}

/** As decodeBody, for an already parsed value (an EventBridge event handed to a Lambda function). */
export function decodeValue(value: unknown, options: MessageOptions = {}): Decoded | MessageOutcome {
  if (isEventBridgeEnvelope(value)) {
    try {
      const input = eventBridgeToCloudEvent(value, options.paths ?? DEFAULT_EVENTBRIDGE_PATHS);
      const replayName = typeof input.ebreplayname === 'string' ? input.ebreplayname : undefined;
      return { input, eventBridge: true, ...(replayName ? { replayName } : {}) };
    } catch (error) {
      if (isVrouterError(error)) return poison(error.code, error.message);
      throw error;
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'specversion' in value) return { input: value, eventBridge: false };
  return poison('VR_EVENT_INVALID', 'The message is neither a structured CloudEvent (no specversion) nor an EventBridge event (no detail-type).');
}

export function isOutcome(value: Decoded | MessageOutcome): value is MessageOutcome {
  return 'kind' in value;
}

/**
 * Ingests one decoded event through the same core as POST /v1/events and classifies the answer. Never throws:
 * an error of ingest itself (the store failing in a way it does not translate) is a `retry`.
 */
export async function ingestDecoded(router: Pick<EventRouter, 'ingest'>, decoded: Decoded, options: MessageOptions & { bodyBytes?: number } = {}): Promise<MessageOutcome> {
  let answer: Awaited<ReturnType<EventRouter['ingest']>>;
  try {
    answer = await router.ingest([decoded.input], {
      ...(options.traceparent ? { traceparent: options.traceparent } : {}),
      ...(options.bodyBytes === undefined ? {} : { bodyBytes: options.bodyBytes }),
      ...(options.context ? { context: { context: options.context, field: 'messageAttributes.vroutercontext' } } : {}),
    });
  } catch (error) {
    const code: ErrorCode = isVrouterError(error) ? error.code : 'VR_INTERNAL';
    return { kind: 'retry', code, reason: error instanceof Error ? error.message : String(error), settled: nothingToWaitFor };
  }
  const { results } = answer;
  const result = results[0]!;
  const settled = answer.settled.then((finals) => finals[0] ?? result);
  if (result.status !== 'rejected') return { kind: 'done', status: result.status, result, settled };
  const code = result.error?.code ?? 'VR_INTERNAL';
  return { kind: RETRYABLE.has(code) ? 'retry' : 'poison', code, reason: result.error?.message ?? 'rejected', result, settled };
}

/** decodeBody then ingestDecoded: one SQS message body, start to finish. Never throws. */
export async function processMessage(router: Pick<EventRouter, 'ingest'>, body: string, options: MessageOptions = {}): Promise<{ outcome: MessageOutcome; decoded?: Decoded }> {
  let decoded: Decoded | MessageOutcome;
  try {
    decoded = decodeBody(body, options);
  } catch (error) {
    return { outcome: { kind: 'retry', code: 'VR_INTERNAL', reason: error instanceof Error ? error.message : String(error), settled: nothingToWaitFor } };
  }
  if (isOutcome(decoded)) return { outcome: decoded };
  return { outcome: await ingestDecoded(router, decoded, { ...options, bodyBytes: Buffer.byteLength(body, 'utf8') }), decoded };
}

/** Log fields naming an outcome's event, when known. */
export function outcomeFields(outcome: MessageOutcome, decoded?: Decoded): Record<string, unknown> {
  return {
    ...(outcome.result?.source ? { source: outcome.result.source } : {}),
    ...(outcome.result?.id ? { id: outcome.result.id } : {}),
    ...(decoded?.eventBridge ? { eventBridge: true } : {}),
    ...(decoded?.replayName ? { eventBridgeReplay: decoded.replayName } : {}),
    ...(outcome.kind === 'done' ? { status: outcome.status } : { code: outcome.code, reason: outcome.reason }),
  };
}

/**
 * Logs an outcome once: poison as an error with its reason (it is headed for the dead-letter queue), a retry as a
 * warning, an EventBridge archive replay as info. An accepted or duplicate event logs nothing (the hot path).
 */
export function logOutcome(logger: BusLogger, outcome: MessageOutcome, decoded: Decoded | undefined, fields: Record<string, unknown>): void {
  const all = { ...fields, ...outcomeFields(outcome, decoded) };
  if (outcome.kind === 'poison') logger.error(all, 'poison message: it can never be routed; left for the dead-letter queue');
  else if (outcome.kind === 'retry') logger.warn(all, 'message could not be ingested now; it will be delivered again');
  else if (decoded?.replayName) logger.info(all, 'EventBridge archive replay event');
}
