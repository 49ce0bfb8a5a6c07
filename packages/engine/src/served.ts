import {
  type DispatchLimits,
  type Dispatcher,
  type DispatchOutcome,
  type DispatchRequest,
  type RoutingConfigStore,
  type SnapshotCache,
  servedKey,
  type Target,
} from '@vrouter/core';
import type { Logger } from './logger.js';

/** Channels whose successes prove a version for stable. */
const PROVING_CHANNELS = new Set(['beta', 'experimental']);

/**
 * Remembers which versions have succeeded through beta or experimental, which the safety check on moving
 * stable relies on. Wraps the dispatcher; costs one write per version, once, and nothing after (the snapshot
 * and a local set say it is known).
 */
export class ServedTracker implements Dispatcher {
  private readonly marked = new Set<string>();

  constructor(
    private readonly inner: Dispatcher,
    private readonly store: Pick<RoutingConfigStore, 'markServed'>,
    private readonly cache: Pick<SnapshotCache, 'current'>,
    private readonly logger: Logger,
  ) {}

  limits(target: Target): DispatchLimits {
    return this.inner.limits(target);
  }

  async dispatch(request: DispatchRequest): Promise<DispatchOutcome> {
    const outcome = await this.inner.dispatch(request);
    const { component, version, channel, shadow } = request.payload.vrouter;
    if (outcome.status !== 'failed' && !shadow && channel && PROVING_CHANNELS.has(channel)) {
      const key = servedKey(component, version);
      if (!this.marked.has(key) && !this.cache.current().served.has(key)) {
        this.marked.add(key);
        // Off the dispatch path: a failed marker write only delays the proof to the next success.
        this.store.markServed(component, version).catch((error: unknown) => {
          this.marked.delete(key);
          this.logger.warn({ err: error, component, version }, 'could not record that the version served through a pre-release channel');
        });
      }
    }
    return outcome;
  }
}
