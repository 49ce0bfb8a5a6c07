import { VrouterError } from './errors.js';
import { COMPONENT_NAME, SUBJECT_NAME, VERSION_NAME } from './names.js';
import { type SigningKey, sign, verify } from './signing.js';

/** What an override says: these components go to these versions until `expiresAt`, for `subject`. */
export interface OverrideClaims {
  versions: Record<string, string>;
  /** Epoch milliseconds (whole seconds); at or after it the override no longer applies. */
  expiresAt: number;
  subject?: string;
}

const PREFIX = 'vro1';
/** Far above any token this router mints (a handful of components); anything longer is refused unread. */
export const MAX_OVERRIDE_TOKEN_LENGTH = 4096;
/** An override names at most this many components. */
export const MAX_OVERRIDE_COMPONENTS = 32;

const invalid = (detail: string): VrouterError => new VrouterError('VR_OVERRIDE_INVALID', `The override token is not valid: ${detail}.`, { field: 'vrouteroverride' });

/** Signs the claims as `vro1.<base64url(json)>.<hmac>`. */
export function encodeOverride(claims: OverrideClaims, key: SigningKey): string {
  const body = `${PREFIX}.${Buffer.from(JSON.stringify(compactOverride(claims))).toString('base64url')}`;
  return `${body}.${sign(key, 'override', body)}`;
}

/** The wire form, also carried inside chain contexts. */
export interface CompactOverride {
  v: Record<string, string>;
  e: number;
  s?: string;
}

export function compactOverride(claims: OverrideClaims): CompactOverride {
  return { v: claims.versions, e: Math.floor(claims.expiresAt / 1000), ...(claims.subject !== undefined ? { s: claims.subject } : {}) };
}

/** Checks the shape of a compact override; undefined when it is not one. Its signature is the caller's. */
export function readCompactOverride(value: unknown): OverrideClaims | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { v, e, s } = value as Record<string, unknown>;
  if (typeof e !== 'number' || !Number.isSafeInteger(e)) return undefined;
  if (s !== undefined && (typeof s !== 'string' || !SUBJECT_NAME.test(s))) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const entries = Object.entries(v);
  if (entries.length === 0 || entries.length > MAX_OVERRIDE_COMPONENTS) return undefined;
  for (const [component, version] of entries) {
    if (!COMPONENT_NAME.test(component) || typeof version !== 'string' || !VERSION_NAME.test(version)) return undefined;
  }
  return { versions: { ...(v as Record<string, string>) }, expiresAt: e * 1000, ...(s !== undefined ? { subject: s } : {}) };
}

/**
 * The claims of a token signed by one of `keys` and not expired at `now`. Anything else (malformed, tampered,
 * signed by another deployment or a retired key, expired) throws VrouterError VR_OVERRIDE_INVALID on
 * `vrouteroverride`. Whether the versions are registered is resolution's to check.
 */
export function decodeOverride(token: unknown, keys: readonly SigningKey[], now: number): OverrideClaims {
  if (typeof token !== 'string' || token.length === 0) throw invalid('it must be a non-empty string');
  if (token.length > MAX_OVERRIDE_TOKEN_LENGTH) throw invalid(`it is longer than ${MAX_OVERRIDE_TOKEN_LENGTH} characters`);
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) throw invalid('it is not a vrouter override token');
  const body = `${parts[0]}.${parts[1]}`;
  if (!verify(keys, 'override', body, parts[2]!)) throw invalid('its signature does not match (tampered, or from another deployment)');
  let claims: OverrideClaims | undefined;
  try {
    claims = readCompactOverride(JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')));
  } catch {
    claims = undefined;
  }
  if (!claims) throw invalid('its content is malformed');
  if (claims.expiresAt <= now) throw invalid(`it expired at ${new Date(claims.expiresAt).toISOString()}`);
  return claims;
}
