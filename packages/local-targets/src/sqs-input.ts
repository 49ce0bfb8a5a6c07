import { isRecord } from '@vrouter/core';
import { SqsApiError } from './sqs-protocol.js';
import type { SqsMessageAttribute } from './sqs-types.js';

/** Reads and checks the members of an SQS JSON request the way the service does, naming the parameter on failure. */

export type Input = Record<string, unknown>;

function invalid(message: string): never {
  throw new SqsApiError('InvalidParameterValue', message);
}

export function requiredString(input: Input, field: string): string {
  const value = input[field];
  if (value === undefined || value === null) throw new SqsApiError('MissingParameter', `The request must contain the parameter ${field}.`);
  if (typeof value !== 'string') invalid(`Value for parameter ${field} must be a string.`);
  return value;
}

export function optionalInteger(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(`Value ${JSON.stringify(value)} for parameter ${field} is invalid. Reason: Must be between ${min} and ${max}, if provided.`);
  }
  return value;
}

export function requiredInteger(input: Input, field: string, min: number, max: number): number {
  const value = optionalInteger(input, field, min, max);
  if (value === undefined) throw new SqsApiError('MissingParameter', `The request must contain the parameter ${field}.`);
  return value;
}

export function stringList(input: Input, field: string): string[] {
  const value = input[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) invalid(`Value for parameter ${field} must be a list of strings.`);
  return value as string[];
}

export function stringMap(input: Input, field: string): Record<string, string> {
  const value = input[field];
  if (value === undefined || value === null) return {};
  if (!isRecord(value) || Object.values(value).some((v) => typeof v !== 'string')) invalid(`Value for parameter ${field} must be a map of strings.`);
  return value as Record<string, string>;
}

export function entries(input: Input, what: string, max = 10): Input[] {
  const value = input.Entries;
  if (!Array.isArray(value) || value.length === 0) throw new SqsApiError('EmptyBatchRequest', `There should be at least one ${what} in the request.`);
  if (value.length > max) throw new SqsApiError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${max}. You have sent ${value.length}.`);
  const ids = new Set<string>();
  for (const entry of value) {
    const id = isRecord(entry) ? entry.Id : undefined;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new SqsApiError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    }
    if (ids.has(id)) throw new SqsApiError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    ids.add(id);
  }
  return value as Input[];
}

/** SQS allows #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF (so no lone surrogate). */
function hasForbiddenCharacter(text: string): boolean {
  for (const char of text) {
    const c = char.codePointAt(0)!;
    const allowed = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!allowed) return true;
  }
  return false;
}

/** A message body: present, non-empty, of allowed characters. */
export function messageBody(input: Input): string {
  const body = requiredString(input, 'MessageBody');
  if (body.length === 0) invalid('The request must contain a non-empty message body.');
  if (hasForbiddenCharacter(body)) {
    throw new SqsApiError(
      'InvalidMessageContents',
      'Invalid binary character in the message body. Characters outside #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF are not allowed.',
    );
  }
  return body;
}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$/;

/** MessageAttributes: at most 10, each a DataType with the value it calls for. */
export function messageAttributes(input: Input): Record<string, SqsMessageAttribute> {
  const raw = input.MessageAttributes;
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) invalid('MessageAttributes must be a map.');
  const names = Object.keys(raw);
  if (names.length > 10) invalid(`Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  const out: Record<string, SqsMessageAttribute> = {};
  for (const name of names) {
    const value = raw[name];
    if (!ATTRIBUTE_NAME.test(name) || /^(AWS\.|Amazon\.)/i.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      invalid(`Message attribute name '${name}' is invalid.`);
    }
    if (!isRecord(value) || typeof value.DataType !== 'string' || !DATA_TYPE.test(value.DataType))
      invalid(`The message attribute '${name}' has an invalid message attribute type.`);
    const binary = value.DataType.startsWith('Binary');
    const given = binary ? value.BinaryValue : value.StringValue;
    if (typeof given !== 'string' || given.length === 0)
      invalid(`The message attribute '${name}' must contain a non-empty message attribute value for message attribute type '${value.DataType}'.`);
    if (value.DataType.startsWith('Number') && !Number.isFinite(Number(given))) invalid(`Can't cast the value of message (user) attribute '${name}' to a number.`);
    out[name] = binary ? { DataType: value.DataType, BinaryValue: given } : { DataType: value.DataType, StringValue: given };
  }
  return out;
}

/** What a message counts against MaximumMessageSize: its body plus each attribute's name, type and value. */
export function messageSize(body: string, attributes: Record<string, SqsMessageAttribute>): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, a] of Object.entries(attributes)) {
    const value = a.BinaryValue === undefined ? Buffer.byteLength(a.StringValue ?? '', 'utf8') : Buffer.from(a.BinaryValue, 'base64').length;
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(a.DataType, 'utf8') + value;
  }
  return size;
}

/** MessageSystemAttributes: only AWSTraceHeader exists. */
export function systemAttributes(input: Input): Record<string, string> {
  const raw = input.MessageSystemAttributes;
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) invalid('MessageSystemAttributes must be a map.');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name !== 'AWSTraceHeader') invalid(`Message system attribute name '${name}' is invalid.`);
    if (!isRecord(value) || value.DataType !== 'String' || typeof value.StringValue !== 'string') invalid('AWSTraceHeader must be a String attribute.');
    out[name] = value.StringValue;
  }
  return out;
}
