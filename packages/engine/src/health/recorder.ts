import { countOutcome, type DispatchCompletion, type DispatchRecord, emptyCounts, type HealthIncrement, type HealthStore, minuteOf, Periodic } from '@vrouter/core';
import type { Logger } from '../logger.js';

/** A terminal outcome as the dispatch runner reports it. */
export interface DispatchOutcomeReport {
  record: DispatchRecord;
  completion: DispatchCompletion;
  /** From the start of the dispatch (including retries) to its outcome. */
  latencyMs: number;
}

export interface HealthRecorderOptions {
  store: HealthStore;
  /** The counter shard this router adds to. */
  shard: number;
  /** How often pending counts are written: at most one write per (minute, version) per interval. */
  flushIntervalMs: number;
  logger: Logger;
  /** Told, without delay, about each failed live dispatch (stop on first error). */
  onFailure?: (record: DispatchRecord, completion: DispatchCompletion) => void;
}

/** Pending increments kept at most, so a store outage cannot grow memory without bound (oldest minutes dropped). */
const MAX_PENDING = 10_000;

/**
 * Counts terminal outcomes of live dispatches (never replays or shadows) per (component, version) in memory and
 * flushes them as per-minute increments: the write cost is one request per version per minute per flush interval,
 * whatever the event rate. A flush that fails keeps its counts for the next one.
 */
export class HealthRecorder {
  private pending = new Map<string, HealthIncrement>();
  private readonly periodic: Periodic;
  /** Store requests made by flushes, for measuring the write cost per event. */
  writes = 0;
  recorded = 0;

  constructor(private readonly options: HealthRecorderOptions) {
    this.periodic = new Periodic(
      options.flushIntervalMs,
      () => this.flush(),
      (error) => options.logger.warn({ err: error }, 'health counters not written; kept for the next flush'),
    );
  }

  record({ record, completion, latencyMs }: DispatchOutcomeReport): void {
    if (record.replayId !== undefined || record.shadow || record.version === null) return;
    const ok = completion.status !== 'failed';
    const minute = minuteOf(Date.now());
    const key = `${minute}\u0000${record.component}\u0000${record.version}`;
    let increment = this.pending.get(key);
    if (!increment) {
      if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
      increment = { minute, component: record.component, version: record.version, counts: emptyCounts() };
      this.pending.set(key, increment);
    }
    countOutcome(increment.counts, ok, latencyMs);
    this.recorded += 1;
    if (!ok) this.options.onFailure?.(record, completion);
  }

  start(): void {
    this.periodic.start();
  }

  /** Stops the timer and writes what is pending. */
  async stop(): Promise<void> {
    this.periodic.stop();
    await this.flush().catch((error: unknown) => this.options.logger.warn({ err: error }, 'health counters not written at shutdown'));
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.writes += batch.length;
    try {
      await this.options.store.add(batch, this.options.shard);
    } catch (error) {
      // ADD is not idempotent: a write that failed after DynamoDB applied it would count twice if resent. DynamoDB
      // reports such cases rarely (timeouts); losing a few counts is better than putting them back twice, so only
      // what was certainly not written (the store unreachable) goes back.
      if (error instanceof Error && 'code' in error && (error as { code?: string }).code === 'VR_STORE_UNAVAILABLE') {
        for (const increment of batch) this.merge(increment);
      }
      throw error;
    }
  }

  private merge(increment: HealthIncrement): void {
    const key = `${increment.minute}\u0000${increment.component}\u0000${increment.version}`;
    const existing = this.pending.get(key);
    if (!existing) {
      this.pending.set(key, increment);
      return;
    }
    existing.counts.dispatches += increment.counts.dispatches;
    existing.counts.succeeded += increment.counts.succeeded;
    existing.counts.failed += increment.counts.failed;
    increment.counts.latency.forEach((n, i) => {
      existing.counts.latency[i] = (existing.counts.latency[i] ?? 0) + n;
    });
  }
}
