import { randomUUID } from 'node:crypto';
import {
  type CloudEvent,
  type DispatchRecord,
  type Dispatcher,
  type EventStore,
  eventRouting,
  idempotencyKey,
  isVrouterError,
  parseCloudEvent,
  type Resolution,
  resolveVersion,
  routingContext,
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
  dispatcher: Dispatcher;
  leaseMs: number;
  logger?: Logger;
}

interface Claimed {
  record: DispatchRecord;
  target: Target;
  event: CloudEvent;
  summary: DispatchSummary;
}

const silent: Logger = { warn() {}, error() {} };

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
  async ingest(inputs: unknown[], traceparent?: string): Promise<{ results: IngestResult[]; settled: Promise<void> }> {
    const claimed: Claimed[] = [];
    const results = await Promise.all(inputs.map((input) => this.accept(input, claimed)));
    const settled = Promise.all(claimed.map((claim) => this.track(this.dispatch(claim, traceparent)))).then(() => undefined);
    return { results, settled };
  }

  /** Resolves when every dispatch started so far has finished; for graceful shutdown. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async accept(input: unknown, claimed: Claimed[]): Promise<IngestResult> {
    let event: CloudEvent | undefined;
    try {
      event = parseCloudEvent(input);
      return await this.route(event, claimed);
    } catch (error) {
      if (!isVrouterError(error)) throw error;
      return { source: event?.source, id: event?.id, status: 'rejected', dispatches: [], error };
    }
  }

  private async route(event: CloudEvent, claimed: Claimed[]): Promise<IngestResult> {
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

    const decisions = components.map((component) => resolveVersion(snapshot, component, context, now));
    const outcomes = await Promise.all(decisions.map((decision) => this.claim(event, decision, now, claimed)));
    const allDuplicates = components.length > 0 ? outcomes.every((o) => o.duplicate) : !isNew;
    return { source: event.source, id: event.id, status: allDuplicates ? 'duplicate' : 'accepted', dispatches: outcomes.map((o) => o.summary) };
  }

  private async claim(event: CloudEvent, decision: Resolution, now: number, claimed: Claimed[]): Promise<{ duplicate: boolean; summary: DispatchSummary }> {
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
        ? { leaseUntil: new Date(now + this.options.leaseMs).toISOString(), claimToken: randomUUID() }
        : { lastError: { code: 'VR_NO_ROUTABLE_VERSION', message: decision.reason } }),
    };
    const result = await this.options.events.claimDispatch(record);
    const won = result.claimed ? result.record : result.existing;
    const summary = summarize(won);
    if (result.claimed && decision.resolved) claimed.push({ record: won, target: decision.target, event, summary });
    return { duplicate: !result.claimed, summary };
  }

  private async dispatch(claim: Claimed, traceparent: string | undefined): Promise<void> {
    const { record, event, target } = claim;
    const attempts = record.attempts + 1;
    let completion: Parameters<EventStore['completeDispatch']>[2];
    try {
      const outcome = await this.options.dispatcher.dispatch({
        target,
        traceparent: event.traceparent ?? traceparent,
        payload: {
          ...event,
          vrouter: { component: record.component, version: record.version!, channel: record.channel, idempotencyKey: record.idempotencyKey, attempt: attempts },
        },
      });
      completion = { status: outcome.status, attempts, ...(outcome.error ? { error: outcome.error } : {}), ...(outcome.response !== undefined ? { response: outcome.response } : {}) };
    } catch (error) {
      // A dispatcher must not throw; if one does, the event is failed rather than silently stuck.
      completion = { status: 'failed', attempts, error: { code: 'VR_INTERNAL', message: error instanceof Error ? error.message : String(error) } };
    }
    claim.summary.status = completion.status;
    if (completion.error) claim.summary.error = completion.error;
    try {
      const owned = await this.options.events.completeDispatch(record, record.claimToken!, completion);
      if (!owned) this.logger.warn({ source: record.source, id: record.id, component: record.component }, 'dispatch outcome not recorded: the claim was taken over');
    } catch (error) {
      // The claim keeps its lease; once it expires, recovery dispatches again with the same idempotency key.
      this.logger.error({ err: error, source: record.source, id: record.id, component: record.component }, 'could not record dispatch outcome');
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
