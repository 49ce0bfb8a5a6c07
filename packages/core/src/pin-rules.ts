import { ValidationError, VrouterError } from './errors.js';
import type { ChannelName, Pin, PinScope, PinTarget } from './model.js';
import { channelTarget } from './safety.js';
import type { RoutingSnapshot } from './snapshot.js';

/** A pin as asked for, its fields already well-formed (names, timestamp); pinFor applies the rules. */
export interface PinRequest {
  scope: PinScope;
  subject: string;
  component: string;
  channel?: ChannelName;
  version?: string;
  expiresAt?: string;
  reason?: string;
  /** Pin to a channel that points nowhere yet (resolution skips the pin until it does). */
  force: boolean;
}

export interface PinPolicy {
  /** A pin to `experimental` without an expiry gets this one, so forgotten experiments end by themselves. */
  experimentalPinTtlMs: number;
}

/**
 * When a pin ends: the expiry asked for (which must be in the future), else, for a pin to experimental, the
 * policy's default, else never (undefined). Throws ValidationError on `expiresAt` for a past expiry.
 */
export function pinExpiry(target: PinTarget, expiresAt: string | undefined, policy: PinPolicy, now: number): string | undefined {
  if (expiresAt !== undefined) {
    if (Date.parse(expiresAt) <= now) throw new ValidationError('expiresAt', 'expiresAt is in the past.');
    return expiresAt;
  }
  return target.channel === 'experimental' ? new Date(now + policy.experimentalPinTtlMs).toISOString() : undefined;
}

/**
 * The pin to store for a request, checked against the configuration: the component is registered (else
 * VR_COMPONENT_UNKNOWN), exactly one of channel or version is given (VR_VALIDATION), a channel points somewhere
 * unless forced (VR_CHANNEL_EMPTY), a version is registered (VR_PIN_VERSION_UNKNOWN), and the expiry per pinExpiry.
 */
export function pinFor(snapshot: RoutingSnapshot, request: PinRequest, policy: PinPolicy, now: number): Pin {
  const { scope, subject, component } = request;
  const routing = snapshot.components.get(component);
  if (!routing) throw new VrouterError('VR_COMPONENT_UNKNOWN', `Component ${component} is not registered.`, { field: 'component' });
  if ((request.channel === undefined) === (request.version === undefined)) throw new ValidationError('channel', 'Send exactly one of channel or version.');
  let target: PinTarget;
  if (request.channel !== undefined) {
    // Forcing makes sense here: pin first, point the channel later; until then resolution skips the pin.
    if (!request.force) channelTarget(routing, request.channel, 'channel', '; send "force": true with a "reason" to pin anyway');
    target = { channel: request.channel };
  } else {
    const version = request.version!;
    if (!routing.versions.has(version)) throw new VrouterError('VR_PIN_VERSION_UNKNOWN', `Version ${version} of ${component} is not registered.`, { field: 'version' });
    target = { version };
  }
  const expiresAt = pinExpiry(target, request.expiresAt, policy, now);
  return {
    scope,
    subject,
    component,
    ...target,
    createdAt: new Date(now).toISOString(),
    ...(expiresAt ? { expiresAt } : {}),
    ...(request.reason ? { reason: request.reason } : {}),
  } as Pin;
}
