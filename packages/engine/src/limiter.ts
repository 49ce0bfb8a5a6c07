/**
 * At most `limit` concurrent runs per key (e.g. per component version), first come first served, so one slow or
 * broken version cannot take every dispatch slot of the process.
 */
export class KeyedLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  async run<T>(key: string, limit: number, task: () => Promise<T>): Promise<T> {
    await this.acquire(key, limit);
    try {
      return await task();
    } finally {
      this.release(key);
    }
  }

  /** In-flight runs for `key`, for health reporting and tests. */
  inFlight(key: string): number {
    return this.active.get(key) ?? 0;
  }

  private acquire(key: string, limit: number): Promise<void> {
    const active = this.active.get(key) ?? 0;
    if (active < limit) {
      this.active.set(key, active + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(resolve);
      this.waiting.set(key, queue);
    });
  }

  private release(key: string): void {
    const next = this.waiting.get(key)?.shift();
    // The slot passes straight to the next waiter, so the count stays as it is.
    if (next) {
      next();
      return;
    }
    const active = (this.active.get(key) ?? 1) - 1;
    if (active === 0) this.active.delete(key);
    else this.active.set(key, active);
    if (this.waiting.get(key)?.length === 0) this.waiting.delete(key);
  }
}
