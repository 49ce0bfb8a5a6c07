import { CHANNELS, type ChannelName, type PinScope, SCOPES } from './model.js';
import { ValidationError } from './errors.js';

export const COMPONENT_NAME = /^[a-z][a-z0-9-]{0,62}$/;
export const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Customers, projects and plans are named by the caller's own ids; `#` and `/` stay out so keys and paths are unambiguous. */
export const SUBJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/;
/** Named API tokens: lower-case, so a name reads the same in audit entries, logs and URLs. */
export const TOKEN_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const SUBSCRIPTION_PATTERN = /^(\*|[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}?(\.\*)?)$/;

function check(pattern: RegExp, value: unknown, field: string, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ValidationError(field, `${field} must be ${what} matching ${pattern.source}, got ${JSON.stringify(value)}.`);
  }
  return value;
}

export const assertComponentName = (value: unknown, field = 'component'): string => check(COMPONENT_NAME, value, field, 'a component name');
export const assertVersionName = (value: unknown, field = 'version'): string => check(VERSION_NAME, value, field, 'a version name');
export const assertSubject = (value: unknown, field = 'subject'): string => check(SUBJECT_NAME, value, field, 'an id');
export const assertSubscription = (value: unknown, field = 'subscriptions'): string => check(SUBSCRIPTION_PATTERN, value, field, 'an event type or prefix pattern');

export function assertChannel(value: unknown, field = 'channel'): ChannelName {
  if (!CHANNELS.includes(value as ChannelName)) {
    throw new ValidationError(field, `${field} must be one of ${CHANNELS.join(', ')}, got ${JSON.stringify(value)}.`);
  }
  return value as ChannelName;
}

export function assertScope(value: unknown, field = 'scope'): PinScope {
  if (!SCOPES.includes(value as PinScope)) {
    throw new ValidationError(field, `${field} must be one of ${SCOPES.join(', ')}, got ${JSON.stringify(value)}.`);
  }
  return value as PinScope;
}

/** Parses an RFC 3339 timestamp with an explicit offset; returns it normalised to UTC. */
export function assertTimestamp(value: unknown, field: string): string {
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
  if (typeof value !== 'string' || !rfc3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw new ValidationError(field, `${field} must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z, got ${JSON.stringify(value)}.`);
  }
  return new Date(value).toISOString();
}
