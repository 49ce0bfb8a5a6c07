import { type ComponentDecisions, precomputeDecisions } from './decisions.js';
import type { ChannelName, Component, Customer, Pin, PinScope, Project, TokenRecord, Version } from './model.js';
import type { Rollout } from './rollout.js';
import type { SigningKeys } from './signing.js';

/** Everything resolution needs, held in memory so routing an event reads nothing from the store. */
export interface RoutingSnapshot {
  /** Monotonic counter of the store's configuration; a snapshot is stale when the store's is higher. */
  revision: number;
  components: ReadonlyMap<string, ComponentRouting>;
  /** Keyed by pinKey(scope, subject, component). */
  pins: ReadonlyMap<string, Pin>;
  /** Per component, what resolution gives for each honourable pin and by default, decided when the snapshot is built. */
  decisions: ReadonlyMap<string, ComponentDecisions>;
  customers: ReadonlyMap<string, Customer>;
  projects: ReadonlyMap<string, Project>;
  /** API tokens by the hex SHA-256 of the token, so authenticating a request reads nothing from the store. */
  tokensByHash: ReadonlyMap<string, TokenRecord>;
  /** Versions that have served an event through beta or experimental, as `component@version`. */
  served: ReadonlySet<string>;
  /** The deployment's keys for override tokens and chain contexts; absent until the first router created them. */
  signingKeys?: SigningKeys;
}

export interface ComponentRouting {
  component: Component;
  versions: ReadonlyMap<string, Version>;
  channels: Partial<Record<ChannelName, string>>;
  /** The component's current or last rollout, so resolution reads its share from memory. */
  rollout?: Rollout;
}

export interface SnapshotParts {
  revision: number;
  components: Component[];
  versions: Version[];
  channels: { component: string; channel: ChannelName; version: string }[];
  pins: Pin[];
  customers: Customer[];
  projects: Project[];
  tokens?: TokenRecord[];
  served?: { component: string; version: string }[];
  signingKeys?: SigningKeys;
  rollouts?: Rollout[];
}

export function pinKey(scope: PinScope, subject: string, component: string): string {
  return `${scope}\u0000${subject}\u0000${component}`;
}

export const servedKey = (component: string, version: string): string => `${component}@${version}`;

/** Indexes flat records into a snapshot; records of unknown components are dropped, not fatal. */
export function buildSnapshot(parts: SnapshotParts): RoutingSnapshot {
  const components = new Map<string, { component: Component; versions: Map<string, Version>; channels: Partial<Record<ChannelName, string>>; rollout?: Rollout }>();
  for (const component of parts.components) components.set(component.name, { component, versions: new Map(), channels: {} });
  for (const version of parts.versions) components.get(version.component)?.versions.set(version.name, version);
  for (const pointer of parts.channels) {
    const routing = components.get(pointer.component);
    if (routing) routing.channels[pointer.channel] = pointer.version;
  }
  for (const rollout of parts.rollouts ?? []) {
    const routing = components.get(rollout.component);
    if (routing) routing.rollout = rollout;
  }
  const pins = new Map<string, Pin>();
  for (const pin of parts.pins) pins.set(pinKey(pin.scope, pin.subject, pin.component), pin);
  return {
    revision: parts.revision,
    components,
    pins,
    decisions: precomputeDecisions(components, pins.values()),
    customers: new Map(parts.customers.map((c) => [c.id, c])),
    projects: new Map(parts.projects.map((p) => [p.id, p])),
    tokensByHash: new Map((parts.tokens ?? []).map((t) => [t.hash, t])),
    served: new Set((parts.served ?? []).map((s) => servedKey(s.component, s.version))),
    ...(parts.signingKeys ? { signingKeys: parts.signingKeys } : {}),
  };
}

export const EMPTY_SNAPSHOT: RoutingSnapshot = buildSnapshot({
  revision: 0,
  components: [],
  versions: [],
  channels: [],
  pins: [],
  customers: [],
  projects: [],
});
