import type { ChannelName, PinScope, Target } from './model.js';

// What resolution answers, with or without its explanation: the types both paths share.

export const CONSIDERATION_OUTCOMES = [
  'matched',
  'no-subject', // the event names nobody at this scope
  'no-pin',
  'expired',
  'channel-empty',
  'version-unknown',
  'not-reached', // a more specific scope already matched
] as const;
export type ConsiderationOutcome = (typeof CONSIDERATION_OUTCOMES)[number];

export interface Consideration {
  scope: PinScope | 'default';
  subject: string | null;
  outcome: ConsiderationOutcome;
  /** What the pin (or the default) pointed at, when there was one. */
  pin?: { channel?: ChannelName; version?: string; expiresAt?: string; reason?: string };
  detail: string;
}

export type PinSource = PinScope | 'default';

export type Resolution =
  | {
      resolved: true;
      component: string;
      version: string;
      channel: ChannelName | null;
      target: Target;
      source: PinSource;
      pin: { scope: PinScope; subject: string } | null;
      considered: Consideration[];
    }
  | { resolved: false; component: string; reason: string; considered: Consideration[] };

/** The explanation the fast path returns: none. Frozen, because the decision objects are shared by every event. */
export const NO_EXPLANATION: Consideration[] = Object.freeze([]) as unknown as Consideration[];

/** Shared with the explaining path so both give the same words. */
export function noStableDetail(stable: string | undefined): string {
  return stable ? `The stable channel points at ${stable}, which is not registered.` : 'The stable channel points at no version.';
}

export function noStableReason(stable: string | undefined): string {
  const detail = noStableDetail(stable);
  return `No pin applies and ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`;
}
