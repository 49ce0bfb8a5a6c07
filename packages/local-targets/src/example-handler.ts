import { isRecord } from '@vrouter/core';
import type { LocalHandler } from './types.js';

/** The answer of the example component: which version handled which event. */
export interface ExampleResult {
  handledBy: string;
  eventId: string | null;
  type: string | null;
}

/**
 * The handler of the example component used in dev mode and demos. Returns `{ handledBy, eventId, type }`
 * for a CloudEvent payload. Throws an Error, which Lambda reports as a FunctionError, so a demo can show a failing
 * version: when the event's `data.fail` is `true` (every version), or names this version (`"v2"`, or a list such as
 * `["v2", "v3"]`: the event fails on those versions only, so there is a version to replay it onto).
 */
export function exampleHandler(component: string, version: string): LocalHandler {
  const handledBy = `${component}@${version}`;
  return (payload): ExampleResult => {
    const event = isRecord(payload) ? payload : {};
    const eventId = typeof event.id === 'string' ? event.id : null;
    const type = typeof event.type === 'string' ? event.type : null;
    const fail = isRecord(event.data) ? event.data.fail : undefined;
    if (fail === true || fail === version || (Array.isArray(fail) && fail.includes(version))) {
      throw new Error(`${handledBy} failed event ${eventId ?? '(no id)'} because its data.fail says so.`);
    }
    return { handledBy, eventId, type };
  };
}
