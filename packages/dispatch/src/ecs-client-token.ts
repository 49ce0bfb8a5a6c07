import { createHash } from 'node:crypto';

/** ECS accepts a RunTask clientToken of at most 64 characters. */
export const ECS_CLIENT_TOKEN_MAX = 64;

/**
 * The RunTask clientToken of a delivery: its idempotency key, which core makes 64 hex characters, so every attempt of a
 * delivery carries the same token and ECS refuses to start its task twice. A longer key (not one core makes) becomes
 * its SHA-256 in hex rather than being cut: two keys sharing their first 64 characters must not share a token.
 */
export function ecsClientToken(idempotencyKey: string): string {
  if (idempotencyKey.length <= ECS_CLIENT_TOKEN_MAX) return idempotencyKey;
  return createHash('sha256').update(idempotencyKey).digest('hex');
}
