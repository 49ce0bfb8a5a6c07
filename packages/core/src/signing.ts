import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Tagged } from './model.js';

/** One HMAC key of a deployment: 32 random bytes (base64url), named so a rotation can be told apart in the audit log. */
export interface SigningKey {
  id: string;
  secret: string;
  createdAt: string;
}

/**
 * The keys every router of a deployment signs override tokens and chain contexts with, shared through the store.
 * `previous` is the key `current` replaced: still accepted for verification until `retiredAt` plus the grace period,
 * so tokens and contexts already handed out survive a rotation.
 */
export interface SigningKeys extends Tagged {
  current: SigningKey;
  previous?: SigningKey & { retiredAt: string };
}

/** What a signed string is for; a signature made for one purpose never verifies for another. */
export const SIGNING_PURPOSES = ['override', 'context'] as const;
export type SigningPurpose = (typeof SIGNING_PURPOSES)[number];

export function newSigningKey(now: Date): SigningKey {
  return { id: randomBytes(4).toString('hex'), secret: randomBytes(32).toString('base64url'), createdAt: now.toISOString() };
}

/** The keys after a rotation: a fresh current, the old current kept as `previous` from `now`. */
export function rotateSigningKeys(keys: SigningKeys, now: Date): SigningKeys {
  return { current: newSigningKey(now), previous: { ...keys.current, retiredAt: now.toISOString() } };
}

/** The keys a signature may verify with at `now`: the current one, then the previous one while its grace lasts. */
export function verificationKeys(keys: SigningKeys, now: number, graceMs: number): SigningKey[] {
  const { previous } = keys;
  return previous && Date.parse(previous.retiredAt) + graceMs > now ? [keys.current, previous] : [keys.current];
}

// Subkeys per (secret, purpose): derived once, then reused for every signature of a process.
const derived = new Map<string, Buffer>();
const MAX_DERIVED = 16;

function subkey(key: SigningKey, purpose: SigningPurpose): Buffer {
  const name = `${purpose}\u0000${key.secret}`;
  let found = derived.get(name);
  if (!found) {
    found = createHmac('sha256', Buffer.from(key.secret, 'base64url')).update(`vrouter ${purpose} v1`).digest();
    if (derived.size >= MAX_DERIVED) derived.clear();
    derived.set(name, found);
  }
  return found;
}

/** The base64url HMAC-SHA256 of `body` under the key's subkey for `purpose`. */
export function sign(key: SigningKey, purpose: SigningPurpose, body: string): string {
  return createHmac('sha256', subkey(key, purpose)).update(body).digest('base64url');
}

/**
 * Whether `signature` is the signature of `body` under one of `keys`. Compares the text itself, not the decoded
 * bytes: base64url has spare bits in its last character, and a changed character must never still verify.
 */
export function verify(keys: readonly SigningKey[], purpose: SigningPurpose, body: string, signature: string): boolean {
  const given = Buffer.from(signature);
  let ok = false;
  for (const key of keys) {
    const expected = Buffer.from(sign(key, purpose, body));
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}
