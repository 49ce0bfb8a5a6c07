import { randomUUID } from 'node:crypto';
import { type CostLimits, EventTrace } from '@vrouter/telemetry';
import { type DispatchRunner, dispatchFields, type RoutingFacts } from './dispatch-runner.js';
import { type Logger, SILENT_LOGGER } from './logger.js';
import {
  type CloudEvent,
  type DispatchRecord,
  type EventStore,
  eventRouting,
  idempotencyKey,
  inShadowSample,
  isVrouterError,
  parseCloudEvent,
  type Resolution,
  resolveVersion,
  routingContext,
  type RoutingSnapshot,
  type SnapshotCache,
  subscribedComponents,
  type Target,
  VrouterError,
} from '@vrouter/core';

export type DispatchSummary = Pick<DispatchRecord, 'component' | 'version' | 'channel' | 'pin' | 'status'> & { error?: DispatchRecord['lastError'] };

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
  /** Whether events too large for an ECS container override can go by reference (VROUTER_PUBLIC_URL is set). */
  ecsByReference?: boolean;
  /** Per-event cost limits: an event over one is logged as a warning with its id. Default DEFAULT_COST_LIMITS. */
  costLimits?: CostLimits;
  /** Told each time this router takes a claim: the recovery sweep stops backing off while traffic flows. */
  onClaimed?: () => void;
}

interface Claimed {
  record: DispatchRecord;
  target: Target;
  maxConcurrency: number | undefined;
  event: CloudEvent;
  routing: RoutingFacts;
  summary: DispatchSummary;
  /** A mirror to the component's shadow version: dispatched like the primary, reported apart. */
  shadow?: boolean;
}

/** One input's answer, the claims it won (to dispatch) and its telemetry, which ends once they are dispatched. */
interface Accepted {
  result: IngestResult;
  claims: Claimed[];
  trace: EventTrace;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface IngestOptions {
  /** The request's `traceparent` header: the parent of events without their own when no span is active (no SDK). */
  traceparent?: string;
  /** Size of the request body, when known: events in small bodies need no size check. */
  bodyBytes?: number;
}

const KIB = 1024;
/** Lambda's invocation payload limits: asynchronous (Event) and synchronous (RequestResponse). */
const LAMBDA_EVENT_LIMIT = 256 * KIB;
const LAMBDA_SYNC_LIMIT = 6 * KIB * KIB;
/** ECS RunTask overrides, all of them together. */
const ECS_OVERRIDE_LIMIT = 8 * KIB;
const SMALLEST_TARGET_LIMIT = ECS_OVERRIDE_LIMIT;
/** Room for the `vrouter` metadata and trace context added to the payload. */
const METADATA_ALLOWANCE = 2 * KIB;

/** Refuses at ingest an event that a resolved target could never accept, rather than failing its dispatch later. */
function assertFitsTargets(event: CloudEvent, decisions: Resolution[], ecsByReference: boolean): void {
  let bytes: number | undefined;
  for (const decision of decisions) {
    if (!decision.resolved) continue;
    const { target } = decision;
    let limit: number;
    let what: string;
    if (target.kind === 'lambda') {
      limit = target.invocationType === 'Event' ? LAMBDA_EVENT_LIMIT : LAMBDA_SYNC_LIMIT;
      what = `a ${target.invocationType} Lambda invocation`;
    } else if (target.kind === 'ecs' && !ecsByReference) {
      limit = ECS_OVERRIDE_LIMIT;
      what = 'an ECS task, whose container overrides hold 8 KiB (set VROUTER_PUBLIC_URL to pass larger events by reference)';
    } else {
      continue;
    }
    bytes ??= Buffer.byteLength(JSON.stringify(event)) + METADATA_ALLOWANCE;
    if (bytes > limit) {
      throw new VrouterError(
        'VR_PAYLOAD_TOO_LARGE',
        `The event is about ${Math.ceil(bytes / KIB)} KiB with routing metadata; ${decision.component} ${decision.version} is ${what}, which accepts at most ${limit / KIB} KiB.`,
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
  private readonly inflight = new Set<Promise<void>>();
  private readonly logger: Logger;

  constructor(private readonly options: EventRouterOptions) {
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  /**
   * Ingests events (one bad event does not affect the others). Resolves once every claim is durable;
   * `settled` resolves when the won claims have been dispatched and their outcomes recorded.
   */
  async ingest(inputs: unknown[], options: IngestOptions = {}): Promise<{ results: IngestResult[]; settled: Promise<void> }> {
    // Sizing an event means serialising it again; only worth it when the body could exceed a target's limit.
    const checkSize = options.bodyBytes === undefined || options.bodyBytes > SMALLEST_TARGET_LIMIT - METADATA_ALLOWANCE;
    const outcomes = await Promise.allSettled(inputs.map((input) => this.accept(input, checkSize, options.traceparent)));
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
    const settled = Promise.all(accepted.map((one) => this.track(this.dispatchAll(one)))).then(() => undefined);
    return { results: accepted.map((one) => one.result), settled };
  }

  /** Resolves when every dispatch started so far has finished; for graceful shutdown. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Routes one input inside its event span and cost context (the span's parent: the event's own traceparent, else
   * the request's). The span stays open until the claims are dispatched (see dispatchAll).
   */
  private accept(input: unknown, checkSize: boolean, headerTraceparent: string | undefined): Promise<Accepted> {
    const trace = EventTrace.start(isRecord(input) ? input : {}, { headerTraceparent, logger: this.logger, limits: this.options.costLimits });
    return trace.run(async () => {
      const claims: Claimed[] = [];
      let event: CloudEvent | undefined;
      try {
        event = parseCloudEvent(input);
        trace.identify(event);
        const result = await this.route(event, claims, checkSize, trace);
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

  /** Dispatches one event's claims in its span and cost context, then ends its telemetry. */
  private async dispatchAll({ claims, trace }: Accepted): Promise<void> {
    try {
      await trace.run(() => Promise.all(claims.map((claim) => this.dispatch(claim, trace))));
    } finally {
      trace.end();
    }
  }

  private async route(event: CloudEvent, claimed: Claimed[], checkSize: boolean, trace: EventTrace): Promise<IngestResult> {
    const given = eventRouting(event);
    const snapshot = this.options.cache.current();
    const context = routingContext(snapshot, given);
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
    const now = Date.now();
    const decisions = components.map((component) => resolveVersion(snapshot, component, context, now));
    if (checkSize) assertFitsTargets(event, decisions, this.options.ecsByReference ?? false);
    const receivedAt = new Date(now).toISOString();
    const isNew = await this.options.events.recordEvent({
      source: event.source,
      id: event.id,
      type: event.type,
      receivedAt,
      ...context,
      components,
      event,
    });
    const routing: RoutingFacts = context;
    const outcomes = await Promise.all(decisions.map((decision) => this.claim(snapshot, event, decision, now, claimed, routing)));
    const allDuplicates = components.length > 0 ? outcomes.every((o) => o.duplicate) : !isNew;
    return { source: event.source, id: event.id, status: allDuplicates ? 'duplicate' : 'accepted', dispatches: outcomes.map((o) => o.summary) };
  }

  private async claim(
    snapshot: RoutingSnapshot,
    event: CloudEvent,
    decision: Resolution,
    now: number,
    claimed: Claimed[],
    routing: RoutingFacts,
  ): Promise<{ duplicate: boolean; summary: DispatchSummary }> {
    const at = new Date(now).toISOString();
    const record: DispatchRecord = {
      source: event.source,
      id: event.id,
      component: decision.component,
      idempotencyKey: idempotencyKey(event.source, event.id, decision.component),
      status: decision.resolved ? 'pending' : 'failed',
      version: decision.resolved ? decision.version : null,
      channel: decision.resolved ? decision.channel : null,
      pin: decision.resolved ? decision.pin : null,
      pinSource: decision.resolved ? decision.source : null,
      attempts: 0,
      claimedAt: at,
      updatedAt: at,
      // Copied onto the record so the log can be queried (and replayed) by who the event was for.
      receivedAt: at,
      ...(routing.customer ? { customer: routing.customer } : {}),
      ...(routing.project ? { project: routing.project } : {}),
      ...(routing.plan ? { plan: routing.plan } : {}),
      ...(decision.resolved
        ? { leaseUntil: new Date(now + this.options.runner.leaseMsFor(decision.target)).toISOString(), claimToken: randomUUID() }
        : { lastError: { code: 'VR_NO_ROUTABLE_VERSION', message: decision.reason } }),
    };
    const result = await this.options.events.claimDispatch(record);
    const won = result.claimed ? result.record : result.existing;
    const summary = summarize(won);
    if (result.claimed && decision.resolved) {
      this.options.onClaimed?.();
      const maxConcurrency = snapshot.components.get(decision.component)?.versions.get(decision.version)?.maxConcurrency;
      claimed.push({ record: won, target: decision.target, maxConcurrency, event, routing, summary });
      await this.claimShadow(snapshot, record, event, routing, claimed);
    }
    return { duplicate: !result.claimed, summary };
  }

  /**
   * Mirrors the dispatch to the component's shadow version when the customer is in its sample: a claim of its own
   * (so a redelivery does not mirror twice), marked shadow, whose outcome is recorded apart from the primary's.
   */
  private async claimShadow(snapshot: RoutingSnapshot, primary: DispatchRecord, event: CloudEvent, routing: RoutingFacts, claimed: Claimed[]): Promise<void> {
    const component = snapshot.components.get(primary.component);
    const shadow = component?.component.shadow;
    const version = shadow ? component?.versions.get(shadow.version) : undefined;
    if (!shadow || !version || version.name === primary.version || !inShadowSample(shadow, primary.component, routing.customer)) return;
    const record: DispatchRecord = {
      ...primary,
      shadow: true,
      idempotencyKey: idempotencyKey(event.source, event.id, primary.component, 'shadow'),
      version: version.name,
      channel: null,
      pin: null,
      pinSource: null,
      leaseUntil: new Date(Date.now() + this.options.runner.leaseMsFor(version.target)).toISOString(),
      claimToken: randomUUID(),
    };
    try {
      const result = await this.options.events.claimDispatch(record);
      // The shadow's summary is its own: it never reaches the primary's answer.
      if (result.claimed) claimed.push({ record, target: version.target, maxConcurrency: version.maxConcurrency, event, routing, summary: summarize(record), shadow: true });
    } catch (error) {
      this.logger.warn({ err: error, ...dispatchFields(record) }, 'shadow dispatch could not be claimed; the primary is unaffected');
    }
  }

  private async dispatch(claim: Claimed, trace: EventTrace): Promise<void> {
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
      });
      if (!completion) return;
      claim.summary.status = completion.status;
      if (completion.error) claim.summary.error = completion.error;
    } catch (error) {
      // The claim keeps its lease; once it expires, recovery dispatches again with the same idempotency key.
      this.logger.error({ err: error, ...dispatchFields(record) }, 'dispatch could not be completed; recovery will retry it');
    }
  }

  private track(work: Promise<void>): Promise<void> {
    this.inflight.add(work);
    return work.finally(() => this.inflight.delete(work));
  }
}

function summarize(record: DispatchRecord): DispatchSummary {
  return {
    component: record.component,
    version: record.version,
    channel: record.channel,
    pin: record.pin,
    status: record.status,
    ...(record.lastError ? { error: record.lastError } : {}),
  };
}
