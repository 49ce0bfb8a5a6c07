import { decideFast } from './decisions.js';
import { VrouterError } from './errors.js';
import type { OverrideClaims } from './override-token.js';
import type { Consideration, Directives, Resolution } from './resolution.js';
import { type RoutingContext, type ResolveOptions, resolveVersion } from './resolve.js';
import type { RoutingSnapshot } from './snapshot.js';

export type { Directives } from './resolution.js';

const overrideLabel = (override: OverrideClaims): string => `override (subject ${override.subject ?? 'none'})`;

/**
 * Refuses an override token that names a component or version that is not registered (or no longer is): the event
 * carrying it is rejected with VR_OVERRIDE_INVALID rather than routed somewhere its sender did not ask for.
 */
export function assertOverrideRoutable(snapshot: RoutingSnapshot, override: OverrideClaims): void {
  for (const [component, version] of Object.entries(override.versions)) {
    const routing = snapshot.components.get(component);
    if (!routing?.versions.has(version)) {
      const what = routing ? `version ${version} of ${component}` : `component ${component}`;
      throw new VrouterError('VR_OVERRIDE_INVALID', `The override token is not valid: it names ${what}, which is not registered.`, {
        field: 'vrouteroverride',
        details: { component, version },
      });
    }
  }
}

/**
 * Decides the version of `component` for an event, above pins and rollouts: the event's own override, else the
 * chain's override, then the version the chain already decided (unless the component opted out with
 * `chain: "resolve"`), then resolveVersion. A chain's version that is no longer registered, or its expired
 * override, is skipped (and explained when asked), and the component is resolved afresh.
 * Without `explain`, the answer comes from decisions the snapshot made ahead of time (see resolveVersion); both ways
 * give the same version, channel, source, pin and override.
 */
export function decideVersion(
  snapshot: RoutingSnapshot,
  component: string,
  context: RoutingContext,
  now: number,
  directives: Directives = {},
  options?: ResolveOptions,
): Resolution {
  if (options?.explain) return explainDecision(snapshot, component, context, now, directives);
  return decideFast(snapshot.decisions.get(component), component, context, now, directives);
}

function explainDecision(snapshot: RoutingSnapshot, component: string, context: RoutingContext, now: number, directives: Directives): Resolution {
  const explain = { explain: true };
  const routing = snapshot.components.get(component);
  const { chain } = directives;
  if (!routing || (!directives.override && !chain)) return resolveVersion(snapshot, component, context, now, explain);
  const leading: Consideration[] = [];

  const override = directives.override ?? chain?.override;
  const overridden = override?.versions[component];
  if (override && overridden !== undefined) {
    const label = overrideLabel(override);
    const until = new Date(override.expiresAt).toISOString();
    const base = { scope: 'override' as const, subject: override.subject ?? null, pin: { version: overridden, expiresAt: until } };
    if (override.expiresAt <= now) {
      leading.push({ ...base, outcome: 'expired', detail: `The chain's ${label} expired at ${until}.` });
    } else if (routing.versions.has(overridden)) {
      return {
        resolved: true,
        component,
        version: overridden,
        channel: null,
        target: routing.versions.get(overridden)!.target,
        source: 'override',
        pin: null,
        override: override.subject !== undefined ? { subject: override.subject } : {},
        considered: [{ ...base, outcome: 'matched', detail: `${label} → ${overridden} until ${until}.` }],
      };
    } else {
      leading.push({ ...base, outcome: 'version-unknown', detail: `The chain's ${label} names ${overridden}, which is no longer registered; resolved afresh.` });
    }
  }

  const kept = chain?.versions[component];
  if (chain && kept !== undefined) {
    const label = `chain (root ${chain.root.source} ${chain.root.id}, depth ${chain.depth + 1})`;
    const base = { scope: 'chain' as const, subject: null, pin: { version: kept } };
    if (routing.component.chain === 'resolve') {
      leading.push({ ...base, outcome: 'opted-out', detail: `${label} had ${kept}; ${component} resolves afresh in chains (chain: "resolve").` });
    } else if (routing.versions.has(kept)) {
      return {
        resolved: true,
        component,
        version: kept,
        channel: null,
        target: routing.versions.get(kept)!.target,
        source: 'chain',
        pin: null,
        considered: [...leading, { ...base, outcome: 'matched', detail: `${label} keeps ${kept}.` }],
      };
    } else {
      leading.push({ ...base, outcome: 'version-unknown', detail: `${label} had ${kept}, which is no longer registered; resolved afresh.` });
    }
  }

  const fresh = resolveVersion(snapshot, component, context, now, explain);
  return leading.length === 0 ? fresh : { ...fresh, considered: [...leading, ...fresh.considered] };
}
