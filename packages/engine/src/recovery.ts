import { randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { type DispatchRecord, type EventStore, InFlight, Periodic, type SnapshotCache } from '@vrouter/core';
import { ATTR_COMPONENT, ATTR_RECOVERED, type CostLimits, EventTrace, inBackground } from '@vrouter/telemetry';
import { type DispatchRunner, dispatchFields } from './dispatch-runner.js';
import type { Logger } from './logger.js';

export interface ClaimSweeperOptions {
  events: EventStore;
  cache: SnapshotCache;
  runner: DispatchRunner;
  leaseMs: number;
  intervalMs: number;
  /** A sweep that takes nothing over doubles the wait, up to this; wake() (a claim taken here) resets it. */
  maxIntervalMs?: number;
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
  private running: Promise<number> | undefined;
  private readonly inflight = new InFlight();
  /** Claims this process took over since it started; reported as repeated handoffs. */
  takenOver = 0;

  constructor(private readonly options: ClaimSweeperOptions) {
    this.sweeping = new Periodic(
      options.intervalMs,
      () => this.sweep(),
      (error) => options.logger.warn({ err: error }, 'recovery sweep failed; retrying next interval'),
      options.maxIntervalMs !== undefined && options.maxIntervalMs > options.intervalMs ? { maxIntervalMs: options.maxIntervalMs, idle: (taken) => taken === 0 } : undefined,
    );
  }

  /**
   * Traffic reached this router (it took a claim): sweep at the base interval again. An idle fleet sweeps rarely;
   * one whose routers take claims sweeps often, since that is when leases can end with nobody finishing them.
   */
  wake(): void {
    this.sweeping.wake();
  }

  /** The wait before the next sweep, as it stands (grows while sweeps find nothing). */
  get currentIntervalMs(): number {
    return this.sweeping.currentIntervalMs;
  }

  start(): void {
    // Timers started in the background context keep it: every sweep runs untraced.
    inBackground('recovery-sweep', () => this.sweeping.start());
  }

  /** Stops sweeping; dispatches it already recovered go on (see drain). */
  async stop(): Promise<void> {
    this.sweeping.stop();
    await this.running;
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

  private async sweepOnce(): Promise<number> {
    const now = new Date().toISOString();
    const expired = await this.options.events.findExpiredClaims(now, this.options.batchSize ?? 25);
    let taken = 0;
    for (const claim of expired) {
      const record = await this.options.events.takeOverClaim(claim, randomUUID(), new Date(Date.now() + this.options.leaseMs).toISOString(), now);
      if (!record) continue; // Completed meanwhile, or another router took it.
      taken += 1;
      this.takenOver += 1;
      this.options.logger.warn({ ...dispatchFields(record), previousLeaseUntil: claim.leaseUntil, attempts: record.attempts }, 'took over an expired dispatch claim');
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
      await events.completeDispatch(record, record.claimToken!, { status: 'failed', attempts: record.attempts, error });
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
