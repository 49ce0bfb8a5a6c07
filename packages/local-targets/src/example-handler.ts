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

export interface ExampleOptions {
  /** Posts an event to the router (dev mode: POST /v1/events); how the example emits a follow-up. */
  emit?: (event: Record<string, unknown>) => Promise<unknown>;
}

/**
 * The follow-up the example emits for a `release.requested` event with `data.followUp: true`: a `release.followup`
 * carrying the chain context it received, as `continueChain` of @vrouter/client would make it, so the router sends
 * it to the versions the chain already decided (however pins move meanwhile).
 */
export function followUpOf(payload: Record<string, unknown>): Record<string, unknown> {
  const meta = isRecord(payload.vrouter) ? payload.vrouter : {};
  return {
    specversion: '1.0',
    id: `${String(payload.id)}-followup`,
    source: '/example/release-coordinator',
    type: 'release.followup',
    data: { after: payload.id },
    ...(typeof meta.context === 'string' ? { vroutercontext: meta.context } : {}),
  };
}

/**
 * The handler of the example component used in dev mode and demos. Returns `{ handledBy, eventId, type }`
 * for a CloudEvent payload. Throws an Error, which Lambda reports as a FunctionError, so a demo can show a failing
 * version: when the event's `data.fail` is `true` (every version), or names this version (`"v2"`, or a list such as
 * `["v2", "v3"]`: the event fails on those versions only, so there is a version to replay it onto). With
 * `data.delayMs` (a positive integer, capped at MAX_EXAMPLE_DELAY_MS) it answers that much later, like a slow
 * synchronous function. With `emit`, a `release.requested` event whose `data.followUp` is `true` makes it post a
 * follow-up event back through the router (see followUpOf).
 */
export function exampleHandler(component: string, version: string, options: ExampleOptions = {}): LocalHandler {
  const handledBy = `${component}@${version}`;
  const handle = (payload: unknown): ExampleResult => {
    const event = isRecord(payload) ? payload : {};
    const eventId = typeof event.id === 'string' ? event.id : null;
    const type = typeof event.type === 'string' ? event.type : null;
    const fail = isRecord(event.data) ? event.data.fail : undefined;
    if (fail === true || fail === version || (Array.isArray(fail) && fail.includes(version))) {
      throw new Error(`${handledBy} failed event ${eventId ?? '(no id)'} because its data.fail says so.`);
    }
    if (options.emit && type === 'release.requested' && isRecord(event.data) && event.data.followUp === true) {
      // After answering: the router records this dispatch while the follow-up is on its way.
      setImmediate(() => void options.emit!(followUpOf(event)).catch(() => undefined));
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
