import { isRecord, ValidationError } from '@vrouter/core';

/**
 * The envelope EventBridge delivers to every target (and, as the message body, to SQS):
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html. An event replayed from an
 * archive also carries `replay-name`.
 */
export interface EventBridgeEvent<Detail = unknown> {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
  'replay-name'?: string;
}

/** Dotted paths into the envelope (e.g. `detail.customerId`) to the values routed on. */
export interface EventBridgePaths {
  customer: string;
  project: string;
  plan: string;
}

export const DEFAULT_EVENTBRIDGE_PATHS: EventBridgePaths = { customer: 'detail.customerId', project: 'detail.projectId', plan: 'detail.plan' };

/** Whether a parsed message body is an EventBridge envelope: EventBridge always sets `detail-type`, CloudEvents cannot. */
export function isEventBridgeEnvelope(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && 'detail-type' in value;
}

/** The value at a dotted path (`detail.customer.id`, `resources.0`), or undefined when a step leads nowhere. */
export function valueAt(root: unknown, path: string): unknown {
  let current = root;
  for (const step of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(step)) current = current[Number(step)];
    else if (isRecord(current) && Object.hasOwn(current, step)) current = current[step];
    else return undefined;
  }
  return current;
}

/** A routing value as a string: strings as they are, numbers (an account number, say) in decimal; anything else is absent. */
function routingValue(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function envelopeString(envelope: Record<string, unknown>, field: string): string {
  const value = envelope[field];
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(field, `The EventBridge event has no ${field}; it is required to make a CloudEvent.`, 'VR_EVENT_INVALID');
  }
  return value;
}

/**
 * Maps an EventBridge envelope to a structured CloudEvent: `id`, `source`, `detail-type` → `type`, `time`,
 * `detail` → `data` (application/json); the routing attributes `customerid`, `projectid`, `plan` from the
 * configured paths (absent when the path leads nowhere: ingest then rejects an event without a customer with
 * VR_CUSTOMER_REQUIRED); `vroutercontext` and `vrouteroverride` from the detail's fields of those names; and
 * `ebreplayname` for an event replayed from an archive.
 * Throws ValidationError (VR_EVENT_INVALID) when `id`, `source` or `detail-type` is missing.
 */
export function eventBridgeToCloudEvent(envelope: Record<string, unknown>, paths: EventBridgePaths = DEFAULT_EVENTBRIDGE_PATHS): Record<string, unknown> {
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: envelopeString(envelope, 'id'),
    source: envelopeString(envelope, 'source'),
    type: envelopeString(envelope, 'detail-type'),
  };
  if (typeof envelope.time === 'string') event.time = envelope.time;
  if (envelope.detail !== undefined) {
    event.datacontenttype = 'application/json';
    event.data = envelope.detail;
  }
  const routing = { customerid: paths.customer, projectid: paths.project, plan: paths.plan };
  for (const [attribute, path] of Object.entries(routing)) {
    const value = routingValue(valueAt(envelope, path));
    if (value !== undefined) event[attribute] = value;
  }
  // A chain context or override token travels inside the detail, where a producer's SDK puts custom fields.
  for (const attribute of ['vroutercontext', 'vrouteroverride']) {
    const value = isRecord(envelope.detail) ? envelope.detail[attribute] : undefined;
    if (typeof value === 'string') event[attribute] = value;
  }
  const replay = envelope['replay-name'];
  if (typeof replay === 'string' && replay !== '') event.ebreplayname = replay;
  return event;
}
