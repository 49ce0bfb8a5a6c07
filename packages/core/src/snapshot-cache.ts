import { Periodic } from './periodic.js';
import type { RoutingConfigStore } from './ports.js';
import { EMPTY_SNAPSHOT, type RoutingSnapshot } from './snapshot.js';
import { applyChanges } from './snapshot-apply.js';

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
  /**
   * A full reload regardless of revision, in case a writer died between its write and the revision bump. It builds
   * in chunks, so it never holds up routing, but it reads the whole configuration: hence rare.
   */
  fullReloadIntervalMs?: number;
  /** How long a revision may stay without its change-log entry (a writer between its bump and its log) before a full load. */
  changeLogGraceMs?: number;
  onError?: (error: unknown) => void;
  /**
   * Runs what inUse() starts for the polls (a wake, a read) outside the caller's context, so a request that wakes the
   * poll does not carry its trace and cost into every poll after; called only then, never on the in-use fast path.
   */
  detached?: <T>(start: () => T) => T;
}

export const DEFAULT_FULL_RELOAD_INTERVAL_MS = 900_000;
const DEFAULT_CHANGE_LOG_GRACE_MS = 5000;
/** Behind by more revisions than this, reading what changed costs about what a full load does. */
const MAX_REVISIONS_BEHIND = 100;
/** Unchecked for longer than this, the change log may have been trimmed (its entries live a day): load in full. */
const MAX_INCREMENTAL_AGE_MS = 3_600_000;

type Store = Pick<RoutingConfigStore, 'revision' | 'loadSnapshot'> & Partial<Pick<RoutingConfigStore, 'changesSince'>>;

/**
 * Keeps the routing snapshot in memory so that routing an event reads nothing from the store.
 * Polls one revision item; when it moved, reads only what changed (the store's change log) and applies it, and
 * loads the whole configuration only when it cannot know what changed. An idle router polls less (see inUse).
 */
export class SnapshotCache {
  private snapshot: RoutingSnapshot = EMPTY_SNAPSHOT;
  private loaded = false;
  private readonly polling: Periodic;
  private inflight: Promise<RoutingSnapshot> | undefined;
  private queued: Promise<RoutingSnapshot> | undefined;
  private lastFullLoad = 0;
  /** When the store was last asked (a poll or a load); a frozen process (Lambda) can be far behind. */
  private lastChecked = 0;
  /** When the snapshot was last known to be current: every change-log entry it lacks was written after this. */
  private caughtUpAt = 0;
  /** The revision whose change-log entry was missing, and since when. */
  private gap: { revision: number; since: number } | undefined;
  private readonly fullReloadIntervalMs: number;
  private readonly changeLogGraceMs: number;
  private readonly pollIntervalMs: number;
  /** When inUse() was last called. */
  private lastUsed = Date.now();
  private checking: Promise<void> | undefined;
  /** The safety net's full load, running beside the polls; then the snapshot it gave, for the next refresh to adopt. */
  private background: Promise<void> | undefined;
  private pendingFull: RoutingSnapshot | undefined;
  private stopped = false;
  /** Loads of each kind, for tests and benchmarks. */
  readonly loads = { full: 0, incremental: 0 };

  constructor(
    private readonly store: Store,
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
    this.fullReloadIntervalMs = options.fullReloadIntervalMs ?? DEFAULT_FULL_RELOAD_INTERVAL_MS;
    this.changeLogGraceMs = options.changeLogGraceMs ?? DEFAULT_CHANGE_LOG_GRACE_MS;
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
    this.stopped = true;
    this.polling.stop();
  }

  /**
   * Brings the snapshot up to date now and resolves with it, as of a revision read after this call began: a load
   * already running may have started before the caller's own write, so callers arriving meanwhile share one more
   * load queued after it.
   */
  reload(): Promise<RoutingSnapshot> {
    return this.enqueue(false);
  }

  /** A full load now (not just what changed), queued as reload() is. */
  reloadFully(): Promise<RoutingSnapshot> {
    return this.enqueue(true);
  }

  private enqueue(full: boolean): Promise<RoutingSnapshot> {
    if (!this.inflight) return this.load(full);
    this.queued ??= this.inflight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.load(full);
      });
    return this.queued;
  }

  private load(full: boolean): Promise<RoutingSnapshot> {
    const loading = this.refresh(full).finally(() => {
      if (this.inflight === loading) this.inflight = undefined;
    });
    this.inflight = loading;
    return loading;
  }

  private async refresh(full: boolean): Promise<RoutingSnapshot> {
    const asked = Date.now();
    const candidate = this.pendingFull;
    this.pendingFull = undefined;
    if (candidate && !full) await this.adopt(candidate, asked);
    if (!full && this.loaded && this.store.changesSince && asked - this.caughtUpAt < MAX_INCREMENTAL_AGE_MS) {
      const revision = await this.store.revision();
      this.lastChecked = Date.now();
      const behind = revision - this.snapshot.revision;
      if (behind === 0) {
        this.caughtUpAt = asked;
        return this.snapshot;
      }
      if (behind > 0 && behind <= MAX_REVISIONS_BEHIND) {
        const changes = await this.store.changesSince(this.snapshot.revision, revision);
        const next = changes && applyChanges(this.snapshot, changes);
        if (next && !this.gapOutlived(next.revision, revision)) {
          this.snapshot = next;
          if (next.revision >= revision) this.caughtUpAt = asked;
          this.loads.incremental += 1;
          return next;
        }
      }
    }
    return await this.loadFully();
  }

  /** Whether the snapshot has stayed short of the store's revision for longer than the grace. */
  private gapOutlived(reached: number, revision: number): boolean {
    if (reached >= revision) {
      this.gap = undefined;
      return false;
    }
    if (this.gap?.revision !== reached) this.gap = { revision: reached, since: Date.now() };
    return Date.now() - this.gap.since >= this.changeLogGraceMs;
  }

  /**
   * Takes the background load's snapshot once it has caught up with the changes made while it loaded (read from the
   * change log and applied to it), so routing never steps back to an older configuration; discarded if it cannot.
   */
  private async adopt(candidate: RoutingSnapshot, asked: number): Promise<void> {
    const revision = await this.store.revision();
    this.lastChecked = Date.now();
    let next: RoutingSnapshot | undefined = candidate;
    if (revision > candidate.revision && revision - candidate.revision <= MAX_REVISIONS_BEHIND && this.store.changesSince) {
      const changes = await this.store.changesSince(candidate.revision, revision);
      next = changes && applyChanges(candidate, changes);
    }
    if (!next || next.revision < this.snapshot.revision) return;
    this.snapshot = next;
    this.loads.full += 1;
    if (next.revision >= revision) {
      this.gap = undefined;
      this.caughtUpAt = asked;
    }
  }

  private async loadFully(): Promise<RoutingSnapshot> {
    const asked = Date.now();
    const snapshot = await this.store.loadSnapshot();
    // A slower earlier load must not replace a newer snapshot.
    if (snapshot.revision >= this.snapshot.revision || !this.loaded) this.snapshot = snapshot;
    this.loaded = true;
    this.gap = undefined;
    this.loads.full += 1;
    this.caughtUpAt = asked;
    this.lastFullLoad = Date.now();
    this.lastChecked = this.lastFullLoad;
    return this.snapshot;
  }

  /**
   * One poll: catch up when the store's revision moved. When the safety interval passed, a full load starts beside
   * the polls (they go on catching up meanwhile) and a later refresh adopts its snapshot.
   */
  async poll(): Promise<void> {
    if (this.loaded && !this.background && Date.now() - this.lastFullLoad >= this.fullReloadIntervalMs) {
      this.lastFullLoad = Date.now();
      this.background = this.store
        .loadSnapshot()
        .then(async (snapshot) => {
          if (this.stopped) return;
          this.pendingFull = snapshot;
          await this.reload();
        })
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.background = undefined;
        });
    }
    const asked = Date.now();
    const revision = await this.store.revision();
    this.lastChecked = Date.now();
    if (revision === this.snapshot.revision) this.caughtUpAt = asked;
    else await this.reload();
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
    const detached = this.options.detached ?? ((start) => start());
    return detached(() => {
      this.polling.wake();
      if (this.lastUsed - this.lastChecked <= this.pollIntervalMs) return undefined;
      this.checking = this.poll()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.checking = undefined;
        });
      return this.checking;
    });
  }

  /**
   * Polls now if the store was last asked more than `maxAgeMs` ago: for a process whose timers were frozen (a Lambda
   * container between invocations), so its first event after a thaw is not routed with an hour-old snapshot.
   */
  async ensureFresh(maxAgeMs: number): Promise<void> {
    if (Date.now() - this.lastChecked > maxAgeMs) await this.poll();
  }
}
