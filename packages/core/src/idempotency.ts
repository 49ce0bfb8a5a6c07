import { createHash } from 'node:crypto';

/**
 * The idempotency key of a delivery: a hash of (source, id, component), optionally scoped to a replay.
 * 64 hex characters, so it also fits where targets limit tokens (ECS clientToken allows 64).
 */
export function idempotencyKey(source: string, id: string, component: string, replayId?: string): string {
  const hash = createHash('sha256');
  for (const part of [source, id, component, replayId ?? '']) hash.update(part).update('\u0000');
  return hash.digest('hex');
}
