import {
  backoffDelay,
  type CloudEvent,
  type DispatchCompletion,
  type DispatchError,
  type DispatchLimits,
  type DispatchRecord,
  type Dispatcher,
  type EventStore,
  LEASE_MARGIN_MS,
  leaseDuration,
  type RetryPolicy,
  type Target,
} from '@vrouter/core';
import { type Context, context, isSpanContextValid, trace } from '@opentelemetry/api';
import { contextFromTraceparent, recordDispatch, withDispatchSpan } from '@vrouter/telemetry';
import type { Logger } from './logger.js';
import { KeyedLimiter } from './limiter.js';

/** Who an event is for, as resolved when it was routed; recorded on dispatch spans. */
export interface RoutingFacts {
  customer?: string;
  project?: string;
  plan?: string;
}

export interface DispatchJob {
  /** The claimed record; its claimToken is ours. */
  record: DispatchRecord;
  target: Target;
  event: CloudEvent;
  /**
   * Each attempt runs in a `vrouter.dispatch` span, a child of `parent` (default: the active context), and the target
   * gets that span's traceparent. When the parent holds no span (no SDK registered, or a caller outside any trace),
   * the event's own `traceparent`, else this one, is the parent, so the target still gets the trace it came with.
   */
  parent?: Context;
  traceparent?: string;
  routing?: RoutingFacts;
  /** Set by a replay: handed to the target in the `vrouter` metadata and recorded on the spans. */
  replayId?: string;
  shadow?: boolean;
  /** Per-version limit; else the runner's default. */
  maxConcurrency?: number;
}

export interface DispatchRunnerOptions {
  events: EventStore;
  dispatcher: Dispatcher;
  retry: RetryPolicy;
  /** The shortest lease of a claim; a target whose calls may take longer gets a longer one (see leaseDuration). */
  leaseMs: number;
  defaultConcurrency: number;
  logger: Logger;
  /** Told about each dispatch that failed after its last attempt (not shadows), e.g. to copy it to a dead-letter queue. */
  onFailed?: (letter: { record: DispatchRecord; event: CloudEvent; completion: DispatchCompletion }) => void;
}

type AttemptCompletion = DispatchCompletion & { retryable?: boolean; retryAfterMs?: number };

/**
 * Runs one claimed dispatch to a terminal state: attempts the target, retries what can succeed with backoff and
 * jitter, renews the lease before each attempt so no recoverer takes a live claim, and records the outcome.
 * On shutdown, a dispatch waiting to retry releases its claim (lease ended now) for another router to take.
 */
export class DispatchRunner {
  private readonly limiter = new KeyedLimiter();
  private readonly sleeping = new Set<() => void>();
  private stopping = false;

  constructor(private readonly options: DispatchRunnerOptions) {}

  /** Stop retrying: sleeping dispatches wake up and release their claims. In-flight calls finish. */
  beginShutdown(): void {
    this.stopping = true;
    for (const wake of this.sleeping) wake();
  }

  /** What `target` accepts and how long a call to it may take, as its dispatcher answers. */
  limits(target: Target): DispatchLimits {
    return this.options.dispatcher.limits(target);
  }

  /** How long a claim on `target` is leased: long enough for one whole call plus recording its outcome. */
  leaseMsFor(target: Target): number {
    return leaseDuration(this.options.leaseMs, this.limits(target).timeoutMs);
  }

  inFlight(component: string, version: string): number {
    return this.limiter.inFlight(`${component}@${version}`);
  }

  /**
   * Returns the completion it recorded, or null when the claim was lost (taken over after its lease ended) or
   * released at shutdown. Never throws for a target's failure; store errors propagate (the lease then expires
   * and recovery retries).
   */
  async run(job: DispatchJob): Promise<DispatchCompletion | null> {
    const { record } = job;
    const parent = parentContext(job);
    const { retry, logger } = this.options;
    const { timeoutMs } = this.limits(job.target);
    const leaseMs = leaseDuration(this.options.leaseMs, timeoutMs);
    let attempts = record.attempts;
    let lastError: DispatchError | undefined = record.lastError;
    let leaseUntil = Date.parse(record.leaseUntil ?? '0');

    for (;;) {
      const completion = await this.limiter.run(`${record.component}@${record.version}`, job.maxConcurrency ?? this.options.defaultConcurrency, async () => {
        attempts += 1;
        // Renew unless a full lease is left: a claim that waited for a slot or a retry must not expire mid-call.
        if (attempts > 1 || leaseUntil - Date.now() < leaseMs - LEASE_MARGIN_MS) {
          leaseUntil = Date.now() + leaseMs;
          const owned = await this.options.events.renewClaim(record, record.claimToken!, {
            leaseUntil: new Date(leaseUntil).toISOString(),
            attempts,
            ...(lastError ? { lastError } : {}),
          });
          if (!owned) return 'lost' as const;
        }
        return this.attempt(job, parent, attempts, timeoutMs);
      });
      if (completion === 'lost') {
        logger.warn(dispatchFields(record), 'dispatch claim was taken over by another router; not dispatching');
        return null;
      }
      if (completion.status !== 'failed' || !completion.retryable || attempts >= retry.maxAttempts) {
        const { retryable: _retryable, retryAfterMs: _retryAfterMs, ...final } = completion;
        const owned = await this.options.events.completeDispatch(record, record.claimToken!, final);
        if (!owned) logger.warn(dispatchFields(record), 'dispatch outcome not recorded: the claim was taken over');
        else {
          recordDispatch({ component: record.component, version: record.version!, channel: record.channel }, final.status);
          if (final.status === 'failed' && !record.shadow) this.options.onFailed?.({ record, event: job.event, completion: final });
        }
        return final;
      }
      lastError = completion.error;
      await this.sleep(backoffDelay(retry, attempts, completion.retryAfterMs));
      if (this.stopping) {
        // Lease ends now: another router (or this one, restarted) takes the claim over and goes on.
        await this.options.events.renewClaim(record, record.claimToken!, { leaseUntil: new Date().toISOString(), attempts, ...(lastError ? { lastError } : {}) });
        return null;
      }
    }
  }

  /** One attempt, in its own `vrouter.dispatch` span; the target gets the span's traceparent. */
  private attempt(job: DispatchJob, parent: Context, attempt: number, timeoutMs: number): Promise<AttemptCompletion> {
    const { record, event, target, routing } = job;
    const span = {
      component: record.component,
      version: record.version!,
      channel: record.channel,
      pin: record.pin,
      pinSource: record.pinSource,
      // Who the event is for: as routed, else as the record keeps it.
      customer: routing?.customer ?? record.customer,
      project: routing?.project ?? record.project,
      plan: routing?.plan ?? record.plan,
      event: { id: event.id, source: event.source, type: event.type },
      targetKind: target.kind,
      attempt,
      ...(job.replayId !== undefined ? { replayId: job.replayId } : {}),
      ...(job.shadow !== undefined ? { shadow: job.shadow } : {}),
    };
    return withDispatchSpan(span, (traceparent) => this.call(job, attempt, timeoutMs, traceparent), parent);
  }

  private async call(job: DispatchJob, attempt: number, timeoutMs: number, traceparent: string | undefined): Promise<AttemptCompletion> {
    const { record, event, target } = job;
    try {
      const outcome = await this.options.dispatcher.dispatch({
        target,
        timeoutMs,
        ...(traceparent !== undefined ? { traceparent } : {}),
        payload: {
          ...event,
          vrouter: {
            component: record.component,
            version: record.version!,
            channel: record.channel,
            idempotencyKey: record.idempotencyKey,
            attempt,
            ...(job.replayId !== undefined ? { replayId: job.replayId } : {}),
            ...(job.shadow !== undefined ? { shadow: job.shadow } : {}),
          },
        },
      });
      return {
        status: outcome.status,
        attempts: attempt,
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(outcome.response !== undefined ? { response: outcome.response } : {}),
        ...(outcome.retryable ? { retryable: true } : {}),
        ...(outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {}),
      };
    } catch (error) {
      // A dispatcher must not throw; if one does, the dispatch fails rather than sticking.
      return { status: 'failed', attempts: attempt, error: { code: 'VR_INTERNAL', message: error instanceof Error ? error.message : String(error) } };
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeping.add(wake);
    });
  }
}

function parentContext(job: DispatchJob): Context {
  const parent = job.parent ?? context.active();
  const spanContext = trace.getSpanContext(parent);
  if (spanContext !== undefined && isSpanContextValid(spanContext)) return parent;
  return contextFromTraceparent(job.event.traceparent ?? job.traceparent, parent);
}

export function dispatchFields(record: DispatchRecord): Record<string, string> {
  return { source: record.source, id: record.id, component: record.component };
}
