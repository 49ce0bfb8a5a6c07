export interface Backoff<T> {
  /** The longest wait between runs, however long nothing has been found. */
  maxIntervalMs: number;
  /** Whether a run found nothing to do; each such run doubles the wait (up to the cap), any other resets it. */
  idle(result: T): boolean;
}

/**
 * Runs `task` every `intervalMs`, each run starting only after the previous one settled (so runs never overlap),
 * on an unref'd timer (it never keeps a process alive). A failing run is reported and the next one still comes.
 * With `backoff`, a run that found nothing doubles the wait up to a cap, so an idle process reads little, and
 * wake() brings the wait back to `intervalMs` when this process learns there may be work.
 * The timer is set in the async context of start(), so background work can be started in a context of its own.
 */
export class Periodic<T = unknown> {
  private timer: NodeJS.Timeout | undefined;
  private waitMs: number;
  /** The wait the pending timer was set with. */
  private scheduledMs = 0;
  private running = false;
  /** wake() came during a run: that run's result must not lengthen the wait. */
  private woken = false;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<T>,
    private readonly onError: (error: unknown) => void,
    private readonly backoff?: Backoff<T>,
  ) {
    this.waitMs = intervalMs;
  }

  /** The wait before the next run, as it stands. */
  get currentIntervalMs(): number {
    return this.waitMs;
  }

  start(): void {
    this.stop();
    this.waitMs = this.intervalMs;
    this.schedule();
  }

  /** No further runs; one already running finishes. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * There may be work: the wait goes back to `intervalMs`. A pending wait that was set longer is restarted at
   * `intervalMs`, so the next run comes within `intervalMs`; a run in progress is left alone (the wait after it is
   * `intervalMs`). No effect when stopped.
   */
  wake(): void {
    this.waitMs = this.intervalMs;
    if (this.running) this.woken = true;
    if (!this.timer || this.running || this.scheduledMs <= this.intervalMs) return;
    clearTimeout(this.timer);
    this.schedule();
  }

  private schedule(): void {
    const timer = setTimeout(() => {
      this.running = true;
      this.task()
        .then((result) => {
          const idle = this.backoff !== undefined && !this.woken && this.backoff.idle(result);
          this.waitMs = idle ? Math.min(this.waitMs * 2, this.backoff!.maxIntervalMs) : this.intervalMs;
        })
        .catch(this.onError)
        .finally(() => {
          this.running = false;
          this.woken = false;
          // Stopped (or restarted) meanwhile: this chain ends.
          if (this.timer === timer) this.schedule();
        });
    }, this.waitMs);
    timer.unref();
    this.scheduledMs = this.waitMs;
    this.timer = timer;
  }
}
