import type { ConfigChanges } from './config-change.js';
import { type ComponentDecisions, componentDecisions, forgetDecided } from './decisions.js';
import type { ChannelName, Component, Customer, Project, TokenRecord, Version } from './model.js';
import type { Rollout } from './rollout.js';
import { type ComponentRouting, PinMap, type RoutingSnapshot, servedKey } from './snapshot.js';

interface MutableRouting {
  component: Component;
  versions: Map<string, Version>;
  channels: Partial<Record<ChannelName, string>>;
  rollout?: Rollout;
}

/**
 * Brings a snapshot up to `changes.revision` in O(changed records): the large maps are changed in place (they are
 * shared with `snapshot`), the few components whose routing changed get fresh decisions, and a changed pin only
 * forgets its subject's. Gives the same snapshot a full build of the same records would.
 * Returns undefined when the change cannot be applied alone: a component created or deleted brings or drops every
 * version, channel and rollout stored for it, which only a full load reads.
 */
export function applyChanges(snapshot: RoutingSnapshot, { revision, changes }: ConfigChanges): RoutingSnapshot | undefined {
  const pins = snapshot.pins;
  if (!(pins instanceof PinMap)) return undefined;
  for (const { ref, record } of changes) {
    if (ref.kind === 'component' && snapshot.components.has(ref.name) !== (record !== undefined)) return undefined;
  }
  const components = new Map(snapshot.components);
  const decisions = new Map<string, ComponentDecisions>(snapshot.decisions);
  const touched = new Set<string>();
  // A routing is copied once before its first change, so the snapshot it came from keeps answering as it did.
  const routingOf = (name: string): MutableRouting | undefined => {
    const routing = components.get(name);
    if (!routing || touched.has(name)) return routing as MutableRouting | undefined;
    const copy: MutableRouting = { ...routing, versions: new Map(routing.versions), channels: { ...routing.channels } };
    components.set(name, copy);
    touched.add(name);
    return copy;
  };
  const customers = snapshot.customers as Map<string, Customer>;
  const projects = snapshot.projects as Map<string, Project>;
  const tokens = snapshot.tokensByHash as Map<string, TokenRecord>;
  const served = snapshot.served as Set<string>;
  let signingKeys = snapshot.signingKeys;

  for (const { ref, record } of changes) {
    switch (ref.kind) {
      case 'component': {
        const routing = routingOf(ref.name);
        if (routing && record?.kind === 'component') routing.component = record.value;
        break;
      }
      case 'version': {
        const routing = routingOf(ref.component);
        if (!routing) break;
        if (record?.kind === 'version') routing.versions.set(ref.version, record.value);
        else routing.versions.delete(ref.version);
        break;
      }
      case 'channel': {
        const routing = routingOf(ref.component);
        if (!routing) break;
        if (record?.kind === 'channel') routing.channels[ref.channel] = record.value.version;
        else delete routing.channels[ref.channel];
        break;
      }
      case 'rollout': {
        const routing = routingOf(ref.component);
        if (!routing) break;
        if (record?.kind === 'rollout') routing.rollout = record.value;
        else delete routing.rollout;
        break;
      }
      case 'pin': {
        pins.delete(ref.scope, ref.subject, ref.component);
        if (record?.kind === 'pin') pins.set(record.value);
        const decided = decisions.get(ref.component);
        if (decided) forgetDecided(decided, ref.scope, ref.subject);
        break;
      }
      case 'customer':
        if (record?.kind === 'customer') customers.set(ref.id, record.value);
        else customers.delete(ref.id);
        break;
      case 'project':
        if (record?.kind === 'project') projects.set(ref.id, record.value);
        else projects.delete(ref.id);
        break;
      case 'token':
        for (const [hash, token] of tokens) if (token.name === ref.name) tokens.delete(hash);
        if (record?.kind === 'token') tokens.set(record.value.hash, record.value);
        break;
      case 'served':
        if (record?.kind === 'served') served.add(servedKey(ref.component, ref.version));
        else served.delete(servedKey(ref.component, ref.version));
        break;
      case 'signingKeys':
        signingKeys = record?.kind === 'signingKeys' ? record.value : undefined;
        break;
    }
  }
  for (const name of touched) decisions.set(name, componentDecisions(name, components.get(name) as ComponentRouting, pins.of(name)));
  const { signingKeys: _previous, ...rest } = snapshot;
  return {
    ...rest,
    revision: Math.max(snapshot.revision, revision),
    components,
    decisions,
    ...(signingKeys ? { signingKeys } : {}),
  };
}
