/**
 * The work a component has started and not yet seen finish, so that closing it can wait for all of it.
 * Tracking never changes the work: its result and rejection reach the caller as they are.
 */
export class InFlight {
  readonly #work = new Set<Promise<unknown>>();

  /** How much work is running now. */
  get size(): number {
    return this.#work.size;
  }

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#work.add(work);
    const forget = () => {
      this.#work.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  /** Resolves once all tracked work has settled, including work started while waiting; never rejects. */
  async drain(): Promise<void> {
    while (this.#work.size > 0) await Promise.allSettled([...this.#work]);
  }
}
