import type { DispatchRequest } from '@vrouter/core';

/**
 * The media type of a delivery. The body is the structured-mode CloudEvent plus the router's `vrouter` object; an
 * object is not a valid CloudEvents extension value, so the body is labelled as the JSON envelope it is, not as
 * `application/cloudevents+json`. Dropping `vrouter` leaves the event exactly as it was sent.
 */
export const DELIVERY_MEDIA_TYPE = 'application/json';

/** The W3C baggage member that carries the chain context. */
export const CONTEXT_BAGGAGE_MEMBER = 'vroutercontext';

/**
 * The headers of a POST to an HTTP target. `Idempotency-Key` is the delivery's key, the same on every attempt, so a
 * target can drop duplicates; the X-Vrouter-* headers repeat the payload's `vrouter` metadata so a target (or a proxy)
 * can route or filter without parsing the body. A header without a value (no channel, no replay, not shadow) is left out.
 */
export function dispatchHeaders(request: DispatchRequest): Record<string, string> {
  const meta = request.payload.vrouter;
  const headers: Record<string, string> = {
    'content-type': DELIVERY_MEDIA_TYPE,
    'idempotency-key': meta.idempotencyKey,
    'x-vrouter-component': meta.component,
    'x-vrouter-version': meta.version,
    'x-vrouter-attempt': String(meta.attempt),
  };
  if (meta.channel !== null) headers['x-vrouter-channel'] = meta.channel;
  if (meta.replayId !== undefined) headers['x-vrouter-replay'] = meta.replayId;
  if (meta.shadow === true) headers['x-vrouter-shadow'] = 'true';
  if (request.traceparent !== undefined) headers.traceparent = request.traceparent;
  // W3C baggage, so a target whose OpenTelemetry SDK propagates baggage hands the context on to its own calls,
  // the follow-up event to this router included. The context is base64url and dots: a valid baggage value as is.
  if (meta.context !== undefined) headers.baggage = `${CONTEXT_BAGGAGE_MEMBER}=${meta.context}`;
  return headers;
}
