import type { ClaimRoute } from './claim.js';
import type { DispatchHistoryEntry, DispatchRecord } from './ports.js';
import { replayOutcomeApplies } from './replay-outcome.js';

/** A record keeps its original outcome and the latest ones; older replays drop out first. */
export const MAX_DISPATCH_HISTORY = 20;

function entryOf(record: DispatchRecord): DispatchHistoryEntry | undefined {
  if (record.status === 'pending') return undefined;
  return {
    version: record.version,
    status: record.status,
    attempts: record.attempts,
    at: record.updatedAt,
    ...(record.replayId !== undefined ? { replayId: record.replayId } : {}),
    ...(record.lastError ? { error: record.lastError } : {}),
  };
}

/**
 * The outcomes of an original dispatch, oldest first. A record completed without a stored history has had one
 * outcome, its own; a pending one has none yet.
 */
export function dispatchHistory(record: DispatchRecord): DispatchHistoryEntry[] {
  if (record.history !== undefined) return record.history;
  const own = entryOf(record);
  return own ? [own] : [];
}

/**
 * Where the first dispatch went (replay target `original`): the record's own route while its latest outcome is still
 * that version's, else the first entry's version alone (a replay took the record over; the first channel and pin are
 * not kept). Undefined when it was routed nowhere.
 */
export function originalRoute(record: DispatchRecord): ClaimRoute | undefined {
  const first = dispatchHistory(record)[0]?.version ?? record.version;
  if (first === null) return undefined;
  if (first === record.version) return { version: first, channel: record.channel, pin: record.pin, pinSource: record.pinSource };
  return { version: first, channel: null, pin: null, pinSource: null };
}

/** What a completed replay changes on the original record. */
export type ReplayedFields = Pick<DispatchRecord, 'status' | 'version' | 'channel' | 'pin' | 'pinSource' | 'attempts' | 'updatedAt' | 'lastError' | 'response' | 'history'> & {
  lastReplayId: string;
};

/**
 * An event's status per component is its latest outcome: a completed replay's version, status, attempts, error and
 * answer become the original record's, and the outcome joins its history (the original attempt is always kept).
 * Undefined when the original is still in flight (its own outcome comes later and wins) or the replay is not
 * complete.
 */
export function applyReplayOutcome(original: DispatchRecord, replay: DispatchRecord): ReplayedFields | undefined {
  const entry = entryOf(replay);
  if (!replayOutcomeApplies(original) || entry === undefined || replay.replayId === undefined) return undefined;
  const earlier = dispatchHistory(original).filter((e) => e.replayId === undefined || e.replayId !== replay.replayId);
  const all = [...earlier, entry];
  const history = all.length > MAX_DISPATCH_HISTORY ? [all[0]!, ...all.slice(all.length - MAX_DISPATCH_HISTORY + 1)] : all;
  return {
    status: entry.status,
    version: replay.version,
    channel: replay.channel,
    pin: replay.pin,
    pinSource: replay.pinSource,
    attempts: replay.attempts,
    updatedAt: replay.updatedAt,
    lastError: replay.lastError,
    response: replay.response,
    history,
    lastReplayId: replay.replayId,
  };
}
