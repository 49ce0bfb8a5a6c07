import type { CloudEvent, DispatchCompletion, DispatchRecord } from '@vrouter/core';

/** A dispatch that failed after its last attempt, for whoever watches failures outside the router. */
export interface DeadLetter {
  record: DispatchRecord;
  event: CloudEvent;
  completion: DispatchCompletion;
}
