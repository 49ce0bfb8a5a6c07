import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { VrouterError } from './errors.js';
import { COMPONENT_NAME, SUBJECT_NAME, VERSION_NAME } from './names.js';
import { compactOverride, type OverrideClaims, readCompactOverride } from './override-token.js';
import { type SigningKey, sign, verify } from './signing.js';

/**
 * What a chain of events carries from hop to hop: the event that started it, how many hops deep this one is,
 * who it is for, the override it runs under, and the version already decided for each component.
 */
export interface ChainContext {
  root: { source: string; id: string };
  /** 0 for the root event; each event that carries a context back is one deeper than the event it came from. */
  depth: number;
  customer?: string;
  project?: string;
  plan?: string;
  override?: OverrideClaims;
  versions: Record<string, string>;
}

const PREFIX = 'vrc1';
/**
 * Refused unread above this: a context this router makes is a few hundred bytes (see the README's measurements),
 * and the whole W3C baggage header is capped at 8,192 bytes.
 */
export const MAX_CONTEXT_LENGTH = 4096;
/** A chain this deep is a loop (a target answering every event with another one), not work. */
export const MAX_CHAIN_DEPTH = 64;
const MAX_INFLATED = 16 * 1024;
const MAX_SOURCE_LENGTH = 1024;
const MAX_ID_LENGTH = 256;

const invalid = (detail: string, field = 'vroutercontext'): VrouterError => new VrouterError('VR_CONTEXT_INVALID', `The chain context is not valid: ${detail}.`, { field });

/** Compact JSON (one-letter keys), raw deflate, base64url, HMAC: `vrc1.<payload>.<hmac>`. */
export function encodeContext(context: ChainContext, key: SigningKey): string {
  const compact = {
    r: [context.root.source, context.root.id],
    d: context.depth,
    ...(context.customer !== undefined ? { c: context.customer } : {}),
    ...(context.project !== undefined ? { p: context.project } : {}),
    ...(context.plan !== undefined ? { l: context.plan } : {}),
    ...(context.override ? { o: compactOverride(context.override) } : {}),
    v: context.versions,
  };
  const body = `${PREFIX}.${deflateRawSync(JSON.stringify(compact)).toString('base64url')}`;
  return `${body}.${sign(key, 'context', body)}`;
}

/**
 * The context a router of this deployment signed (with one of `keys`). Anything else (malformed, tampered, signed
 * elsewhere, too deep) throws VrouterError VR_CONTEXT_INVALID on `field`.
 */
export function decodeContext(raw: unknown, keys: readonly SigningKey[], field = 'vroutercontext'): ChainContext {
  if (typeof raw !== 'string' || raw.length === 0) throw invalid('it must be a non-empty string', field);
  if (raw.length > MAX_CONTEXT_LENGTH) throw invalid(`it is longer than ${MAX_CONTEXT_LENGTH} characters`, field);
  const parts = raw.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) throw invalid('it is not a vrouter chain context', field);
  const body = `${parts[0]}.${parts[1]}`;
  if (!verify(keys, 'context', body, parts[2]!)) throw invalid('its signature does not match (tampered, or from another deployment)', field);
  let context: ChainContext | undefined;
  try {
    context = readCompact(JSON.parse(inflateRawSync(Buffer.from(parts[1]!, 'base64url'), { maxOutputLength: MAX_INFLATED }).toString('utf8')));
  } catch {
    context = undefined;
  }
  if (!context) throw invalid('its content is malformed', field);
  if (context.depth >= MAX_CHAIN_DEPTH) throw invalid(`the chain is ${context.depth + 1} events deep, more than ${MAX_CHAIN_DEPTH} (a loop?)`, field);
  return context;
}

function readCompact(value: unknown): ChainContext | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { r, d, c, p, l, o, v } = value as Record<string, unknown>;
  if (!Array.isArray(r) || r.length !== 2) return undefined;
  const [source, id] = r as unknown[];
  if (typeof source !== 'string' || typeof id !== 'string' || source.length === 0 || id.length === 0 || source.length > MAX_SOURCE_LENGTH || id.length > MAX_ID_LENGTH) {
    return undefined;
  }
  if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return undefined;
  for (const subject of [c, p, l]) if (subject !== undefined && (typeof subject !== 'string' || !SUBJECT_NAME.test(subject))) return undefined;
  const override = o === undefined ? undefined : readCompactOverride(o);
  if (o !== undefined && !override) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  for (const [component, version] of Object.entries(v)) {
    if (!COMPONENT_NAME.test(component) || typeof version !== 'string' || !VERSION_NAME.test(version)) return undefined;
  }
  return {
    root: { source, id },
    depth: d,
    ...(c !== undefined ? { customer: c as string } : {}),
    ...(p !== undefined ? { project: p as string } : {}),
    ...(l !== undefined ? { plan: l as string } : {}),
    ...(override ? { override } : {}),
    versions: { ...(v as Record<string, string>) },
  };
}

/**
 * The context handed to the targets of an event: the chain it continues (or a new one rooted at it), its routing
 * facts, its override, and the versions decided so far (the chain's, then this event's on top).
 */
export function nextContext(
  event: { source: string; id: string },
  chain: ChainContext | undefined,
  facts: { customer?: string; project?: string; plan?: string; override?: OverrideClaims },
  decided: Record<string, string>,
): ChainContext {
  const override = facts.override ?? chain?.override;
  return {
    root: chain ? chain.root : { source: event.source, id: event.id },
    depth: chain ? chain.depth + 1 : 0,
    ...(facts.customer !== undefined ? { customer: facts.customer } : {}),
    ...(facts.project !== undefined ? { project: facts.project } : {}),
    ...(facts.plan !== undefined ? { plan: facts.plan } : {}),
    ...(override ? { override } : {}),
    versions: { ...chain?.versions, ...decided },
  };
}
