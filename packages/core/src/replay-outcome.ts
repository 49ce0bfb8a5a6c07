import type { DispatchCompletion, DispatchError, DispatchRecord, DispatchStatus } from './ports.js';

/** What a replay's completion writes onto the event's original dispatch record. `lastError: null` removes it. */
export interface ReplayOutcomeUpdate {
  status: Exclude<DispatchStatus, 'pending'>;
  updatedAt: string;
  lastReplayId: string;
  lastError: DispatchError | null;
}

/**
 * An event's status per component is its latest outcome: a replay's outcome becomes the original record's status
 * and last error, and names the replay. See replayOutcomeApplies for when the original takes it.
 */
export function replayOutcomeUpdate(replayId: string, completion: DispatchCompletion, at: string): ReplayOutcomeUpdate {
  return {
    status: completion.status,
    updatedAt: at,
    lastReplayId: replayId,
    lastError: completion.error ? { code: completion.error.code, message: completion.error.message } : null,
  };
}

/** The status during which the original keeps its own state: its own dispatch is in flight and will finish it. */
export const REPLAY_OUTCOME_WAITS_FOR: DispatchStatus = 'pending';

/** Whether the original record takes a replay's outcome: only once it is no longer in flight. */
export function replayOutcomeApplies(original: Pick<DispatchRecord, 'status'>): boolean {
  return original.status !== REPLAY_OUTCOME_WAITS_FOR;
}

/** The original record after a replay's outcome (unchanged while it is in flight); for stores that hold records whole. */
export function withReplayOutcome(original: DispatchRecord, update: ReplayOutcomeUpdate): DispatchRecord {
  if (!replayOutcomeApplies(original)) return original;
  const { lastError: _previous, ...rest } = original;
  return { ...rest, status: update.status, updatedAt: update.updatedAt, lastReplayId: update.lastReplayId, ...(update.lastError ? { lastError: update.lastError } : {}) };
}
