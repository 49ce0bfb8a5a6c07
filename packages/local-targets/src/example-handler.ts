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
 * for a CloudEvent payload; throws an Error, which Lambda reports as a FunctionError, when the event's
 * `data.fail` is `true`, so a demo can show a failing version.
 */
export function exampleHandler(component: string, version: string): LocalHandler {
  const handledBy = `${component}@${version}`;
  return (payload): ExampleResult => {
    const event = isRecord(payload) ? payload : {};
    const eventId = typeof event.id === 'string' ? event.id : null;
    const type = typeof event.type === 'string' ? event.type : null;
    if (isRecord(event.data) && event.data.fail === true) {
      throw new Error(`${handledBy} failed event ${eventId ?? '(no id)'} because its data.fail is true.`);
    }
    return { handledBy, eventId, type };
  };
}
