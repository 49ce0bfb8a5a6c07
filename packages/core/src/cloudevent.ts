import { ValidationError } from './errors.js';
import { assertComponentName, assertSubject } from './names.js';

/** A CloudEvents 1.0 event in structured JSON form; extension attributes sit beside the context attributes. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time?: string;
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  data_base64?: string;
  traceparent?: string;
  tracestate?: string;
  customerid?: string;
  projectid?: string;
  plan?: string;
  component?: string;
  [extension: string]: unknown;
}

/** The routing attributes an event carries, validated. */
export interface EventRouting {
  customer?: string;
  project?: string;
  plan?: string;
  component?: string;
}

const MAX_ID_LENGTH = 256;
const MAX_SOURCE_LENGTH = 1024;
const MAX_TYPE_LENGTH = 256;
// CloudEvents: attribute names are lower-case ASCII letters and digits.
const ATTRIBUTE_NAME = /^[a-z0-9]{1,20}$/;

function requiredString(event: Record<string, unknown>, field: string, max: number): string {
  const value = event[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(field, `CloudEvent attribute ${field} is required and must be a non-empty string.`, 'VR_EVENT_INVALID');
  }
  if (value.length > max) throw new ValidationError(field, `CloudEvent attribute ${field} is longer than ${max} characters.`, 'VR_EVENT_INVALID');
  return value;
}

function optionalString(event: Record<string, unknown>, field: string): string | undefined {
  const value = event[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ValidationError(field, `CloudEvent attribute ${field} must be a string.`, 'VR_EVENT_INVALID');
  return value;
}

/**
 * How deeply `data` (and any extension value) may nest. The store's marshalling, serialisation and telemetry walk
 * values recursively; a document nested thousands of levels deep would overflow the stack there.
 */
export const MAX_DATA_DEPTH = 64;

/** The nesting depth of a JSON value, counted without recursion, stopping as soon as it passes `limit`. */
function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Checks that `input` is a structured-mode CloudEvents 1.0 event and returns it typed.
 * Throws ValidationError (VR_EVENT_INVALID) naming the first offending attribute.
 */
export function parseCloudEvent(input: unknown): CloudEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('body', 'A CloudEvent must be a JSON object.', 'VR_EVENT_INVALID');
  }
  const event = input as Record<string, unknown>;
  if (event.specversion !== '1.0') {
    throw new ValidationError('specversion', `CloudEvent attribute specversion must be "1.0", got ${JSON.stringify(event.specversion)}.`, 'VR_EVENT_INVALID');
  }
  requiredString(event, 'id', MAX_ID_LENGTH);
  requiredString(event, 'source', MAX_SOURCE_LENGTH);
  requiredString(event, 'type', MAX_TYPE_LENGTH);
  const time = optionalString(event, 'time');
  if (time !== undefined && Number.isNaN(Date.parse(time))) {
    throw new ValidationError('time', 'CloudEvent attribute time must be an RFC 3339 timestamp.', 'VR_EVENT_INVALID');
  }
  for (const name of Object.keys(event)) {
    if (name !== 'data_base64' && !ATTRIBUTE_NAME.test(name)) {
      throw new ValidationError(name, `CloudEvent attribute names are lower-case letters and digits; ${JSON.stringify(name)} is not.`, 'VR_EVENT_INVALID');
    }
  }
  for (const name of ['subject', 'datacontenttype', 'dataschema', 'data_base64', 'traceparent', 'tracestate']) optionalString(event, name);
  for (const [name, value] of Object.entries(event)) {
    if (exceedsDepth(value, MAX_DATA_DEPTH)) {
      throw new ValidationError(name, `CloudEvent attribute ${name} nests deeper than ${MAX_DATA_DEPTH} levels.`, 'VR_EVENT_INVALID');
    }
  }
  return event as CloudEvent;
}

/** Reads and validates the routing extension attributes: customerid, projectid, plan, component. */
export function eventRouting(event: CloudEvent): EventRouting {
  const read = (field: string, check: (value: unknown, field: string) => string): string | undefined => {
    const value = event[field];
    if (value === undefined) return undefined;
    try {
      return check(value, field);
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(field, error.message, 'VR_EVENT_INVALID');
      throw error;
    }
  };
  return {
    customer: read('customerid', assertSubject),
    project: read('projectid', assertSubject),
    plan: read('plan', assertSubject),
    component: read('component', assertComponentName),
  };
}
