/**
 * A switch for making one version of an example function fail on demand, shared by the handlers of a local endpoint:
 * `set('v2', 50)` makes every 50th invocation of v2 fail (1: every one), `set('v2', 0)` stops it. Deterministic, so a
 * test knows the failure rate exactly.
 */
export class FailOnDemand {
  readonly #every = new Map<string, number>();
  readonly #seen = new Map<string, number>();

  set(version: string, every: number): this {
    if (!Number.isInteger(every) || every < 0) throw new Error(`every must be a whole number, 0 to stop failing, got ${every}`);
    this.#every.set(version, every);
    this.#seen.set(version, 0);
    return this;
  }

  /** Counts one invocation of `version`; true when this one is to fail. */
  shouldFail(version: string): boolean {
    const every = this.#every.get(version) ?? 0;
    if (every === 0) return false;
    const seen = (this.#seen.get(version) ?? 0) + 1;
    this.#seen.set(version, seen);
    return seen % every === 0;
  }
}
