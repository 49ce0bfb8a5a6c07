import type { KeyValuePair, TaskOverride } from '@aws-sdk/client-ecs';
import type { DispatchRequest } from '@vrouter/core';

/** ECS allows 8192 characters of JSON for all of a RunTask's overrides together. */
export const DEFAULT_MAX_INLINE_BYTES = 8192;

/** Where a task fetches an event too large to pass inline: a URL and a bearer token for it. */
export interface EcsPayloadReference {
  url: string;
  token: string;
}

/** The environment of a delivery besides the event itself: what the task needs to report and deduplicate. */
export function deliveryEnvironment(request: DispatchRequest): KeyValuePair[] {
  const meta = request.payload.vrouter;
  const environment: KeyValuePair[] = [
    { name: 'VROUTER_IDEMPOTENCY_KEY', value: meta.idempotencyKey },
    { name: 'VROUTER_COMPONENT', value: meta.component },
    { name: 'VROUTER_VERSION', value: meta.version },
    { name: 'VROUTER_ATTEMPT', value: String(meta.attempt) },
  ];
  if (request.traceparent !== undefined) environment.push({ name: 'TRACEPARENT', value: request.traceparent });
  return environment;
}

/** Passes the event inline, as its JSON in VROUTER_EVENT. */
export function inlineEvent(eventJson: string): KeyValuePair[] {
  return [{ name: 'VROUTER_EVENT', value: eventJson }];
}

/** Passes the event by reference: the task GETs VROUTER_EVENT_URL with VROUTER_EVENT_TOKEN. */
export function referencedEvent(reference: EcsPayloadReference): KeyValuePair[] {
  return [
    { name: 'VROUTER_EVENT_URL', value: reference.url },
    { name: 'VROUTER_EVENT_TOKEN', value: reference.token },
  ];
}

export function taskOverride(containerName: string, environment: KeyValuePair[]): TaskOverride {
  return { containerOverrides: [{ name: containerName, environment }] };
}

/**
 * The size ECS checks against its 8192 limit: the overrides as JSON. Counted in UTF-8 bytes, which is never less
 * than the characters ECS counts, so an override that passes here passes there.
 */
export function overrideSize(override: TaskOverride): number {
  return Buffer.byteLength(JSON.stringify(override));
}
