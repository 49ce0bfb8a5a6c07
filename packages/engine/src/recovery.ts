import { randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { type Backoff, type DispatchRecord, type EventStore, type ExpiredClaim, InFlight, Periodic, type SnapshotCache } from '@vrouter/core';
import { ATTR_COMPONENT, ATTR_RECOVERED, type CostLimits, EventTrace, inBackground, recordRedelivery } from '@vrouter/telemetry';
import { type DispatchRunner, dispatchFields } from './dispatch-runner.js';
import { logFailedDispatch } from './failed-dispatch-log.js';
import type { Logger } from './logger.js';

export interface ClaimSweeperOptions {
  events: EventStore;
  cache: SnapshotCache;
  runner: DispatchRunner;
  leaseMs: number;
  intervalMs: number;
  /**
   * A sweep that finds nothing expired doubles the wait, up to this (the safety net's too, from its own interval);
   * wake() (a claim taken here) resets both.
   */
  maxIntervalMs?: number;
  /**
   * How long an expired claim must stay unchanged (same token, same lease end) between two sightings before it is
   * taken over: longer than a live holder needs to renew once the store answers again (its heartbeat interval plus
   * one store call), so a store outage that outlasted a lease does not hand a live claim to a second router.
   */
  confirmMs: number;
  /** How often the safety net looks for stale pending claims missing from the lease index; 0: never. */
  safetyNetIntervalMs?: number;
  /** Claims taken over per sweep, at most. */
  batchSize?: number;
  logger: Logger;
  /** Cost limits of a recovered dispatch, as for an event. */
  costLimits?: CostLimits;
}

/**
 * Finds claims whose router died (lease ended, still pending) and finishes them: takes each over with a
 * conditional write, so of several sweeping routers exactly one does, and runs it like a fresh dispatch
 * with the same idempotency key and the next attempt number.
 * Sweeping is background work (no trace, its own cost context); each recovered dispatch gets a `vrouter.recovery`
 * span, a child of the event's traceparent, with its own cost.
 */
export class ClaimSweeper {
  private readonly sweeping: Periodic<number>;
  private readonly safetyNet: Periodic<number> | undefined;
  private running: Promise<number> | undefined;
  private netRunning: Promise<number> | undefined;
  private readonly inflight = new InFlight();
  /** Expired claims seen once, by key, per pass: taken over when seen again unchanged after confirmMs. Bounded by the batch size. */
  private readonly suspects = new Map<string, Suspect>();
  private readonly netSuspects = new Map<string, Suspect>();
  /** Claims this process took over since it started; reported as repeated handoffs. */
  takenOver = 0;
  /** Of those, claims whose last attempt had been handed to the target without a recorded outcome (at-least-once). */
  redelivered = 0;

  constructor(private readonly options: ClaimSweeperOptions) {
    this.sweeping = new Periodic(
      options.intervalMs,
      () => this.sweep(),
      (error) => options.logger.warn({ err: error }, 'recovery sweep failed; retrying next interval'),
      this.backoff(options.intervalMs, this.suspects),
    );
    if (options.safetyNetIntervalMs) {
      this.safetyNet = new Periodic(
        options.safetyNetIntervalMs,
        () => this.sweepSafetyNet(),
        (error) => options.logger.warn({ err: error }, 'recovery safety net failed; retrying next interval'),
        this.backoff(options.safetyNetIntervalMs, this.netSuspects),
      );
    }
  }

  /**
   * A pass is idle when it took nothing over and has no expired claim waiting to be confirmed: one seen once must be
   * seen again after confirmMs, so the pass after it comes at the base interval, not a backed-off one.
   */
  private backoff(intervalMs: number, suspects: ReadonlyMap<string, Suspect>): Backoff<number> | undefined {
    const { maxIntervalMs } = this.options;
    if (maxIntervalMs === undefined || maxIntervalMs <= intervalMs) return undefined;
    return { maxIntervalMs, idle: (taken) => taken === 0 && suspects.size === 0 };
  }

  /**
   * Traffic reached this router (it took a claim): sweep at the base interval again, and run the safety net at its
   * own. An idle fleet sweeps rarely; one whose routers take claims sweeps often, since that is when leases can end
   * with nobody finishing them. The timers restarted here would keep the caller's context (an event's span and cost):
   * they are set in the background one, as start() sets them.
   */
  wake(): void {
    inBackground('recovery-sweep', () => {
      this.sweeping.wake();
      this.safetyNet?.wake();
    });
  }

  /** The wait before the next sweep, as it stands (grows while sweeps find nothing). */
  get currentIntervalMs(): number {
    return this.sweeping.currentIntervalMs;
  }

  /** The wait before the next safety-net pass, as it stands; undefined without a safety net. */
  get currentSafetyNetIntervalMs(): number | undefined {
    return this.safetyNet?.currentIntervalMs;
  }

  start(): void {
    // Timers started in the background context keep it: every sweep runs untraced.
    inBackground('recovery-sweep', () => {
      this.sweeping.start();
      this.safetyNet?.start();
    });
  }

  /** Stops sweeping; dispatches it already recovered go on (see drain). */
  async stop(): Promise<void> {
    this.sweeping.stop();
    this.safetyNet?.stop();
    // A pass that fails (the store unreachable) was reported by its Periodic; shutdown goes on regardless.
    await Promise.allSettled([this.running, this.netRunning]);
  }

  /** Resolves when the dispatches recovered so far have finished. */
  drain(): Promise<void> {
    return this.inflight.drain();
  }

  /** One sweep; returns how many claims it took over. Overlapping calls share one sweep. */
  sweep(): Promise<number> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * One pass of the safety net: pending claims older than a lease whose lease ended, found through the pending index
   * rather than the lease index (whose entry may be missing), confirmed and taken over like the sweep's.
   */
  sweepSafetyNet(): Promise<number> {
    this.netRunning ??= (async () => {
      const now = Date.now();
      const stale = await this.options.events.findStalePendingClaims(new Date(now - this.options.leaseMs).toISOString(), new Date(now).toISOString(), this.options.batchSize ?? 25);
      return this.takeOver(stale, this.netSuspects);
    })().finally(() => {
      this.netRunning = undefined;
    });
    return this.netRunning;
  }

  private async sweepOnce(): Promise<number> {
    const expired = await this.options.events.findExpiredClaims(new Date().toISOString(), this.options.batchSize ?? 25);
    return this.takeOver(expired, this.suspects);
  }

  /**
   * Takes over the claims that were seen expired before, at least confirmMs ago, with the same token and lease end
   * (all of them at once when confirmMs is 0); remembers the others to confirm next time and forgets those no
   * longer seen.
   */
  private async takeOver(expired: ExpiredClaim[], suspects: Map<string, Suspect>): Promise<number> {
    const seenAt = Date.now();
    const confirmed: ExpiredClaim[] = [];
    const seen = new Set<string>();
    for (const claim of expired) {
      const key = claimKey(claim);
      seen.add(key);
      const suspect = suspects.get(key);
      if (this.options.confirmMs <= 0) confirmed.push(claim);
      else if (suspect && suspect.claim.claimToken === claim.claimToken && suspect.claim.leaseUntil === claim.leaseUntil) {
        if (seenAt - suspect.seenAt >= this.options.confirmMs) confirmed.push(claim);
      } else {
        suspects.set(key, { claim, seenAt });
      }
    }
    for (const key of suspects.keys()) if (!seen.has(key)) suspects.delete(key);
    const now = new Date().toISOString();
    let taken = 0;
    for (const claim of confirmed) {
      suspects.delete(claimKey(claim));
      const record = await this.options.events.takeOverClaim(claim, randomUUID(), new Date(Date.now() + this.options.leaseMs).toISOString(), now);
      if (!record) continue; // Completed meanwhile, or another router took it.
      taken += 1;
      this.takenOver += 1;
      if (record.handedOffAttempt !== undefined) {
        // The dead router had handed this attempt to the target and recorded no outcome: delivering again is at-least-once.
        this.redelivered += 1;
        recordRedelivery({ component: record.component, version: record.version ?? '' });
      }
      this.options.logger.warn(
        { ...dispatchFields(record), previousLeaseUntil: claim.leaseUntil, attempts: record.attempts, handedOffAttempt: record.handedOffAttempt },
        'took over an expired dispatch claim',
      );
      // The dispatch may retry for a while; the sweep goes on meanwhile.
      this.inflight.track(
        context
          .with(ROOT_CONTEXT, () => this.finish(record))
          .catch((error: unknown) => this.options.logger.error({ err: error, ...dispatchFields(record) }, 'recovered dispatch failed; it will be swept again')),
      );
    }
    return taken;
  }

  private async finish(record: DispatchRecord): Promise<void> {
    const { events, cache, runner } = this.options;
    const stored = await events.getEvent(record.source, record.id);
    const version = record.version ? cache.current().components.get(record.component)?.versions.get(record.version) : undefined;
    if (!stored || !version) {
      const error = !stored
        ? { code: 'VR_NOT_FOUND', message: 'The event record is gone (expired?), so it cannot be dispatched again.' }
        : { code: 'VR_VERSION_UNKNOWN', message: `Version ${record.version} of ${record.component} is no longer registered.` };
      const completion = { status: 'failed' as const, attempts: record.attempts, error };
      if (await events.completeDispatch(record, record.claimToken!, completion)) logFailedDispatch(this.options.logger, record, completion);
      return;
    }
    const logged = stored.event;
    const trace = EventTrace.start(logged.event, {
      kind: 'recovery',
      logger: this.options.logger,
      limits: this.options.costLimits,
      attributes: { [ATTR_COMPONENT]: record.component, [ATTR_RECOVERED]: true },
    });
    trace.identify(logged.event);
    trace.routed({ customer: logged.customer, project: logged.project, plan: logged.plan, components: 1 });
    try {
      await trace.run(() =>
        runner.run({
          record,
          target: version.target,
          event: logged.event,
          routing: { customer: logged.customer, project: logged.project, plan: logged.plan },
          parent: trace.context,
          maxConcurrency: version.maxConcurrency,
          // A recovered replay or shadow dispatch stays one: same metadata for the target, same record kind.
          ...(record.replayId ? { replayId: record.replayId } : {}),
          ...(record.shadow ? { shadow: true } : {}),
          // The same chain context the first attempt handed on.
          ...(logged.context !== undefined ? { context: logged.context } : {}),
          chain: logged.chain ?? { root: { source: logged.source, id: logged.id }, depth: 0 },
        }),
      );
    } catch (error) {
      trace.fail(error);
      throw error;
    } finally {
      trace.end();
    }
  }
}

interface Suspect {
  claim: ExpiredClaim;
  seenAt: number;
}

function claimKey(claim: ExpiredClaim): string {
  return [claim.source, claim.id, claim.component, claim.replayId ?? '', claim.shadow ? 'shadow' : ''].join('\u0000');
}
