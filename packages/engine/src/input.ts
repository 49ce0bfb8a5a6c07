import { ValidationError } from '@vrouter/core';

/** Shared checks of request bodies and query strings; each throws ValidationError naming the field. */

export type Body = Record<string, unknown>;

/** A JSON object body; an absent body counts as `{}`, so a route's own checks name the missing field. */
export function object(body: unknown): Body {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('body', 'The request body must be a JSON object.');
  return body as Body;
}

/** Refuses fields a route does not know: a typo (`expiresat`) must not silently do nothing. `prefix` names nested ones. */
export function only(body: Body, allowed: string[], prefix = ''): Body {
  for (const field of Object.keys(body)) {
    if (!allowed.includes(field)) throw new ValidationError(`${prefix}${field}`, `Unknown field ${JSON.stringify(`${prefix}${field}`)}; expected ${allowed.join(', ')}.`);
  }
  return body;
}

/** Control characters in free text end up in terminals and Slack messages; none is needed. */
function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function optionalText(body: Body, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max || hasControlCharacters(value)) {
    throw new ValidationError(field, `${field} must be a string of at most ${max} characters without control characters.`);
  }
  return value;
}

/** An integer body field in [min, max], or `fallback` when absent. */
export function integer(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new ValidationError(field, `${field} must be an integer from ${min} to ${max}.`);
  return value;
}
