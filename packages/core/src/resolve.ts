import { resolveFast } from './decisions.js';
import type { Pin, PinScope } from './model.js';
import { SCOPES } from './model.js';
import { inRolloutShare, rolloutBucket, rolloutPercent, routesTraffic } from './rollout.js';
import { type Consideration, noStableDetail, noStableReason, type Resolution, unregistered } from './resolution.js';
import { type ComponentRouting, pinKey, type RoutingSnapshot } from './snapshot.js';

/** Who an event is for. Missing fields are derived from the snapshot by routingContext(). */
export interface RoutingContext {
  customer?: string;
  project?: string;
  plan?: string;
}

export { CONSIDERATION_OUTCOMES, PIN_SOURCES } from './resolution.js';
export type { Consideration, ConsiderationOutcome, PinSource, Resolution } from './resolution.js';

export interface ResolveOptions {
  /** Fill `considered` with every step and why it did or did not decide; off, `considered` is empty. */
  explain?: boolean;
}

/**
 * Fills in what the event left out: the customer from a known project, the plan from the customer's record.
 * What the event says explicitly always wins.
 */
export function routingContext(snapshot: RoutingSnapshot, given: RoutingContext): RoutingContext {
  const customer = given.customer ?? (given.project ? snapshot.projects.get(given.project)?.customer : undefined);
  const plan = given.plan ?? (customer ? snapshot.customers.get(customer)?.plan : undefined);
  return { customer, project: given.project, plan };
}

/** A pin applies until its expiry; at or after it, it is ignored. */
export function isPinLive(pin: Pin, now: number): boolean {
  return pin.expiresAt === undefined || Date.parse(pin.expiresAt) > now;
}

function describe(pin: Pin): NonNullable<Consideration['pin']> {
  return { channel: pin.channel, version: pin.version, expiresAt: pin.expiresAt, reason: pin.reason };
}

/**
 * Decides which version of `component` handles an event for `context` at `now`, from configuration alone (for an
 * event's override and chain, see decideVersion).
 * The most specific live pin wins (project, then customer, then plan), then a running rollout's share of customers,
 * else the stable channel.
 * A pin that cannot be honoured (expired, empty channel, unknown version) is skipped, and explained when asked.
 * Without `explain`, the answer is one the snapshot decided ahead of time, shared and frozen: read it, copy it, never
 * change it. Both ways give the same version, channel, source and pin.
 * Pure: reads only the snapshot, never throws for routing reasons; `resolved: false` says why.
 */
export function resolveVersion(snapshot: RoutingSnapshot, component: string, context: RoutingContext, now: number = Date.now(), options?: ResolveOptions): Resolution {
  if (options?.explain) return explainVersion(snapshot, component, context, now);
  return resolveFast(snapshot.decisions.get(component), component, context, now);
}

/** The same decision as the fast path, step by step, each step saying why it did or did not decide. */
function explainVersion(snapshot: RoutingSnapshot, component: string, context: RoutingContext, now: number): Resolution {
  const routing = snapshot.components.get(component);
  const considered: Consideration[] = [];
  if (!routing) return unregistered(component, considered);

  for (const scope of SCOPES) {
    const subject = context[scope] ?? null;
    if (subject === null) {
      considered.push({ scope, subject, outcome: 'no-subject', detail: `The event names no ${scope}.` });
      continue;
    }
    const pin = snapshot.pins.get(pinKey(scope, subject, component));
    if (!pin) {
      considered.push({ scope, subject, outcome: 'no-pin', detail: `No pin for ${scope} ${subject}.` });
      continue;
    }
    const step = pinOutcome(routing, pin, now);
    considered.push(step.consideration);
    if (step.version) {
      markRest(considered, scope, context);
      return {
        resolved: true,
        component,
        version: step.version,
        channel: pin.channel ?? null,
        target: routing.versions.get(step.version)!.target,
        source: scope,
        pin: { scope, subject },
        considered,
      };
    }
  }

  const share = rolloutShare(routing, context.customer);
  if (share) {
    considered.push(share.consideration);
    if (share.matched) {
      const version = share.version;
      return { resolved: true, component, version, channel: null, target: routing.versions.get(version)!.target, source: 'rollout', pin: null, rollout: share.rollout, considered };
    }
  }

  const stable = routing.channels.stable;
  if (stable && routing.versions.has(stable)) {
    considered.push({ scope: 'default', subject: null, outcome: 'matched', pin: { channel: 'stable', version: stable }, detail: `Default: stable channel → ${stable}.` });
    return { resolved: true, component, version: stable, channel: 'stable', target: routing.versions.get(stable)!.target, source: 'default', pin: null, considered };
  }
  considered.push({ scope: 'default', subject: null, outcome: 'channel-empty', pin: { channel: 'stable' }, detail: noStableDetail(stable) });
  return { resolved: false, component, reason: noStableReason(stable), considered };
}

function pinOutcome(routing: ComponentRouting, pin: Pin, now: number): { version?: string; consideration: Consideration } {
  const base = { scope: pin.scope, subject: pin.subject, pin: describe(pin) };
  if (!isPinLive(pin, now)) return { consideration: { ...base, outcome: 'expired', detail: `Pin expired at ${pin.expiresAt}.` } };
  if (pin.channel !== undefined) {
    const version = routing.channels[pin.channel];
    if (!version) return { consideration: { ...base, outcome: 'channel-empty', detail: `Pinned to channel ${pin.channel}, which points at no version.` } };
    if (!routing.versions.has(version)) {
      return { consideration: { ...base, outcome: 'version-unknown', detail: `Channel ${pin.channel} points at ${version}, which is not registered.` } };
    }
    return { version, consideration: { ...base, outcome: 'matched', detail: `Pinned to channel ${pin.channel} → ${version}.` } };
  }
  if (!routing.versions.has(pin.version)) {
    return { consideration: { ...base, outcome: 'version-unknown', detail: `Pinned to version ${pin.version}, which is not registered.` } };
  }
  return { version: pin.version, consideration: { ...base, outcome: 'matched', detail: `Pinned to version ${pin.version}.` } };
}

/** After a match, the less specific scopes were not looked at; say so rather than leave them out. */
function markRest(considered: Consideration[], matched: PinScope, context: RoutingContext): void {
  for (const scope of SCOPES.slice(SCOPES.indexOf(matched) + 1)) {
    considered.push({ scope, subject: context[scope] ?? null, outcome: 'not-reached', detail: `A ${matched} pin matched first.` });
  }
}

/** The rollout step of resolution: whether the customer's bucket is in the running rollout's share. */
function rolloutShare(
  routing: ComponentRouting,
  customer: string | undefined,
): { matched: boolean; version: string; rollout: { percent: number; bucket: number }; consideration: Consideration } | undefined {
  const rollout = routing.rollout;
  if (!rollout || !routesTraffic(rollout) || !routing.versions.has(rollout.version) || customer === undefined) return undefined;
  const percent = rolloutPercent(rollout);
  const bucket = rolloutBucket(routing.component.name, customer);
  const matched = inRolloutShare(percent, bucket);
  const base = { scope: 'rollout' as const, subject: customer, pin: { version: rollout.version } };
  const detail = matched ? `rollout ${percent}% (bucket ${bucket}) → ${rollout.version}.` : `rollout ${percent}% (bucket ${bucket}): outside the share.`;
  return { matched, version: rollout.version, rollout: { percent, bucket }, consideration: { ...base, outcome: matched ? 'matched' : 'outside-share', detail } };
}
