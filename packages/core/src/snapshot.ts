import type { ConfigRecord } from './config-change.js';
import { type ComponentDecisions, newScopedPins, precomputeDecisions, type ScopedPins } from './decisions.js';
import type { ChannelName, Component, Customer, Pin, PinScope, Project, TokenRecord, Version } from './model.js';
import { SCOPES } from './model.js';
import type { Rollout } from './rollout.js';
import type { SigningKeys } from './signing.js';

/**
 * Everything resolution needs, held in memory so routing an event reads nothing from the store.
 * A snapshot that was brought up to date incrementally (snapshot-apply.ts) shares its large maps (pins, customers,
 * projects, tokens, served) with the snapshot it came from, changed in place: hold on to a revision, not to a
 * snapshot, to tell configurations apart.
 */
export interface RoutingSnapshot {
  /** Monotonic counter of the store's configuration; a snapshot is stale when the store's is higher. */
  revision: number;
  components: ReadonlyMap<string, ComponentRouting>;
  /** Keyed by pinKey(scope, subject, component): a view over pinsByComponent. Pins carry no etag (see Interner.pin). */
  pins: ReadonlyMap<string, Pin>;
  /** Per component (registered or not), its pins by scope and subject. */
  pinsByComponent: ReadonlyMap<string, ScopedPins>;
  /** Per component, what resolution needs to decide without explaining; pins are decided on first use. */
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

const SEPARATOR = '\u0000';

export function pinKey(scope: PinScope, subject: string, component: string): string {
  return `${scope}${SEPARATOR}${subject}${SEPARATOR}${component}`;
}

export const servedKey = (component: string, version: string): string => `${component}@${version}`;

/**
 * The snapshot's pins keyed by pinKey, read through the per-component index: one map entry and no key string per
 * pin, which for a million pins is the difference between fitting a router's heap and not.
 */
export class PinMap implements ReadonlyMap<string, Pin> {
  private count = 0;
  /** Shared by every snapshot that shares these pins, so pins added later share strings with those loaded first. */
  readonly interner = new Interner();

  constructor(readonly byComponent: Map<string, ScopedPins>) {
    for (const scoped of byComponent.values()) for (const scope of SCOPES) this.count += scoped[scope].size;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): Pin | undefined {
    const [scope, subject, component, extra] = key.split(SEPARATOR);
    if (extra !== undefined || component === undefined || subject === undefined || !(SCOPES as readonly string[]).includes(scope!)) return undefined;
    return this.byComponent.get(component)?.[scope as PinScope].get(subject);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The component's pins, an empty entry made when it has none: its decisions and later pins must share one. */
  of(component: string): ScopedPins {
    const known = this.byComponent.get(component);
    if (known) return known;
    const scoped = newScopedPins();
    this.byComponent.set(component, scoped);
    return scoped;
  }

  /** Adds or replaces the pin (kept in compact form); returns the one it replaced. */
  set(pin: Pin): Pin | undefined {
    const scoped = this.of(pin.component);
    const before = scoped[pin.scope].get(pin.subject);
    scoped[pin.scope].set(pin.subject, this.interner.pin(pin));
    if (before === undefined) this.count += 1;
    return before;
  }

  delete(scope: PinScope, subject: string, component: string): Pin | undefined {
    const before = this.byComponent.get(component)?.[scope].get(subject);
    if (before !== undefined) {
      this.byComponent.get(component)![scope].delete(subject);
      this.count -= 1;
    }
    return before;
  }

  *values(): MapIterator<Pin> {
    for (const scoped of this.byComponent.values()) for (const scope of SCOPES) yield* scoped[scope].values();
  }

  *keys(): MapIterator<string> {
    for (const pin of this.values()) yield pinKey(pin.scope, pin.subject, pin.component);
  }

  *entries(): MapIterator<[string, Pin]> {
    for (const pin of this.values()) yield [pinKey(pin.scope, pin.subject, pin.component), pin];
  }

  [Symbol.iterator](): MapIterator<[string, Pin]> {
    return this.entries();
  }

  forEach(callback: (value: Pin, key: string, map: ReadonlyMap<string, Pin>) => void, thisArg?: unknown): void {
    for (const [key, pin] of this.entries()) callback.call(thisArg, pin, key, this);
  }
}

/**
 * Few distinct values recur across a million pins (scopes, component, channel and version names); sharing one copy
 * of each keeps a pin to its subject and its own fields.
 */
export class Interner {
  private readonly strings = new Map<string, string>();

  of<T extends string | undefined>(value: T): T {
    if (value === undefined) return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    // Bounded: values beyond the bound are kept as they are, which costs memory but never correctness.
    if (this.strings.size < 100_000) this.strings.set(value, value);
    return value;
  }

  /**
   * The pin as a snapshot keeps it: shared copies of its recurring strings, fields in one order so pins share one
   * shape, and no etag (a pin's etag is read from the store when one pin is read for an If-Match): at a million pins
   * it alone is a fifth of the heap, and routing never reads it.
   */
  pin(pin: Pin): Pin {
    const scope = this.of(pin.scope);
    const component = this.of(pin.component);
    const { subject, expiresAt, reason, createdAt } = pin;
    // Literals rather than spreads: each gives objects of one fixed shape with their fields inline.
    if (expiresAt === undefined && reason === undefined) {
      return pin.channel !== undefined
        ? { scope, subject, component, channel: this.of(pin.channel), createdAt }
        : { scope, subject, component, version: this.of(pin.version), createdAt };
    }
    const target = pin.channel !== undefined ? { channel: this.of(pin.channel) } : { version: this.of(pin.version) };
    return { scope, subject, component, ...target, ...(expiresAt !== undefined ? { expiresAt } : {}), ...(reason !== undefined ? { reason } : {}), createdAt };
  }
}

/** Collects records in any order (a store pages through them) and indexes them into a snapshot. */
export class SnapshotBuilder {
  private readonly components: Component[] = [];
  private readonly versions: Version[] = [];
  private readonly channels: { component: string; channel: ChannelName; version: string }[] = [];
  private readonly rollouts: Rollout[] = [];
  private readonly pinIndex = new Map<string, ScopedPins>();
  private readonly pins = new PinMap(this.pinIndex);
  private readonly customers = new Map<string, Customer>();
  private readonly projects = new Map<string, Project>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly served = new Set<string>();
  private signingKeys: SigningKeys | undefined;

  add(record: ConfigRecord): void {
    const { kind, value } = record;
    if (kind === 'component') this.components.push(value);
    else if (kind === 'version') this.versions.push(value);
    else if (kind === 'channel') this.addChannel(value);
    else if (kind === 'rollout') this.rollouts.push(value);
    else if (kind === 'pin') this.pins.set(value);
    else if (kind === 'customer') this.customers.set(value.id, value);
    else if (kind === 'project') this.projects.set(value.id, value);
    else if (kind === 'token') this.tokens.set(value.hash, value);
    else if (kind === 'served') this.served.add(servedKey(value.component, value.version));
    else this.signingKeys = value;
  }

  addChannel(pointer: { component: string; channel: ChannelName; version: string }): void {
    this.channels.push(pointer);
  }

  /** The snapshot; O(components + versions): pins are indexed as they are added and decided on first use. */
  build(revision: number): RoutingSnapshot {
    const components = new Map<string, { component: Component; versions: Map<string, Version>; channels: Partial<Record<ChannelName, string>>; rollout?: Rollout }>();
    for (const component of this.components) components.set(component.name, { component, versions: new Map(), channels: {} });
    for (const version of this.versions) components.get(version.component)?.versions.set(version.name, version);
    for (const pointer of this.channels) {
      const routing = components.get(pointer.component);
      if (routing) routing.channels[pointer.channel] = pointer.version;
    }
    for (const rollout of this.rollouts) {
      const routing = components.get(rollout.component);
      if (routing) routing.rollout = rollout;
    }
    return {
      revision,
      components,
      pins: this.pins,
      pinsByComponent: this.pinIndex,
      decisions: precomputeDecisions(components, (name) => this.pins.of(name)),
      customers: this.customers,
      projects: this.projects,
      tokensByHash: this.tokens,
      served: this.served,
      ...(this.signingKeys ? { signingKeys: this.signingKeys } : {}),
    };
  }
}

/** Indexes flat records into a snapshot; records of unknown components are dropped (pins are kept), not fatal. */
export function buildSnapshot(parts: SnapshotParts): RoutingSnapshot {
  const builder = new SnapshotBuilder();
  for (const value of parts.components) builder.add({ kind: 'component', value });
  for (const value of parts.versions) builder.add({ kind: 'version', value });
  for (const value of parts.channels) builder.addChannel(value);
  for (const value of parts.rollouts ?? []) builder.add({ kind: 'rollout', value });
  for (const value of parts.pins) builder.add({ kind: 'pin', value });
  for (const value of parts.customers) builder.add({ kind: 'customer', value });
  for (const value of parts.projects) builder.add({ kind: 'project', value });
  for (const value of parts.tokens ?? []) builder.add({ kind: 'token', value });
  for (const value of parts.served ?? []) builder.add({ kind: 'served', value });
  if (parts.signingKeys) builder.add({ kind: 'signingKeys', value: parts.signingKeys });
  return builder.build(parts.revision);
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
