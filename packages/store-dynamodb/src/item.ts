import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** Shared pieces of translating items: the wire type and the checks decoders use to skip garbled items. */

export type Item = Record<string, AttributeValue>;
export type Fields = Record<string, unknown>;

/** Unmarshalls an item; undefined when an attribute cannot be read as plain JS (binary sets and the like). */
export function fieldsOf(item: Item): Fields | undefined {
  try {
    return unmarshall(item) as Fields;
  } catch {
    return undefined;
  }
}

export const isString = (value: unknown): value is string => typeof value === 'string';
export const isOptionalString = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';
export const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
export const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Drops undefined fields so that a decoded record deep-equals the record written (absent stays absent). */
export function compact<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[]) if (record[key] === undefined) delete record[key];
  return record;
}
