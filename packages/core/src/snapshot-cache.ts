import { Periodic } from './periodic.js';
import type { RoutingConfigStore } from './ports.js';
import { EMPTY_SNAPSHOT, type RoutingSnapshot } from './snapshot.js';

export interface SnapshotCacheOptions {
  /** How often the store's revision is read; bounds how stale a router can be. */
  pollIntervalMs?: number;
  /** A full reload regardless of revision, in case a writer died between its write and the revision bump. */
  fullReloadIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Keeps the routing snapshot in memory so that routing an event reads nothing from the store.
 * Polls one revision item; reloads the whole configuration only when it moved.
 */
export class SnapshotCache {
  private snapshot: RoutingSnapshot = EMPTY_SNAPSHOT;
  private readonly polling: Periodic;
  private inflight: Promise<RoutingSnapshot> | undefined;
  private queued: Promise<RoutingSnapshot> | undefined;
  private lastFullLoad = 0;
  /** When the store was last asked (a poll or a load); a frozen process (Lambda) can be far behind. */
  private lastChecked = 0;
  private readonly fullReloadIntervalMs: number;

  constructor(
    private readonly store: Pick<RoutingConfigStore, 'revision' | 'loadSnapshot'>,
    private readonly options: SnapshotCacheOptions = {},
  ) {
    this.polling = new Periodic(
      options.pollIntervalMs ?? 1000,
      () => this.poll(),
      (error) => this.options.onError?.(error),
    );
    this.fullReloadIntervalMs = options.fullReloadIntervalMs ?? 60_000;
  }

  /** The snapshot as of the last load; never blocks. */
  current(): RoutingSnapshot {
    return this.snapshot;
  }

  /** Loads once (throwing if the store is unreachable) and starts polling. */
  async start(): Promise<RoutingSnapshot> {
    const snapshot = await this.reload();
    this.polling.start();
    return snapshot;
  }

  stop(): void {
    this.polling.stop();
  }

  /**
   * Reloads now and resolves with a snapshot loaded after this call began: a load already running may have started
   * before the caller's own write, so callers arriving meanwhile share one more load queued after it.
   */
  reload(): Promise<RoutingSnapshot> {
    if (!this.inflight) return this.load();
    this.queued ??= this.inflight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.load();
      });
    return this.queued;
  }

  private load(): Promise<RoutingSnapshot> {
    const loading = this.store
      .loadSnapshot()
      .then((snapshot) => {
        // A slower earlier load must not replace a newer snapshot.
        if (snapshot.revision >= this.snapshot.revision) this.snapshot = snapshot;
        this.lastFullLoad = Date.now();
        this.lastChecked = this.lastFullLoad;
        return this.snapshot;
      })
      .finally(() => {
        if (this.inflight === loading) this.inflight = undefined;
      });
    this.inflight = loading;
    return loading;
  }

  /** One poll: reload when the store's revision moved or the safety interval passed. */
  async poll(): Promise<void> {
    const revision = await this.store.revision();
    this.lastChecked = Date.now();
    if (revision !== this.snapshot.revision || Date.now() - this.lastFullLoad >= this.fullReloadIntervalMs) await this.reload();
  }

  /**
   * Polls now if the store was last asked more than `maxAgeMs` ago: for a process whose timers were frozen (a Lambda
   * container between invocations), so its first event after a thaw is not routed with an hour-old snapshot.
   */
  async ensureFresh(maxAgeMs: number): Promise<void> {
    if (Date.now() - this.lastChecked > maxAgeMs) await this.poll();
  }
}
