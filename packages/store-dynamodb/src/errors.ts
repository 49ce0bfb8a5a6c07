import type { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { VrouterError } from '@vrouter/core';

/**
 * Errors are matched by name and code, not instanceof: a second copy of the SDK in a bundle or a
 * workspace would fail instanceof while throwing the same error.
 */

/** Service errors meaning "the store cannot serve this now", after the SDK's own retries. */
const UNAVAILABLE_ERRORS = new Set([
  'ResourceNotFoundException', // the table is missing: a deployment problem, not a missing record
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

/** Socket-level failures surface as Node errors carrying a code, sometimes inside an AggregateError. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

function networkCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) ? inner.map(networkCode).find((c) => c !== undefined) : undefined;
}

export function isConditionalCheckFailed(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Translates the errors that mean the store is unreachable into VrouterError VR_STORE_UNAVAILABLE (with the
 * original as `cause`); returns every other error unchanged, notably conditional check failures, which
 * callers turn into results.
 */
export function translateStoreError(error: unknown, tableName: string): unknown {
  const code = networkCode(error);
  if (code !== undefined) {
    return new VrouterError('VR_STORE_UNAVAILABLE', `DynamoDB could not be reached (${code}).`, { details: { table: tableName, code }, cause: error });
  }
  if (error instanceof Error && UNAVAILABLE_ERRORS.has(error.name)) {
    const message = error.name === 'ResourceNotFoundException' ? `DynamoDB table ${tableName} does not exist.` : `DynamoDB is unavailable (${error.name}).`;
    return new VrouterError('VR_STORE_UNAVAILABLE', message, { details: { table: tableName, code: error.name }, cause: error });
  }
  return error;
}

/** Runs one store call, throwing translateStoreError's translation of whatever it throws. */
export async function storeCall<T>(tableName: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateStoreError(error, tableName);
  }
}
