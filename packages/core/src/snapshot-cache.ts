import { Periodic } from './periodic.js';
import type { RoutingConfigStore } from './ports.js';
import { EMPTY_SNAPSHOT, type RoutingSnapshot } from './snapshot.js';

export interface SnapshotCacheOptions {
  /** How often the store's revision is read while the snapshot is in use; bounds how stale a router can be. */
  pollIntervalMs?: number;
  /**
   * The longest wait between revision reads once nothing has used the snapshot for `idleAfterMs` (the wait doubles
   * up to it); default 30 s. At or below pollIntervalMs the poll never backs off.
   */
  idlePollIntervalMs?: number;
  /** How long without inUse() before the poll backs off; default 10 s. */
  idleAfterMs?: number;
  /** A full reload regardless of revision, in case a writer died between its write and the revision bump. */
  fullReloadIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Keeps the routing snapshot in memory so that routing an event reads nothing from the store.
 * Polls one revision item; reloads the whole configuration only when it moved. An idle router polls less (see inUse).
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
  private readonly pollIntervalMs: number;
  /** When inUse() was last called. */
  private lastUsed = Date.now();
  private checking: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<RoutingConfigStore, 'revision' | 'loadSnapshot'>,
    private readonly options: SnapshotCacheOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    const idlePollIntervalMs = options.idlePollIntervalMs ?? 30_000;
    const idleAfterMs = options.idleAfterMs ?? 10_000;
    this.polling = new Periodic(
      this.pollIntervalMs,
      () => this.poll(),
      (error) => this.options.onError?.(error),
      idlePollIntervalMs > this.pollIntervalMs ? { maxIntervalMs: idlePollIntervalMs, idle: () => Date.now() - this.lastUsed > idleAfterMs } : undefined,
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
   * Called before a request routes or resolves with the snapshot. While the snapshot is in use the revision is read
   * every pollIntervalMs; after idleAfterMs without use the reads back off, so an idle router reads little. The first
   * use after that brings the poll back and, when the store was last asked more than pollIntervalMs ago, reads the
   * revision first (one read shared by concurrent callers), so a router that idled is no staler than a busy one.
   * Answers undefined, reading nothing, while in use; a failed read is reported (onError) and the snapshot in hand used.
   */
  inUse(): Promise<void> | undefined {
    this.lastUsed = Date.now();
    if (this.checking) return this.checking;
    if (this.polling.currentIntervalMs <= this.pollIntervalMs) return undefined;
    this.polling.wake();
    if (this.lastUsed - this.lastChecked <= this.pollIntervalMs) return undefined;
    this.checking ??= this.poll()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  /**
   * Polls now if the store was last asked more than `maxAgeMs` ago: for a process whose timers were frozen (a Lambda
   * container between invocations), so its first event after a thaw is not routed with an hour-old snapshot.
   */
  async ensureFresh(maxAgeMs: number): Promise<void> {
    if (Date.now() - this.lastChecked > maxAgeMs) await this.poll();
  }
}
