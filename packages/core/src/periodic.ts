/**
 * Runs `task` every `intervalMs`, each run starting only after the previous one settled (so runs never overlap),
 * on an unref'd timer (it never keeps a process alive). A failing run is reported and the next one still comes.
 * The timer is set in the async context of start(), so background work can be started in a context of its own.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.stop();
    this.schedule();
  }

  /** No further runs; one already running finishes. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const timer = setTimeout(() => {
      this.task()
        .catch(this.onError)
        .finally(() => {
          // Stopped (or restarted) meanwhile: this chain ends.
          if (this.timer === timer) this.schedule();
        });
    }, this.intervalMs);
    timer.unref();
    this.timer = timer;
  }
}
