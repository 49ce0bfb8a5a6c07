import { randomUUID } from 'node:crypto';
import { type CostLimits, EventTrace } from '@vrouter/telemetry';
import { CONTEXT_ATTRIBUTE, type Keyring, OVERRIDE_ATTRIBUTE, readDirectives } from './chain.js';
import { type DispatchRunner, dispatchFields, type RoutingFacts } from './dispatch-runner.js';
import { settleBounded } from './bounded.js';
import { type Logger, SILENT_LOGGER } from './logger.js';
import {
  buildClaim,
  type CloudEvent,
  decideVersion,
  type Directives,
  encodeContext,
  nextContext,
  type DispatchRecord,
  type EventRecord,
  type EventStore,
  eventRouting,
  InFlight,
  inShadowSample,
  isRecord,
  isVrouterError,
  parseCloudEvent,
  type Resolution,
  routingContext,
  type RoutingSnapshot,
  type SnapshotCache,
  subscribedComponents,
  type Target,
  VrouterError,
} from '@vrouter/core';

export type DispatchSummary = Pick<DispatchRecord, 'component' | 'version' | 'channel' | 'pin' | 'status'> &
  Partial<Pick<DispatchRecord, 'overrideSubject'>> & { pinSource?: NonNullable<DispatchRecord['pinSource']>; error?: DispatchRecord['lastError'] };

export interface IngestResult {
  source?: string;
  id?: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  dispatches: DispatchSummary[];
  error?: VrouterError;
}

export interface EventRouterOptions {
  cache: SnapshotCache;
  events: EventStore;
  runner: DispatchRunner;
  logger?: Logger;
  /** Per-event cost limits: an event over one is logged as a warning with its id. Default DEFAULT_COST_LIMITS. */
  costLimits?: CostLimits;
  /** Signs the chain context handed to every target and verifies overrides and contexts; without it, neither works. */
  keyring?: Keyring;
  /** Events per ingest call at most (VROUTER_MAX_BATCH); a larger batch is refused whole. Default DEFAULT_MAX_BATCH. */
  maxBatch?: number;
  /** Told each time this router takes a claim: the recovery sweep stops backing off while traffic flows. */
  onClaimed?: () => void;
}

/** Events per batch by default. */
export const DEFAULT_MAX_BATCH = 500;
/** Events of one batch accepted at once: bounds what a batch holds in flight, whatever its size. */
export const BATCH_CONCURRENCY = 32;

/** The chain an event belongs to: its first event and how deep this one is (0 for the first). */
type ChainFacts = { root: { source: string; id: string }; depth: number };

interface Claimed {
  record: DispatchRecord;
  target: Target;
  maxConcurrency: number | undefined;
  event: CloudEvent;
  routing: RoutingFacts;
  /** Where its answer goes in the event's `dispatches`; absent for a shadow, which is reported apart. */
  index?: number;
  /** A mirror to the component's shadow version: dispatched like the primary, reported apart. */
  shadow?: boolean;
  /** The signed context handed to the target, and the chain it describes. */
  context?: string;
  chain?: ChainFacts;
}

/** One input's answer, the claims it won (to dispatch) and its telemetry, which ends once they are dispatched. */
interface Accepted {
  result: IngestResult;
  claims: Claimed[];
  trace: EventTrace;
}

export interface IngestOptions {
  /** The request's `traceparent` header: the parent of events without their own when no span is active (no SDK). */
  traceparent?: string;
  /** Size of the request body, when known: events in small bodies need no size check. */
  bodyBytes?: number;
  /**
   * A chain context the request carried beside its events (the `baggage` member `vroutercontext`, an SQS message
   * attribute), for events that carry none themselves; `field` names where it came from in a rejection.
   */
  context?: { context: string; field: string };
}

const KIB = 1024;
/** Room for the `vrouter` metadata and trace context added to the payload. */
const METADATA_ALLOWANCE = 2 * KIB;

/**
 * Refuses at ingest an event that a resolved target could never accept (by its dispatcher's limits), rather than
 * failing its dispatch later. Sizing an event means serialising it again: skipped when the request body, plus the
 * metadata, already fits every limit.
 */
function assertFitsTargets(event: CloudEvent, decisions: Resolution[], runner: DispatchRunner, bodyBytes: number | undefined): void {
  let bytes: number | undefined;
  for (const decision of decisions) {
    if (!decision.resolved) continue;
    const { maxPayloadBytes: limit, payloadLimitOf } = runner.limits(decision.target);
    if (limit === undefined || (bodyBytes !== undefined && bodyBytes + METADATA_ALLOWANCE <= limit)) continue;
    bytes ??= Buffer.byteLength(JSON.stringify(event)) + METADATA_ALLOWANCE;
    if (bytes > limit) {
      const what = payloadLimitOf ?? 'a target';
      throw new VrouterError(
        'VR_PAYLOAD_TOO_LARGE',
        `The event is about ${Math.ceil(bytes / KIB)} KiB with routing metadata; ${decision.component} ${decision.version} is ${what}, which accepts at most ${Math.floor(limit / KIB)} KiB.`,
        { field: 'data', details: { component: decision.component, version: decision.version, limitBytes: limit } },
      );
    }
  }
}

/**
 * Accepts events: validates, resolves each subscribed component from the in-memory snapshot, claims each
 * (source, id, component) with a conditional write, then dispatches the claims it won. Routing reads nothing
 * from the store; a redelivered or concurrent duplicate loses the claim and is never dispatched.
 */
export class EventRouter {
  private readonly inflight = new InFlight();
  private readonly logger: Logger;

  constructor(private readonly options: EventRouterOptions) {
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  /**
   * Ingests events (one bad event does not affect the others). Resolves once every claim is durable, with each
   * input's answer as of then (won dispatches `pending`). `settled` resolves, never rejecting, when the won claims
   * have been dispatched and their outcomes recorded, with the answers again, each dispatch's status final (a
   * dispatch whose outcome could not be recorded stays `pending`: recovery finishes it).
   */
  async ingest(inputs: unknown[], options: IngestOptions = {}): Promise<{ results: IngestResult[]; settled: Promise<IngestResult[]> }> {
    const maxBatch = this.options.maxBatch ?? DEFAULT_MAX_BATCH;
    if (inputs.length > maxBatch) {
      throw new VrouterError('VR_BATCH_TOO_LARGE', `The batch holds ${inputs.length} events; at most ${maxBatch} are accepted per request. Nothing was accepted.`, {
        field: 'body',
        details: { maxBatch },
      });
    }
    await this.options.cache.inUse();
    const outcomes = await settleBounded(inputs, BATCH_CONCURRENCY, (input) => this.accept(input, options));
    const accepted: Accepted[] = [];
    let failure: { reason: unknown } | undefined;
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') accepted.push(outcome.value);
      else failure ??= outcome;
    }
    if (failure) {
      // An unexpected error (the store failing): nothing is dispatched; claims already won keep their lease and
      // recovery dispatches them.
      for (const { trace } of accepted) trace.end();
      throw failure.reason;
    }
    const settled = Promise.all(accepted.map((one) => this.inflight.track(this.dispatchAll(one))));
    return { results: accepted.map((one) => one.result), settled };
  }

  /** Resolves when every dispatch started so far has finished; for graceful shutdown. */
  drain(): Promise<void> {
    return this.inflight.drain();
  }

  /**
   * Routes one input inside its event span and cost context (the span's parent: the event's own traceparent, else
   * the request's). The span stays open until the claims are dispatched (see dispatchAll).
   */
  private accept(input: unknown, options: IngestOptions): Promise<Accepted> {
    const trace = EventTrace.start(isRecord(input) ? input : {}, { headerTraceparent: options.traceparent, logger: this.logger, limits: this.options.costLimits });
    return trace.run(async () => {
      const claims: Claimed[] = [];
      let event: CloudEvent | undefined;
      try {
        event = parseCloudEvent(input);
        trace.identify(event);
        const result = await this.route(event, claims, options.bodyBytes, trace, options.context);
        trace.answered(result.status);
        return { result, claims, trace };
      } catch (error) {
        if (!isVrouterError(error)) {
          trace.fail(error);
          trace.end();
          throw error;
        }
        trace.answered('rejected', error.code);
        // Claims won before the error are still dispatched.
        const result: IngestResult = { source: event?.source, id: event?.id, status: 'rejected', dispatches: [], error };
        return { result, claims, trace };
      }
    });
  }

  /** Dispatches one event's claims in its span and cost context, then ends its telemetry; answers the final result. */
  private async dispatchAll({ result, claims, trace }: Accepted): Promise<IngestResult> {
    try {
      const finals = await trace.run(() => Promise.all(claims.map((claim) => this.dispatch(claim, trace))));
      const dispatches = [...result.dispatches];
      for (const [i, claim] of claims.entries()) {
        const final = finals[i];
        if (claim.index !== undefined && final) dispatches[claim.index] = final;
      }
      return { ...result, dispatches };
    } finally {
      trace.end();
    }
  }

  private async route(sent: CloudEvent, claimed: Claimed[], bodyBytes: number | undefined, trace: EventTrace, fromRequest: IngestOptions['context']): Promise<IngestResult> {
    const given = eventRouting(sent);
    const snapshot = this.options.cache.current();
    const now = Date.now();
    const directives = await readDirectives(sent, fromRequest, this.options.keyring, snapshot, now);
    // The token and the context are the router's: neither is logged nor handed on (targets get a fresh context).
    const event = withoutDirectives(sent);
    const { chain } = directives;
    // What the event leaves out, the chain it continues says.
    const context = routingContext(snapshot, {
      customer: given.customer ?? chain?.customer,
      project: given.project ?? chain?.project,
      plan: given.plan ?? chain?.plan,
    });
    if (!context.customer) {
      const detail = given.project
        ? `Project ${given.project} has no known customer; send customerid.`
        : 'Send the customerid extension attribute (or a projectid with a known customer).';
      throw new VrouterError('VR_CUSTOMER_REQUIRED', detail, { field: 'customerid' });
    }
    if (given.component && !snapshot.components.has(given.component)) {
      throw new VrouterError('VR_COMPONENT_UNKNOWN', `Component ${given.component} is not registered.`, { field: 'component' });
    }
    const components = given.component ? [given.component] : subscribedComponents(snapshot, event.type);
    trace.routed({ ...context, components: components.length });
    const decisions = components.map((component) => decideVersion(snapshot, component, context, now, directives));
    assertFitsTargets(event, decisions, this.options.runner, bodyBytes);
    const { facts, override, outbound } = await this.chainOf(event, directives, context, decisions, now);
    trace.chained({ ...facts, ...(override?.subject !== undefined ? { overrideSubject: override.subject } : {}) });
    const receivedAt = new Date(now).toISOString();
    const logged: EventRecord = {
      source: event.source,
      id: event.id,
      type: event.type,
      receivedAt,
      ...context,
      components,
      event,
      ...(chain ? { chain: facts } : {}),
      ...(override ? { override: { ...(override.subject !== undefined ? { subject: override.subject } : {}), expiresAt: new Date(override.expiresAt).toISOString() } } : {}),
      ...(outbound ? { context: outbound } : {}),
    };
    // One component: its claim carries the log record (one write for both). Otherwise one record, shared.
    const carried = decisions.length === 1 ? logged : undefined;
    const isNew = carried ? undefined : await this.options.events.recordEvent(logged);
    const routing: RoutingFacts = context;
    const handed = { chain: facts, ...(outbound ? { context: outbound } : {}) };
    const outcomes = await Promise.all(decisions.map((decision, index) => this.claim(snapshot, event, decision, index, now, claimed, routing, handed, carried)));
    const allDuplicates = components.length > 0 ? outcomes.every((o) => o.duplicate) : !isNew;
    return { source: event.source, id: event.id, status: allDuplicates ? 'duplicate' : 'accepted', dispatches: outcomes.map((o) => o.summary) };
  }

  /**
   * The chain the event belongs to, the override it runs under (its own, else its chain's while live), and the
   * signed context its targets get: the chain's versions with this event's decisions on top.
   */
  private async chainOf(
    event: CloudEvent,
    directives: Directives,
    context: RoutingFacts,
    decisions: Resolution[],
    now: number,
  ): Promise<{ facts: ChainFacts; override: Directives['override']; outbound?: string }> {
    const { chain } = directives;
    const override = directives.override ?? (chain?.override && chain.override.expiresAt > now ? chain.override : undefined);
    const facts = chain ? { root: chain.root, depth: chain.depth + 1 } : { root: { source: event.source, id: event.id }, depth: 0 };
    const decided: Record<string, string> = {};
    for (const decision of decisions) if (decision.resolved) decided[decision.component] = decision.version;
    const { keyring } = this.options;
    if (!keyring || Object.keys(decided).length === 0) return { facts, override };
    const next = nextContext(event, chain, { ...context, ...(override ? { override } : {}) }, decided);
    return { facts, override, outbound: encodeContext(next, await keyring.signing()) };
  }

  private async claim(
    snapshot: RoutingSnapshot,
    event: CloudEvent,
    decision: Resolution,
    index: number,
    now: number,
    claimed: Claimed[],
    routing: RoutingFacts,
    handed: { chain: ChainFacts; context?: string },
    logged: EventRecord | undefined,
  ): Promise<{ duplicate: boolean; summary: DispatchSummary }> {
    const claim = buildClaim({
      source: event.source,
      id: event.id,
      component: decision.component,
      route: decision.resolved ? { version: decision.version, channel: decision.channel, pin: decision.pin, pinSource: decision.source } : { unroutable: decision.reason },
      who: routing,
      now,
      lease: { token: randomUUID(), ms: decision.resolved ? this.options.runner.leaseMsFor(decision.target) : 0 },
    });
    const subject = decision.resolved ? decision.override?.subject : undefined;
    const record: DispatchRecord = subject !== undefined ? { ...claim, overrideSubject: subject } : claim;
    const result = await this.options.events.claimDispatch(record, logged);
    const won = result.claimed ? result.record : result.existing;
    const summary = summarize(won);
    if (result.claimed && decision.resolved) {
      this.options.onClaimed?.();
      const maxConcurrency = snapshot.components.get(decision.component)?.versions.get(decision.version)?.maxConcurrency;
      claimed.push({ record: won, target: decision.target, maxConcurrency, event, routing, index, ...handed });
      await this.claimShadow(snapshot, record, event, routing, now, claimed, handed);
    }
    return { duplicate: !result.claimed, summary };
  }

  /**
   * Mirrors the dispatch to the component's shadow version when the customer is in its sample: a claim of its own
   * (so a redelivery does not mirror twice), marked shadow, whose outcome is recorded apart from the primary's.
   */
  private async claimShadow(
    snapshot: RoutingSnapshot,
    primary: DispatchRecord,
    event: CloudEvent,
    routing: RoutingFacts,
    now: number,
    claimed: Claimed[],
    handed: { chain: ChainFacts; context?: string },
  ): Promise<void> {
    const component = snapshot.components.get(primary.component);
    const shadow = component?.component.shadow;
    const version = shadow ? component?.versions.get(shadow.version) : undefined;
    if (!shadow || !version || version.name === primary.version || !inShadowSample(shadow, primary.component, routing.customer)) return;
    const record = buildClaim({
      source: event.source,
      id: event.id,
      component: primary.component,
      purpose: { kind: 'shadow' },
      route: { version: version.name, channel: null, pin: null, pinSource: null },
      who: routing,
      now,
      lease: { token: randomUUID(), ms: this.options.runner.leaseMsFor(version.target) },
    });
    try {
      const result = await this.options.events.claimDispatch(record);
      // The shadow's outcome is its own: it never reaches the primary's answer.
      if (result.claimed) claimed.push({ record, target: version.target, maxConcurrency: version.maxConcurrency, event, routing, shadow: true, ...handed });
    } catch (error) {
      this.logger.warn({ err: error, ...dispatchFields(record) }, 'shadow dispatch could not be claimed; the primary is unaffected');
    }
  }

  /** Runs one claim; answers its final summary, or undefined when no outcome was recorded here. */
  private async dispatch(claim: Claimed, trace: EventTrace): Promise<DispatchSummary | undefined> {
    const { record } = claim;
    try {
      const completion = await this.options.runner.run({
        record,
        target: claim.target,
        event: claim.event,
        routing: claim.routing,
        parent: trace.context,
        maxConcurrency: claim.maxConcurrency,
        ...(claim.shadow ? { shadow: true } : {}),
        ...(claim.context !== undefined ? { context: claim.context } : {}),
        ...(claim.chain ? { chain: claim.chain } : {}),
      });
      if (!completion) return undefined;
      const { error: _previous, ...summary } = summarize(record);
      return { ...summary, status: completion.status, ...(completion.error ? { error: completion.error } : {}) };
    } catch (error) {
      // The claim keeps its lease; once it expires, recovery dispatches again with the same idempotency key.
      this.logger.error({ err: error, ...dispatchFields(record) }, 'dispatch could not be completed; recovery will retry it');
      return undefined;
    }
  }
}

function withoutDirectives(event: CloudEvent): CloudEvent {
  if (event[OVERRIDE_ATTRIBUTE] === undefined && event[CONTEXT_ATTRIBUTE] === undefined) return event;
  const { [OVERRIDE_ATTRIBUTE]: _token, [CONTEXT_ATTRIBUTE]: _context, ...rest } = event;
  return rest as CloudEvent;
}

function summarize(record: DispatchRecord): DispatchSummary {
  return {
    component: record.component,
    version: record.version,
    channel: record.channel,
    pin: record.pin,
    ...(record.pinSource ? { pinSource: record.pinSource } : {}),
    ...(record.overrideSubject !== undefined ? { overrideSubject: record.overrideSubject } : {}),
    status: record.status,
    ...(record.lastError ? { error: record.lastError } : {}),
  };
}
