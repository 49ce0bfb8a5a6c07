import { randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import {
  buildClaim,
  type ClaimRoute,
  type DispatchRecord,
  type EventStore,
  isVrouterError,
  originalRoute,
  Periodic,
  type ReplayCounts,
  type ReplayJob,
  type ReplayStore,
  resolveVersion,
  type SnapshotCache,
} from '@vrouter/core';
import { ATTR_COMPONENT, ATTR_REPLAY_ID, EventTrace, inBackground } from '@vrouter/telemetry';
import type { DispatchRunner } from '../dispatch-runner.js';
import type { Logger } from '../logger.js';
import { countSelection, selectPage } from './selection.js';

export interface ReplayRunnerOptions {
  jobs: ReplayStore;
  events: EventStore;
  cache: SnapshotCache;
  runner: DispatchRunner;
  logger: Logger;
  /** How often this router looks for running jobs nobody holds (new, or left by a router that died). */
  pollIntervalMs: number;
  /** A poll that starts no job doubles the wait, up to this; a replay created here starts at once (kick) anyway. */
  pollMaxIntervalMs?: number;
  jobLeaseMs: number;
}

/** `already`: this job replayed the event before (a page read again after a restart); counted then, not now. */
type Outcome = 'dispatched' | 'succeeded' | 'failed' | 'skipped' | 'already';

/**
 * Counts outcomes as they happen and saves them at most once a second, so progress is live; a save that
 * fails means the job was cancelled (or taken over) and stops it.
 */
class Progress {
  stopped = false;
  private lastSave = Date.now();
  constructor(
    private readonly counts: ReplayCounts,
    private readonly save: () => Promise<boolean>,
  ) {}

  async add(outcome: Outcome): Promise<void> {
    if (outcome === 'already') return;
    if (outcome !== 'skipped') this.counts.dispatched += 1;
    if (outcome !== 'dispatched') this.counts[outcome] += 1;
    if (Date.now() - this.lastSave >= 1000) {
      this.lastSave = Date.now();
      if (!(await this.save())) this.stopped = true;
    }
  }
}

/** Spaces calls `1000 / perSecond` ms apart. */
class Pacer {
  private next = 0;
  constructor(private readonly intervalMs: number) {}
  async wait(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}

/**
 * Runs replay jobs durably. Any router may pick up a running job whose lease ended, so a restart resumes from
 * the saved cursor; each replayed dispatch is claimed under the replay's own idempotency key, so a page read
 * twice (after a crash) dispatches nothing twice. Events of one customer go in their original order.
 */
export class ReplayRunner {
  private readonly owner = `router-${randomUUID()}`;
  private readonly polling: Periodic<number>;
  private readonly active = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(private readonly options: ReplayRunnerOptions) {
    this.polling = new Periodic(
      options.pollIntervalMs,
      () => this.poll(),
      (error) => options.logger.warn({ err: error }, 'replay poll failed'),
      options.pollMaxIntervalMs !== undefined && options.pollMaxIntervalMs > options.pollIntervalMs
        ? { maxIntervalMs: options.pollMaxIntervalMs, idle: (started) => started === 0 }
        : undefined,
    );
  }

  /** Starts polling (again, after stop()). */
  start(): void {
    this.stopping = false;
    this.polling.start();
  }

  /** Stops taking jobs; jobs running here stop at their next page and are resumed by any router later. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.polling.stop();
    await Promise.allSettled([...this.active.values()]);
  }

  /** Picks up running jobs this router can hold; returns when each has been started (not finished), with how many. */
  async poll(): Promise<number> {
    const now = new Date().toISOString();
    let started = 0;
    for (const job of await this.options.jobs.listJobs()) {
      if (job.state !== 'running' || this.active.has(job.id)) continue;
      if (job.owner && job.owner !== this.owner && (job.leaseUntil ?? '') > now) continue;
      this.launch(job.id);
      started += 1;
    }
    return started;
  }

  /** Starts a job here at once (after it is created on this router). */
  kick(id: string): void {
    if (!this.active.has(id) && !this.stopping) this.launch(id);
    // The poll's restarted timer must not keep the admin request's context (its span and cost).
    inBackground('replay-poll', () => this.polling.wake());
  }

  /** Resolves when the job finished running on this router (tests, dry runs). */
  async settled(id: string): Promise<void> {
    await this.active.get(id);
  }

  private launch(id: string): void {
    const work = this.run(id)
      .catch((error: unknown) => this.options.logger.error({ err: error, replayId: id }, 'replay job failed; another poll will resume it'))
      .finally(() => this.active.delete(id));
    this.active.set(id, work);
  }

  private leaseUntil(): string {
    return new Date(Date.now() + this.options.jobLeaseMs).toISOString();
  }

  private async run(id: string): Promise<void> {
    const { jobs, events, logger } = this.options;
    const job = await jobs.claimJob(id, this.owner, this.leaseUntil(), new Date().toISOString());
    if (!job) return;
    const counts: ReplayCounts = { ...job.counts };
    if (!job.counted) {
      counts.matched = (await countSelection(events, job.request)).matched;
      if (!(await jobs.saveProgress(id, this.owner, { counts, counted: true, leaseUntil: this.leaseUntil() }))) return;
    }
    const pacer = new Pacer(1000 / job.request.ratePerSecond);
    let cursor = job.cursor;
    const progress = new Progress(counts, () => jobs.saveProgress(id, this.owner, { counts, leaseUntil: this.leaseUntil() }));
    for (;;) {
      const page = await selectPage(events, job.request, cursor).catch((error: unknown) => {
        // A saved cursor the store no longer accepts (signed before an upgrade or a key change): start the selection
        // over. Each replayed dispatch is claimed under the replay's own key, so rows already replayed are not sent again.
        if (cursor === undefined || !(isVrouterError(error) && error.code === 'VR_VALIDATION' && error.field === 'cursor')) throw error;
        logger.warn({ replayId: id }, 'replay cursor no longer valid; restarting the selection from its start');
        cursor = undefined;
        return selectPage(events, job.request);
      });
      const complete = await this.replayPage(job, page.items, pacer, progress);
      if (progress.stopped) {
        logger.warn({ replayId: id }, 'replay stopped: cancelled, or taken over by another router');
        return;
      }
      if (!complete) {
        // Shutting down mid-page: keep the cursor at this page and end the lease now, so any router resumes it at once.
        await jobs.saveProgress(id, this.owner, { counts, leaseUntil: new Date().toISOString() });
        return;
      }
      cursor = page.cursor;
      const done = cursor === undefined;
      const saved = await jobs.saveProgress(id, this.owner, {
        counts,
        cursor: cursor ?? null,
        leaseUntil: this.leaseUntil(),
        ...(done ? { state: 'completed' as const } : {}),
      });
      if (!saved) {
        logger.warn({ replayId: id }, 'replay stopped: cancelled, or taken over by another router');
        return;
      }
      if (done) return;
    }
  }

  /** One page: customers in parallel (up to the job's concurrency), each customer's events in order. False when interrupted. */
  private async replayPage(job: ReplayJob, records: DispatchRecord[], pacer: Pacer, progress: Progress): Promise<boolean> {
    const byCustomer = new Map<string, DispatchRecord[]>();
    for (const record of records) {
      const key = record.customer ?? '';
      byCustomer.set(key, [...(byCustomer.get(key) ?? []), record]);
    }
    const queues = [...byCustomer.values()];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(job.request.concurrency, queues.length) }, async () => {
        while (next < queues.length) {
          for (const record of queues[next++]!) {
            if (this.stopping || progress.stopped) return;
            await pacer.wait();
            await progress.add(await this.replayOne(job, record));
          }
        }
      }),
    );
    return !this.stopping;
  }

  private async replayOne(job: ReplayJob, original: DispatchRecord): Promise<Outcome> {
    const { events, cache, runner } = this.options;
    // Still in flight: its own dispatch will finish it; replaying now could run it twice at once.
    if (original.status === 'pending') return 'skipped';
    const snapshot = cache.current();
    const routing = snapshot.components.get(original.component);
    let route: ClaimRoute | undefined;
    if (job.request.target === 'current') {
      const decision = resolveVersion(snapshot, original.component, { customer: original.customer, project: original.project, plan: original.plan });
      if (decision.resolved) route = { version: decision.version, channel: decision.channel, pin: decision.pin, pinSource: decision.source };
    } else if (job.request.target === 'original') {
      // Where it went the first time, however pins have moved since: "was it the code or the data?"
      // A completed replay may have taken the record over since; its history still starts with the first dispatch.
      route = originalRoute(original);
    } else {
      route = { version: job.request.target.version, channel: null, pin: null, pinSource: null };
    }
    const target = route ? routing?.versions.get(route.version) : undefined;
    if (!route || !target) return 'skipped';
    const record = buildClaim({
      source: original.source,
      id: original.id,
      component: original.component,
      purpose: { kind: 'replay', replayId: job.id },
      route,
      who: { customer: original.customer, project: original.project, plan: original.plan },
      ...(original.receivedAt ? { receivedAt: original.receivedAt } : {}),
      now: Date.now(),
      lease: { token: randomUUID(), ms: runner.leaseMsFor(target.target) },
    });
    const claim = await events.claimDispatch(record);
    if (!claim.claimed) return 'already';
    const stored = await events.getEvent(original.source, original.id);
    if (!stored) {
      await events.completeDispatch(record, record.claimToken!, { status: 'failed', attempts: 0, error: { code: 'VR_NOT_FOUND', message: 'The event is no longer in the log.' } });
      return 'failed';
    }
    // Each replayed event is its own trace (the job runs outside any request), marked with the replay id.
    const trace = context.with(ROOT_CONTEXT, () =>
      EventTrace.start(stored.event.event, { kind: 'replay', logger: this.options.logger, attributes: { [ATTR_REPLAY_ID]: job.id, [ATTR_COMPONENT]: original.component } }),
    );
    trace.identify(stored.event.event);
    trace.routed({ customer: original.customer, project: original.project, plan: original.plan, components: 1 });
    try {
      const completion = await trace.run(() =>
        runner.run({
          record,
          target: target.target,
          event: stored.event.event,
          replayId: job.id,
          ...(stored.event.context !== undefined ? { context: stored.event.context } : {}),
          chain: stored.event.chain ?? { root: { source: original.source, id: original.id }, depth: 0 },
          routing: { customer: original.customer, project: original.project, plan: original.plan },
          parent: trace.context,
          ...(target.maxConcurrency ? { maxConcurrency: target.maxConcurrency } : {}),
        }),
      );
      if (!completion) return 'skipped';
      return completion.status;
    } catch (error) {
      trace.fail(error);
      throw error;
    } finally {
      trace.end();
    }
  }
}
