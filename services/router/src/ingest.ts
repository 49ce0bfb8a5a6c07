import { randomUUID } from 'node:crypto';
import { type DispatchRunner, dispatchFields } from './dispatch-runner.js';
import {
  type CloudEvent,
  type DispatchRecord,
  type EventStore,
  eventRouting,
  idempotencyKey,
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

export interface Logger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface EventRouterOptions {
  cache: SnapshotCache;
  events: EventStore;
  runner: DispatchRunner;
  logger?: Logger;
}

interface Claimed {
  record: DispatchRecord;
  target: Target;
  maxConcurrency: number | undefined;
  event: CloudEvent;
  summary: DispatchSummary;
}

const silent: Logger = { warn() {}, error() {} };

export interface IngestOptions {
  traceparent?: string;
  /** Size of the request body, when known: events in small bodies need no size check. */
  bodyBytes?: number;
}

const KIB = 1024;
/** Lambda's invocation payload limits: asynchronous (Event) and synchronous (RequestResponse). */
const LAMBDA_EVENT_LIMIT = 256 * KIB;
const LAMBDA_SYNC_LIMIT = 6 * KIB * KIB;
const SMALLEST_TARGET_LIMIT = LAMBDA_EVENT_LIMIT;
/** Room for the `vrouter` metadata and trace context added to the payload. */
const METADATA_ALLOWANCE = 2 * KIB;

/** Refuses at ingest an event that a resolved target could never accept, rather than failing its dispatch later. */
function assertFitsTargets(event: CloudEvent, decisions: Resolution[]): void {
  let bytes: number | undefined;
  for (const decision of decisions) {
    if (!decision.resolved || decision.target.kind !== 'lambda') continue;
    const limit = decision.target.invocationType === 'Event' ? LAMBDA_EVENT_LIMIT : LAMBDA_SYNC_LIMIT;
    bytes ??= Buffer.byteLength(JSON.stringify(event)) + METADATA_ALLOWANCE;
    if (bytes > limit) {
      throw new VrouterError(
        'VR_PAYLOAD_TOO_LARGE',
        `The event is about ${Math.ceil(bytes / KIB)} KiB with routing metadata; ${decision.component} ${decision.version} is a ${decision.target.invocationType} Lambda invocation, which accepts at most ${limit / KIB} KiB.`,
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
    this.logger = options.logger ?? silent;
  }

  /**
   * Ingests events (one bad event does not affect the others). Resolves once every claim is durable;
   * `settled` resolves when the won claims have been dispatched and their outcomes recorded.
   */
  async ingest(inputs: unknown[], options: IngestOptions = {}): Promise<{ results: IngestResult[]; settled: Promise<void> }> {
    const { traceparent } = options;
    const claimed: Claimed[] = [];
    // Sizing an event means serialising it again; only worth it when the body could exceed a target's limit.
    const checkSize = options.bodyBytes === undefined || options.bodyBytes > SMALLEST_TARGET_LIMIT - METADATA_ALLOWANCE;
    const results = await Promise.all(inputs.map((input) => this.accept(input, claimed, checkSize)));
    const settled = Promise.all(claimed.map((claim) => this.track(this.dispatch(claim, traceparent)))).then(() => undefined);
    return { results, settled };
  }

  /** Resolves when every dispatch started so far has finished; for graceful shutdown. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async accept(input: unknown, claimed: Claimed[], checkSize: boolean): Promise<IngestResult> {
    let event: CloudEvent | undefined;
    try {
      event = parseCloudEvent(input);
      return await this.route(event, claimed, checkSize);
    } catch (error) {
      if (!isVrouterError(error)) throw error;
      return { source: event?.source, id: event?.id, status: 'rejected', dispatches: [], error };
    }
  }

  private async route(event: CloudEvent, claimed: Claimed[], checkSize: boolean): Promise<IngestResult> {
    const given = eventRouting(event);
    const snapshot = this.options.cache.current();
    const context = routingContext(snapshot, given);
    if (!context.customer) {
      const detail = given.project ? `Project ${given.project} has no known customer; send customerid.` : 'Send the customerid extension attribute (or a projectid with a known customer).';
      throw new VrouterError('VR_CUSTOMER_REQUIRED', detail, { field: 'customerid' });
    }
    if (given.component && !snapshot.components.has(given.component)) {
      throw new VrouterError('VR_COMPONENT_UNKNOWN', `Component ${given.component} is not registered.`, { field: 'component' });
    }
    const components = given.component ? [given.component] : subscribedComponents(snapshot, event.type);
    const now = Date.now();
    const decisions = components.map((component) => resolveVersion(snapshot, component, context, now));
    if (checkSize) assertFitsTargets(event, decisions);
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
    const outcomes = await Promise.all(decisions.map((decision) => this.claim(snapshot, event, decision, now, claimed)));
    const allDuplicates = components.length > 0 ? outcomes.every((o) => o.duplicate) : !isNew;
    return { source: event.source, id: event.id, status: allDuplicates ? 'duplicate' : 'accepted', dispatches: outcomes.map((o) => o.summary) };
  }

  private async claim(snapshot: RoutingSnapshot, event: CloudEvent, decision: Resolution, now: number, claimed: Claimed[]): Promise<{ duplicate: boolean; summary: DispatchSummary }> {
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
      ...(decision.resolved
        ? { leaseUntil: new Date(now + this.options.runner.leaseMsFor(decision.target)).toISOString(), claimToken: randomUUID() }
        : { lastError: { code: 'VR_NO_ROUTABLE_VERSION', message: decision.reason } }),
    };
    const result = await this.options.events.claimDispatch(record);
    const won = result.claimed ? result.record : result.existing;
    const summary = summarize(won);
    if (result.claimed && decision.resolved) {
      const maxConcurrency = snapshot.components.get(decision.component)?.versions.get(decision.version)?.maxConcurrency;
      claimed.push({ record: won, target: decision.target, maxConcurrency, event, summary });
    }
    return { duplicate: !result.claimed, summary };
  }

  private async dispatch(claim: Claimed, traceparent: string | undefined): Promise<void> {
    const { record } = claim;
    try {
      const completion = await this.options.runner.run({ record, target: claim.target, event: claim.event, traceparent, maxConcurrency: claim.maxConcurrency });
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
