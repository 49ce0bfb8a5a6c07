import type { DispatchCompletion, DispatchRecord } from '@vrouter/core';
import type { Logger } from './logger.js';

/** A target's error message in a log line: enough to recognise it, bounded whatever the target answered. */
const MAX_LOGGED_ERROR = 500;

/**
 * The one log line of a dispatch that failed for good (after its last attempt, or at once when not retryable): which
 * event, component and version, and why, so a person reading the log sees the failure without a query.
 */
export function logFailedDispatch(logger: Logger, record: DispatchRecord, completion: DispatchCompletion): void {
  const code = completion.error?.code ?? 'unknown';
  const message = (completion.error?.message ?? '').slice(0, MAX_LOGGED_ERROR);
  const kind = record.shadow ? 'shadow dispatch' : record.replayId ? `replayed dispatch (${record.replayId})` : 'dispatch';
  logger.warn(
    {
      eventId: record.id,
      source: record.source,
      component: record.component,
      version: record.version,
      attempts: completion.attempts,
      error: { code, message },
      ...(record.replayId ? { replayId: record.replayId } : {}),
      ...(record.shadow ? { shadow: true } : {}),
    },
    `${kind} of event ${record.id} to ${record.component}@${record.version ?? '(none)'} failed after ${completion.attempts} attempt(s): ${code}: ${message}`,
  );
}
