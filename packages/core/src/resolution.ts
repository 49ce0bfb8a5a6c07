import type { ChainContext } from './chain-context.js';
import type { ChannelName, PinScope, Target } from './model.js';
import { SCOPES } from './model.js';
import type { OverrideClaims } from './override-token.js';

// What resolution answers, with or without its explanation: the types both paths share.

export const CONSIDERATION_OUTCOMES = [
  'matched',
  'no-subject', // the event names nobody at this scope
  'no-pin',
  'expired',
  'channel-empty',
  'version-unknown',
  'not-reached', // a more specific scope already matched
  'opted-out', // the component resolves afresh in chains (chain: "resolve")
  'outside-share', // a rollout runs, and the customer's bucket is not in its share
] as const;
export type ConsiderationOutcome = (typeof CONSIDERATION_OUTCOMES)[number];

/**
 * What decided the version, in precedence order: an override token, the chain the event continues, a pin's scope,
 * a rollout's share, or the default (stable).
 */
export const PIN_SOURCES = ['override', 'chain', ...SCOPES, 'rollout', 'default'] as const;
export type PinSource = (typeof PIN_SOURCES)[number];

export interface Consideration {
  scope: PinSource;
  subject: string | null;
  outcome: ConsiderationOutcome;
  /** What the pin (or the default) pointed at, when there was one. */
  pin?: { channel?: ChannelName; version?: string; expiresAt?: string; reason?: string };
  detail: string;
}

export type Resolution =
  | {
      resolved: true;
      component: string;
      version: string;
      channel: ChannelName | null;
      target: Target;
      source: PinSource;
      pin: { scope: PinScope; subject: string } | null;
      /** Set when a rollout's share decided: its percentage and the customer's bucket (0..9999). */
      rollout?: { percent: number; bucket: number };
      /** Set when an override decided: the token's subject, never the token. */
      override?: { subject?: string };
      considered: Consideration[];
    }
  | { resolved: false; component: string; reason: string; considered: Consideration[] };

/** What an event says about its versions beyond its routing attributes: an override token, and the chain it continues. */
export interface Directives {
  /** The override token the event carries itself, verified. */
  override?: OverrideClaims;
  /** The chain context the event carries back, verified. */
  chain?: ChainContext;
}

/** The explanation the fast path returns: none. Frozen, because the decision objects are shared by every event. */
export const NO_EXPLANATION: Consideration[] = Object.freeze([]) as unknown as Consideration[];

export function unregistered(component: string, considered: Consideration[]): Resolution {
  return { resolved: false, component, reason: `Component ${component} is not registered.`, considered };
}

/** Shared with the explaining path so both give the same words. */
export function noStableDetail(stable: string | undefined): string {
  return stable ? `The stable channel points at ${stable}, which is not registered.` : 'The stable channel points at no version.';
}

export function noStableReason(stable: string | undefined): string {
  const detail = noStableDetail(stable);
  return `No pin applies and ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`;
}
