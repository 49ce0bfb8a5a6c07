import { VrouterError } from './errors.js';
import { type ChannelName, type Pin, type PinScope, SCOPES } from './model.js';
import { isPinLive } from './resolve.js';
import { type ComponentRouting, type RoutingSnapshot, servedKey } from './snapshot.js';

/** Safety checks on configuration changes: each refuses a change that would send events nowhere or to an unproven version. */

/** The component's pins only, not every pin of the snapshot (there may be a million). */
const pinsOf = (snapshot: RoutingSnapshot, component: string): Pin[] => {
  const scoped = snapshot.pinsByComponent.get(component);
  return scoped ? SCOPES.flatMap((scope) => [...scoped[scope].values()]) : [];
};

/** The channels and live pins that route events to `version`. */
export function versionUsage(
  snapshot: RoutingSnapshot,
  component: string,
  version: string,
  now: number,
): { channels: ChannelName[]; pins: { scope: PinScope; subject: string }[] } {
  const routing = snapshot.components.get(component);
  const channels = Object.entries(routing?.channels ?? {})
    .filter(([, v]) => v === version)
    .map(([c]) => c as ChannelName);
  const pins = pinsOf(snapshot, component)
    .filter((p) => p.version === version && isPinLive(p, now))
    .map(({ scope, subject }) => ({ scope, subject }));
  return { channels, pins };
}

/** Throws VR_CONFLICT while a channel or a live pin uses the version: deleting it would leave their events without a route. */
export function assertVersionUnused(snapshot: RoutingSnapshot, component: string, version: string, now: number): void {
  const { channels, pins } = versionUsage(snapshot, component, version, now);
  if (channels.length > 0 || pins.length > 0) {
    throw new VrouterError('VR_CONFLICT', `Version ${version} is in use by ${channels.length} channel(s) and ${pins.length} live pin(s); move them first.`, {
      details: { channels, pins },
    });
  }
}

/**
 * Throws VR_CONFLICT while the component has versions or pins (live or expired): a component never disappears with
 * routes still pointing at it, and a later one of the same name starts clean.
 */
export function assertComponentUnused(snapshot: RoutingSnapshot, component: string): void {
  const versions = [...(snapshot.components.get(component)?.versions.keys() ?? [])];
  const pins = pinsOf(snapshot, component);
  if (versions.length > 0 || pins.length > 0) {
    throw new VrouterError('VR_CONFLICT', `Component ${component} still has ${versions.length} version(s) and ${pins.length} pin(s); remove them first.`, {
      details: { versions, pins: pins.map(({ scope, subject }) => ({ scope, subject })) },
    });
  }
}

/**
 * Stable serves everyone without a pin: a version gets there only after it has served real events through beta or
 * experimental. Throws VR_SAFETY_CHECK (check `stable-unproven`) for moving stable to an unproven version, unless
 * forced; pointing an empty stable anywhere, or at the version it already has, is allowed.
 */
export function assertStableProven(snapshot: RoutingSnapshot, component: string, channel: ChannelName, version: string, force: boolean): void {
  if (channel !== 'stable' || force) return;
  const current = snapshot.components.get(component)?.channels.stable;
  if (current === undefined || current === version || snapshot.served.has(servedKey(component, version))) return;
  throw new VrouterError(
    'VR_SAFETY_CHECK',
    `Version ${version} of ${component} has never served an event through beta or experimental; send "force": true with a "reason" to move stable anyway.`,
    { field: 'version', details: { check: 'stable-unproven' } },
  );
}

/**
 * The version `channel` points at; throws VR_CHANNEL_EMPTY (naming `field`) when it points nowhere, since
 * anything that follows it would route no event. `hint` ends the message (e.g. how to override).
 */
export function channelTarget(routing: ComponentRouting, channel: ChannelName, field: string, hint = ''): string {
  const version = routing.channels[channel];
  if (!version) throw new VrouterError('VR_CHANNEL_EMPTY', `Channel ${channel} of ${routing.component.name} points at no version${hint}.`, { field });
  return version;
}
