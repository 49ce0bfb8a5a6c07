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
  type RetryPolicy,
  type Target,
} from '@vrouter/core';
import { type Context, context, isSpanContextValid, trace } from '@opentelemetry/api';
import { contextFromTraceparent, recordDispatch, withDispatchSpan } from '@vrouter/telemetry';
import { dispatchFields } from './dispatch-fields.js';
import { logFailedDispatch } from './failed-dispatch-log.js';
import { LeaseHeartbeat } from './lease-heartbeat.js';
import type { Logger } from './logger.js';
import { KeyedLimiter } from './limiter.js';
import { OutcomeRecorder } from './outcome-recorder.js';

export { dispatchFields } from './dispatch-fields.js';

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
  /** The signed chain context handed to the target (`vrouter.context`), and the chain it describes, for the spans. */
  context?: string;
  chain?: { root: { source: string; id: string }; depth: number };
}

export interface DispatchRunnerOptions {
  events: EventStore;
  dispatcher: Dispatcher;
  retry: RetryPolicy;
  /** The first lease of a claim; the heartbeat renews it for as long as the dispatch is held. */
  leaseMs: number;
  /**
   * How often a held claim's lease is renewed (while waiting, calling and recording); default leaseMs / 3. It must
   * leave a renewal time to land before the lease ends: see "Delivery guarantees" in the README.
   */
  heartbeatMs?: number;
  /** How long to keep retrying an outcome write the store fails; default 60 s. */
  outcomeRetryMs?: number;
  defaultConcurrency: number;
  logger: Logger;
  /** Told about each dispatch that failed after its last attempt (not shadows), e.g. to copy it to a dead-letter queue. */
  onFailed?: (letter: { record: DispatchRecord; event: CloudEvent; completion: DispatchCompletion }) => void;
}

type AttemptCompletion = DispatchCompletion & { retryable?: boolean; retryAfterMs?: number };

export const DEFAULT_OUTCOME_RETRY_MS = 60_000;

/**
 * Runs one claimed dispatch to a terminal state: attempts the target, retries what can succeed with backoff and
 * jitter, and records the outcome. A heartbeat renews the lease for as long as the run lasts (however long the
 * call takes), so no recoverer takes a live claim; before each attempt the claim records its number as handed off,
 * so a recoverer of a dead router's claim knows the target may have it. A failed outcome write is retried, still
 * holding the lease, rather than left to recovery (which would deliver again).
 * On shutdown, a dispatch waiting to retry releases its claim (lease ended now) for another router to take.
 */
export class DispatchRunner {
  private readonly limiter = new KeyedLimiter();
  private readonly sleeping = new Set<() => void>();
  private readonly recorder: OutcomeRecorder;
  private readonly heartbeatMs: number;
  private stopping = false;

  constructor(private readonly options: DispatchRunnerOptions) {
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(options.leaseMs / 3));
    this.recorder = new OutcomeRecorder({
      events: options.events,
      backoff: { ...options.retry, maxDelayMs: Math.min(options.retry.maxDelayMs, this.heartbeatMs) },
      budgetMs: options.outcomeRetryMs ?? DEFAULT_OUTCOME_RETRY_MS,
      logger: options.logger,
    });
  }

  /** Stop retrying: sleeping dispatches wake up and release their claims. In-flight calls finish. */
  beginShutdown(): void {
    this.stopping = true;
    for (const wake of this.sleeping) wake();
  }

  /** What `target` accepts and how long a call to it may take, as its dispatcher answers. */
  limits(target: Target): DispatchLimits {
    return this.options.dispatcher.limits(target);
  }

  /** How long a claim on `target` is leased at first; the heartbeat extends it while the dispatch runs, however long the call. */
  leaseMsFor(_target: Target): number {
    return this.options.leaseMs;
  }

  inFlight(component: string, version: string): number {
    return this.limiter.inFlight(`${component}@${version}`);
  }

  /**
   * Returns the completion it recorded, or null when it recorded none: the claim was lost (taken over after its
   * lease ended) or released at shutdown. Never throws for a target's failure; store errors that outlast the
   * outcome retry budget propagate (the lease then expires and recovery delivers again, at-least-once).
   */
  async run(job: DispatchJob): Promise<DispatchCompletion | null> {
    const heartbeat = new LeaseHeartbeat({
      events: this.options.events,
      record: job.record,
      leaseMs: this.options.leaseMs,
      intervalMs: this.heartbeatMs,
      logger: this.options.logger,
    });
    heartbeat.start();
    try {
      return await this.runHeld(job, heartbeat);
    } finally {
      await heartbeat.stop();
    }
  }

  private async runHeld(job: DispatchJob, heartbeat: LeaseHeartbeat): Promise<DispatchCompletion | null> {
    const { record } = job;
    const parent = parentContext(job);
    const { retry, logger, leaseMs } = this.options;
    const { timeoutMs } = this.limits(job.target);
    let attempts = record.attempts;
    let lastError: DispatchError | undefined = record.lastError;
    const claimedUntil = Date.parse(record.leaseUntil ?? '0');

    for (;;) {
      const completion = await this.limiter.run(`${record.component}@${record.version}`, job.maxConcurrency ?? this.options.defaultConcurrency, async () => {
        attempts += 1;
        // The claim must say "attempt N handed off" before the call. A fresh claim says so for attempt 1 already;
        // any other attempt (or a claim that waited long enough for a heartbeat to be due) is renewed first.
        const fresh = attempts === 1 && record.handedOffAttempt === 1 && claimedUntil - Date.now() > leaseMs - this.heartbeatMs;
        if (!fresh) {
          const owned = await heartbeat.renew({ attempts, handedOffAttempt: attempts, ...(lastError ? { lastError } : {}) });
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
        const recorded = await this.recorder.record(record, final, heartbeat);
        if (recorded === 'lost') {
          // Whoever holds the claim now records its own outcome; this one must not be reported as the event's.
          logger.warn(dispatchFields(record), 'dispatch outcome not recorded: the claim was taken over');
          return null;
        }
        recordDispatch({ component: record.component, version: record.version!, channel: record.channel }, final.status);
        if (final.status === 'failed') logFailedDispatch(logger, record, final);
        if (final.status === 'failed' && !record.shadow) this.options.onFailed?.({ record, event: job.event, completion: final });
        return final;
      }
      lastError = completion.error;
      await this.sleep(backoffDelay(retry, attempts, completion.retryAfterMs));
      if (this.stopping) {
        // Lease ends now: another router (or this one, restarted) takes the claim over and goes on.
        await heartbeat.stop();
        await heartbeat.renew({ attempts, ...(lastError ? { lastError } : {}) }, new Date().toISOString());
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
      ...(record.overrideSubject !== undefined ? { overrideSubject: record.overrideSubject } : {}),
      ...(job.chain ? { chain: job.chain } : {}),
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
            ...(job.context !== undefined ? { context: job.context } : {}),
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
