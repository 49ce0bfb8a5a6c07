import type { ChannelName, Pin, PinScope, Version } from './model.js';
import { NO_EXPLANATION, noStableReason, type Resolution } from './resolution.js';

/** What precomputing reads of a component (the snapshot's ComponentRouting has this shape). */
interface ComponentRouting {
  component: { name: string };
  versions: ReadonlyMap<string, Version>;
  channels: Partial<Record<ChannelName, string>>;
}

/**
 * Decisions made once per snapshot rather than once per event: what each pin gives and what the default gives.
 * A snapshot changes only when configuration does, while every event resolves against it, so the per-event path
 * is a lookup per scope and returns a shared answer without building an explanation nobody reads.
 */

/** A pin's answer and the instant it stops applying (`Infinity`: never; `NaN`: an unreadable expiry, never applied). */
export interface Decided {
  until: number;
  decision: Resolution;
}

export interface ComponentDecisions {
  /** Per scope, by subject: only pins that can be honoured; a pin that cannot is skipped by resolution either way. */
  pins: Readonly<Record<PinScope, ReadonlyMap<string, Decided>>>;
  /** What resolution gives when no pin applies: the stable channel's version, or why there is none. */
  fallback: Resolution;
}

/** The version a pin gives today, or undefined when its channel is empty or its version unregistered. */
function pinnedVersion(routing: ComponentRouting, pin: Pin): string | undefined {
  const version = pin.channel !== undefined ? routing.channels[pin.channel] : pin.version;
  return version !== undefined && routing.versions.has(version) ? version : undefined;
}

export function precomputeDecisions(components: ReadonlyMap<string, ComponentRouting>, pins: Iterable<Pin>): ReadonlyMap<string, ComponentDecisions> {
  const out = new Map<string, { pins: Record<PinScope, Map<string, Decided>>; fallback: Resolution }>();
  for (const [name, routing] of components) {
    out.set(name, { pins: { project: new Map(), customer: new Map(), plan: new Map() }, fallback: fallbackDecision(routing) });
  }
  for (const pin of pins) {
    const routing = components.get(pin.component);
    const version = routing ? pinnedVersion(routing, pin) : undefined;
    if (!routing || version === undefined) continue;
    const decision: Resolution = Object.freeze({
      resolved: true,
      component: pin.component,
      version,
      channel: pin.channel ?? null,
      target: routing.versions.get(version)!.target,
      source: pin.scope,
      pin: Object.freeze({ scope: pin.scope, subject: pin.subject }),
      considered: NO_EXPLANATION,
    });
    const until = pin.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(pin.expiresAt);
    out.get(pin.component)!.pins[pin.scope].set(pin.subject, { until, decision });
  }
  return out;
}

function fallbackDecision(routing: ComponentRouting): Resolution {
  const component = routing.component.name;
  const stable = routing.channels.stable;
  if (stable !== undefined && routing.versions.has(stable)) {
    return Object.freeze({
      resolved: true,
      component,
      version: stable,
      channel: 'stable',
      target: routing.versions.get(stable)!.target,
      source: 'default',
      pin: null,
      considered: NO_EXPLANATION,
    });
  }
  return Object.freeze({ resolved: false, component, reason: noStableReason(stable), considered: NO_EXPLANATION });
}
