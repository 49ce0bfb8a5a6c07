import { backoffDelay, type DispatchCompletion, type DispatchRecord, type EventStore, isVrouterError, type RetryPolicy } from '@vrouter/core';
import { dispatchFields } from './dispatch-fields.js';
import type { LeaseHeartbeat } from './lease-heartbeat.js';
import type { Logger } from './logger.js';

export interface OutcomeRecorderOptions {
  events: EventStore;
  /** Backoff between tries (its maxAttempts is not used: the budget bounds the tries). */
  backoff: RetryPolicy;
  /** How long to keep trying to write an outcome before giving the claim up to recovery. */
  budgetMs: number;
  logger: Logger;
}

/** What became of an outcome: written, or not written because the claim is no longer ours. */
export type Recorded = 'recorded' | 'lost';

/**
 * Writes a dispatch's outcome. The target already has the event, so losing the write would make recovery deliver it
 * again: a write the store fails (a blip, a stall, throttling) is retried with backoff for up to `budgetMs`, while the
 * caller's heartbeat keeps the lease. Only a router that dies (or a store down for longer than the budget) leaves
 * the claim to recovery, which then sees the handoff mark and delivers at-least-once with the same idempotency key.
 */
export class OutcomeRecorder {
  constructor(private readonly options: OutcomeRecorderOptions) {}

  /** Throws the last store error when the budget is spent; the claim is then left pending for recovery. */
  async record(record: DispatchRecord, completion: DispatchCompletion, heartbeat: LeaseHeartbeat): Promise<Recorded> {
    const { events, backoff, budgetMs, logger } = this.options;
    const deadline = Date.now() + budgetMs;
    for (let tries = 1; ; tries += 1) {
      try {
        const owned = await events.completeDispatch(record, record.claimToken!, completion);
        if (tries > 1) logger.warn({ ...dispatchFields(record), tries }, 'dispatch outcome recorded after the store recovered');
        return owned ? 'recorded' : 'lost';
      } catch (error) {
        // One of our own errors other than an outage (a garbled item, say): retrying would only repeat it.
        if (isVrouterError(error) && error.code !== 'VR_STORE_UNAVAILABLE') throw error;
        if (!heartbeat.held) return 'lost';
        const delay = backoffDelay(backoff, tries);
        if (Date.now() + delay > deadline) {
          logger.error({ err: error, ...dispatchFields(record), tries }, 'dispatch outcome could not be recorded within the retry budget; recovery will deliver it again');
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
