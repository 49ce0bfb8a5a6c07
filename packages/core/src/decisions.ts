import type { ChainMode, ChannelName, Pin, PinScope, Version } from './model.js';
import { type Directives, NO_EXPLANATION, noStableReason, type Resolution, unregistered } from './resolution.js';
import { inRolloutShare, type Rollout, rolloutBucket, rolloutPercent, routesTraffic } from './rollout.js';

// Decisions made once per snapshot rather than once per event. A snapshot changes only when configuration does,
// while every event resolves against it, so the per-event path is a lookup per source and returns a shared answer
// without building an explanation nobody reads. The explaining path (resolve.ts, decide.ts) walks the same sources
// in the same order (PIN_SOURCES) and must give the same answer; a property test holds them to it.
// A pin's answer is decided the first time an event asks for its subject and kept (up to MEMO_LIMIT per scope):
// deciding a million pins up front would cost seconds and hundreds of megabytes for subjects that may never send.

/** What precomputing reads of a component (the snapshot's ComponentRouting has this shape). */
interface ComponentRouting {
  component: { name: string; chain?: ChainMode };
  versions: ReadonlyMap<string, Version>;
  channels: Partial<Record<ChannelName, string>>;
  rollout?: Rollout;
}

/** A running rollout's share, decided per customer (the bucket hashes customer and component). */
export interface RolloutShare {
  version: string;
  percent: number;
  target: Version['target'];
}

/** A pin's answer and the instant it stops applying (`Infinity`: never; `NaN`: an unreadable expiry, never applied). */
export interface Decided {
  until: number;
  decision: Resolution;
}

/** A component's pins per scope, by subject; shared by successive snapshots and changed in place (snapshot-apply.ts). */
export type ScopedPins = Readonly<Record<PinScope, Map<string, Pin>>>;

export const newScopedPins = (): ScopedPins => ({ project: new Map(), customer: new Map(), plan: new Map() });

/** Decided answers kept per scope; past this many the memo starts afresh, so it stays bounded whatever subjects send. */
const MEMO_LIMIT = 65_536;

/** Stands for a pin that cannot be honoured (its channel is empty or its version unregistered): resolution skips it. */
const SKIPPED: Decided = Object.freeze({
  until: Number.NEGATIVE_INFINITY,
  decision: Object.freeze({ resolved: false, component: '', reason: '', considered: NO_EXPLANATION }) as Resolution,
});

export interface ComponentDecisions {
  name: string;
  versions: ReadonlyMap<string, Version>;
  /** What a chain that kept each registered version gives; absent when the component resolves afresh in chains. */
  chained?: ReadonlyMap<string, Resolution>;
  /** Per scope, by subject: every pin of the component, honourable or not. */
  pins: ScopedPins;
  /** Per scope, by subject: the answers decided so far; dropped with the routing they were decided under. */
  decided: Readonly<Record<PinScope, Map<string, Decided>>>;
  /** What deciding a pin reads: the routing these decisions were made for. */
  routing: ComponentRouting;
  /** Present while a rollout routes traffic to a registered candidate: it decides after the pins, before the fallback. */
  rollout?: RolloutShare;
  /** What resolution gives when no pin (and no rollout share) applies: the stable channel's version, or why there is none. */
  fallback: Resolution;
}

/** Decisions for one component over its pins (`pins` is shared, not copied): O(versions), whatever the pin count. */
export function componentDecisions(name: string, routing: ComponentRouting, pins: ScopedPins): ComponentDecisions {
  return {
    name,
    versions: routing.versions,
    ...(routing.component.chain === 'resolve' ? {} : { chained: chainedDecisions(name, routing) }),
    pins,
    decided: { project: new Map(), customer: new Map(), plan: new Map() },
    routing,
    ...rolloutOf(routing),
    fallback: fallbackDecision(routing),
  };
}

export function precomputeDecisions(components: ReadonlyMap<string, ComponentRouting>, pinsOf: (component: string) => ScopedPins): ReadonlyMap<string, ComponentDecisions> {
  const out = new Map<string, ComponentDecisions>();
  for (const [name, routing] of components) out.set(name, componentDecisions(name, routing, pinsOf(name)));
  return out;
}

/** Forgets what was decided for one subject, after its pin changed. */
export function forgetDecided(decisions: ComponentDecisions, scope: PinScope, subject: string): void {
  decisions.decided[scope].delete(subject);
}

/**
 * The fast path of decideVersion: each source in PIN_SOURCES order answers or passes to the next. Pins and the
 * default come from the snapshot; override and chain come with the event, so they are looked up per event.
 */
export function decideFast(
  decisions: ComponentDecisions | undefined,
  component: string,
  context: Partial<Record<PinScope, string>>,
  now: number,
  directives: Directives,
): Resolution {
  if (!decisions) return unregistered(component, NO_EXPLANATION);
  return byOverride(decisions, directives, now) ?? byChain(decisions, directives) ?? configured(decisions, context, now);
}

/** The fast path of resolveVersion: what configuration alone gives (pins, then the default). */
export function resolveFast(decisions: ComponentDecisions | undefined, component: string, context: Partial<Record<PinScope, string>>, now: number): Resolution {
  if (!decisions) return unregistered(component, NO_EXPLANATION);
  return configured(decisions, context, now);
}

function configured(decisions: ComponentDecisions, context: Partial<Record<PinScope, string>>, now: number): Resolution {
  return byPin(decisions, context, now) ?? byRollout(decisions, context.customer) ?? decisions.fallback;
}

function rolloutOf(routing: ComponentRouting): { rollout?: RolloutShare } {
  const rollout = routing.rollout;
  const candidate = rollout ? routing.versions.get(rollout.version) : undefined;
  if (!rollout || !candidate || !routesTraffic(rollout)) return {};
  return { rollout: Object.freeze({ version: rollout.version, percent: rolloutPercent(rollout), target: candidate.target }) };
}

/** The candidate for a customer whose bucket is in the share; its answer names the bucket, so it is made per event. */
function byRollout(decisions: ComponentDecisions, customer: string | undefined): Resolution | undefined {
  const share = decisions.rollout;
  if (share === undefined || customer == null) return undefined;
  const bucket = rolloutBucket(decisions.name, customer);
  if (!inRolloutShare(share.percent, bucket)) return undefined;
  return {
    resolved: true,
    component: decisions.name,
    version: share.version,
    channel: null,
    target: share.target,
    source: 'rollout',
    pin: null,
    rollout: { percent: share.percent, bucket },
    considered: NO_EXPLANATION,
  };
}

/** The event's own override, else its chain's: the version it names for this component, while it lasts and is registered. */
function byOverride(decisions: ComponentDecisions, directives: Directives, now: number): Resolution | undefined {
  const override = directives.override ?? directives.chain?.override;
  const version = override?.versions[decisions.name];
  // Written as the explaining path writes it, so a token whose expiry is no number is treated alike by both.
  if (override === undefined || version === undefined || override.expiresAt <= now) return undefined;
  const registered = decisions.versions.get(version);
  if (!registered) return undefined;
  return {
    resolved: true,
    component: decisions.name,
    version,
    channel: null,
    target: registered.target,
    source: 'override',
    pin: null,
    override: override.subject !== undefined ? { subject: override.subject } : {},
    considered: NO_EXPLANATION,
  };
}

/** The version the chain already decided for this component, unless it opted out or that version is gone. */
function byChain(decisions: ComponentDecisions, directives: Directives): Resolution | undefined {
  const kept = directives.chain?.versions[decisions.name];
  return kept === undefined ? undefined : decisions.chained?.get(kept);
}

/** The most specific pin for the event's subjects that is live at `now`. */
function byPin(decisions: ComponentDecisions, context: Partial<Record<PinScope, string>>, now: number): Resolution | undefined {
  // Unrolled over SCOPES (project, customer, plan): this runs once per event and component.
  return live(decisions, 'project', context.project, now) ?? live(decisions, 'customer', context.customer, now) ?? live(decisions, 'plan', context.plan, now);
}

function live(decisions: ComponentDecisions, scope: PinScope, subject: string | undefined, now: number): Resolution | undefined {
  if (subject == null) return undefined;
  const memo = decisions.decided[scope];
  let decided = memo.get(subject);
  if (decided === undefined) {
    const pin = decisions.pins[scope].get(subject);
    if (pin === undefined) return undefined;
    decided = decide(decisions.routing, pin);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(subject, decided);
  }
  return decided.until > now ? decided.decision : undefined;
}

/** A pin's answer and until when it holds; SKIPPED when it cannot be honoured. */
function decide(routing: ComponentRouting, pin: Pin): Decided {
  const version = pinnedVersion(routing, pin);
  if (version === undefined) return SKIPPED;
  const decision = answer(pin.component, version, routing, { channel: pin.channel ?? null, source: pin.scope, pin: Object.freeze({ scope: pin.scope, subject: pin.subject }) });
  return { until: pin.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(pin.expiresAt), decision };
}

/** The version a pin gives today, or undefined when its channel is empty or its version unregistered. */
function pinnedVersion(routing: ComponentRouting, pin: Pin): string | undefined {
  // An empty channel pointer is no version, as the explaining path reads it.
  const version = pin.channel !== undefined ? routing.channels[pin.channel] || undefined : pin.version;
  return version !== undefined && routing.versions.has(version) ? version : undefined;
}

function chainedDecisions(component: string, routing: ComponentRouting): ReadonlyMap<string, Resolution> {
  const out = new Map<string, Resolution>();
  for (const version of routing.versions.keys()) out.set(version, answer(component, version, routing, { channel: null, source: 'chain', pin: null }));
  return out;
}

function fallbackDecision(routing: ComponentRouting): Resolution {
  const component = routing.component.name;
  const stable = routing.channels.stable;
  if (stable && routing.versions.has(stable)) return answer(component, stable, routing, { channel: 'stable', source: 'default', pin: null });
  return Object.freeze({ resolved: false, component, reason: noStableReason(stable), considered: NO_EXPLANATION });
}

/** A resolved answer shared by every event it applies to, hence frozen. */
function answer(component: string, version: string, routing: ComponentRouting, how: Pick<Extract<Resolution, { resolved: true }>, 'channel' | 'source' | 'pin'>): Resolution {
  return Object.freeze({ resolved: true, component, version, ...how, target: routing.versions.get(version)!.target, considered: NO_EXPLANATION });
}
