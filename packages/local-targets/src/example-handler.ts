import { isRecord } from '@vrouter/core';
import type { LocalHandler } from './types.js';

/** The answer of the example component: which version handled which event. */
export interface ExampleResult {
  handledBy: string;
  eventId: string | null;
  type: string | null;
}

/** Longest `data.delayMs` honoured: a demo of a slow function, not a way to park the local server. */
export const MAX_EXAMPLE_DELAY_MS = 120_000;

/**
 * The handler of the example component used in dev mode and demos. Returns `{ handledBy, eventId, type }`
 * for a CloudEvent payload; throws an Error, which Lambda reports as a FunctionError, when the event's
 * `data.fail` is `true`, so a demo can show a failing version. With `data.delayMs` (a positive integer, capped
 * at MAX_EXAMPLE_DELAY_MS) it answers that much later, like a slow synchronous function.
 */
export function exampleHandler(component: string, version: string): LocalHandler {
  const handledBy = `${component}@${version}`;
  const handle = (payload: unknown): ExampleResult => {
    const event = isRecord(payload) ? payload : {};
    const eventId = typeof event.id === 'string' ? event.id : null;
    const type = typeof event.type === 'string' ? event.type : null;
    if (isRecord(event.data) && event.data.fail === true) {
      throw new Error(`${handledBy} failed event ${eventId ?? '(no id)'} because its data.fail is true.`);
    }
    return { handledBy, eventId, type };
  };
  // Answers synchronously unless asked to be slow.
  return (payload) => {
    const data = isRecord(payload) && isRecord(payload.data) ? payload.data : {};
    const delayMs = data.delayMs;
    if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs <= 0) return handle(payload);
    return new Promise((resolve) => setTimeout(resolve, Math.min(delayMs, MAX_EXAMPLE_DELAY_MS))).then(() => handle(payload));
  };
}
