import type { DispatchLimits, Dispatcher, DispatchOutcome, DispatchRequest, Target, TargetKind } from '@vrouter/core';
import { UNSUPPORTED_LIMITS } from './limits.js';
import { unsupportedTarget } from './unsupported.js';

/** One dispatcher per target kind; a kind left out is reported as unsupported. */
export type DispatchersByKind = { [K in TargetKind]?: Dispatcher };

/**
 * Routes each request to the dispatcher for its `target.kind`. A kind without one (or one unknown to the model,
 * e.g. from stale data) gets a failed, non-retryable VR_TARGET_UNSUPPORTED outcome instead of an exception.
 * It adds no error handling of its own: the per-kind dispatchers keep the never-throw contract.
 */
export class DispatcherRegistry implements Dispatcher {
  // A Map, not an object lookup, so a kind such as "toString" cannot hit Object.prototype.
  readonly #byKind = new Map<string, Dispatcher>();

  constructor(dispatchers: DispatchersByKind) {
    for (const [kind, dispatcher] of Object.entries(dispatchers)) {
      if (dispatcher !== undefined) this.#byKind.set(kind, dispatcher);
    }
  }

  /** Whether a dispatcher is configured for `kind`. */
  supports(kind: string): boolean {
    return this.#byKind.has(kind);
  }

  /** The limits the dispatcher for `target.kind` answers; UNSUPPORTED_LIMITS for a kind without one. */
  limits(target: Target): DispatchLimits {
    return this.#byKind.get(target.kind)?.limits(target) ?? UNSUPPORTED_LIMITS;
  }

  async dispatch(request: DispatchRequest): Promise<DispatchOutcome> {
    const kind: string = request.target.kind;
    const dispatcher = this.#byKind.get(kind);
    return dispatcher === undefined ? unsupportedTarget(kind) : dispatcher.dispatch(request);
  }
}
