import type { ClaimRenewal, DispatchError, DispatchRecord, EventStore } from '@vrouter/core';
import { dispatchFields } from './dispatch-fields.js';
import type { Logger } from './logger.js';

export interface LeaseHeartbeatOptions {
  events: EventStore;
  record: DispatchRecord;
  leaseMs: number;
  /** How often the lease is renewed while held; must leave a renewal time to land before the lease ends. */
  intervalMs: number;
  logger: Logger;
}

/** What the claim says about the dispatch, written with every renewal. */
export interface ClaimState {
  attempts: number;
  lastError?: DispatchError;
  handedOffAttempt?: number;
}

/**
 * Holds a dispatch claim for as long as its router works on it: renews the lease every `intervalMs` (well before it
 * ends), so that a call in flight for longer than a lease, a dispatch waiting for a concurrency slot or a retry, and
 * an outcome write riding out a store blip are never taken over by recovery while this process lives.
 * Renewals are serialised: the claim's attempt count and handoff mark only ever move forward. A store error on a
 * renewal is logged and the next beat tries again; a renewal that finds the claim no longer ours marks it lost.
 */
export class LeaseHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private state: ClaimState;
  private owned = true;
  private stopped = false;
  /** A beat waits for the one before: against a stalled store, renewals must not pile up. */
  private beating = false;

  constructor(private readonly options: LeaseHeartbeatOptions) {
    const { record } = options;
    this.state = {
      attempts: record.attempts,
      ...(record.lastError ? { lastError: record.lastError } : {}),
      ...(record.handedOffAttempt !== undefined ? { handedOffAttempt: record.handedOffAttempt } : {}),
    };
  }

  /** False once a renewal found the claim taken over (or completed elsewhere). */
  get held(): boolean {
    return this.owned;
  }

  start(): void {
    if (this.stopped || this.timer) return;
    this.timer = setInterval(() => {
      this.beat().catch(() => undefined);
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops renewing; a renewal in flight finishes. The lease then runs out on its own unless the claim is completed. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.chain.catch(() => undefined);
  }

  /**
   * Renews now with the given state (e.g. before an attempt: its number and handoff mark); true while the claim is
   * ours. Store errors propagate: the caller decides whether to go on without a renewed lease.
   */
  renew(update: Partial<ClaimState> = {}, leaseUntil = new Date(Date.now() + this.options.leaseMs).toISOString()): Promise<boolean> {
    this.state = { ...this.state, ...update };
    const state = this.state;
    const next = this.chain
      .catch(() => undefined)
      .then(async () => {
        if (!this.owned) return false;
        const renewal: ClaimRenewal = { leaseUntil, ...state };
        const owned = await this.options.events.renewClaim(this.options.record, this.options.record.claimToken!, renewal);
        if (!owned) this.owned = false;
        return owned;
      });
    this.chain = next;
    return next;
  }

  private async beat(): Promise<void> {
    if (this.stopped || !this.owned || this.beating) return;
    this.beating = true;
    try {
      const owned = await this.renew();
      if (!owned) {
        this.options.logger.warn(dispatchFields(this.options.record), 'dispatch claim was taken over while this router held it');
        clearInterval(this.timer);
      }
    } catch (error) {
      this.options.logger.warn({ err: error, ...dispatchFields(this.options.record) }, 'lease renewal failed; renewing again at the next heartbeat');
    } finally {
      this.beating = false;
    }
  }
}
