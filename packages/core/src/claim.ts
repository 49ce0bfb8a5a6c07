import { idempotencyKey } from './idempotency.js';
import type { ChannelName, PinScope } from './model.js';
import type { DispatchRecord } from './ports.js';
import type { PinSource, RoutingContext } from './resolve.js';

/** Time a router keeps a claim beyond the call's own timeout, to write the outcome. */
export const LEASE_MARGIN_MS = 5000;

/**
 * How long a claim is leased: at least `baseMs`, and always long enough for one whole call (`timeoutMs`) plus
 * recording its outcome, so no recoverer takes over a claim whose call is still allowed to run.
 */
export function leaseDuration(baseMs: number, timeoutMs: number): number {
  return Math.max(baseMs, timeoutMs + LEASE_MARGIN_MS);
}

/** Which dispatch a claim is for: the event's own, its mirror to the shadow version, or a replay's. */
export type ClaimPurpose = { kind: 'primary' } | { kind: 'shadow' } | { kind: 'replay'; replayId: string };

/** The version a claim dispatches to, and how it was chosen (channel and pin are null when named explicitly). */
export interface ClaimRoute {
  version: string;
  channel: ChannelName | null;
  pin: { scope: PinScope; subject: string } | null;
  pinSource: PinSource | null;
}

export interface ClaimSpec {
  source: string;
  id: string;
  component: string;
  /** Default: primary. */
  purpose?: ClaimPurpose;
  /** Where it goes; or why no version could be resolved, which makes the record `failed` at once. */
  route: ClaimRoute | { unroutable: string };
  /** Who the event is for, copied onto the record so the log can be queried (and replayed) by them. */
  who: RoutingContext;
  /** When the event arrived; default `now` (a fresh event). */
  receivedAt?: string;
  now: number;
  /** The lease of a routable claim: its random token and duration (see leaseDuration). */
  lease: { token: string; ms: number };
}

/**
 * The dispatch record to claim with a conditional write, for every path that claims (ingest, shadow, replay):
 * the idempotency key is scoped to the purpose (a replay's own, the shadow's own), a routable claim is `pending`
 * with a lease, an unroutable one is `failed` with VR_NO_ROUTABLE_VERSION and no lease.
 */
export function buildClaim(spec: ClaimSpec): DispatchRecord {
  const purpose = spec.purpose ?? { kind: 'primary' };
  const at = new Date(spec.now).toISOString();
  const scope = purpose.kind === 'replay' ? purpose.replayId : purpose.kind === 'shadow' ? 'shadow' : undefined;
  const routed = 'version' in spec.route ? spec.route : undefined;
  return {
    source: spec.source,
    id: spec.id,
    component: spec.component,
    ...(purpose.kind === 'replay' ? { replayId: purpose.replayId } : {}),
    ...(purpose.kind === 'shadow' ? { shadow: true } : {}),
    idempotencyKey: idempotencyKey(spec.source, spec.id, spec.component, scope),
    status: routed ? 'pending' : 'failed',
    version: routed?.version ?? null,
    channel: routed?.channel ?? null,
    pin: routed?.pin ?? null,
    pinSource: routed?.pinSource ?? null,
    attempts: 0,
    claimedAt: at,
    updatedAt: at,
    receivedAt: spec.receivedAt ?? at,
    ...(spec.who.customer ? { customer: spec.who.customer } : {}),
    ...(spec.who.project ? { project: spec.who.project } : {}),
    ...(spec.who.plan ? { plan: spec.who.plan } : {}),
    ...(routed
      ? // The claim is the handoff mark of attempt 1: the call follows it without another write.
        { leaseUntil: new Date(spec.now + spec.lease.ms).toISOString(), claimToken: spec.lease.token, handedOffAttempt: 1 }
      : { lastError: { code: 'VR_NO_ROUTABLE_VERSION', message: (spec.route as { unroutable: string }).unroutable } }),
  };
}
