import type { ChannelMap, EventRow, Pin, Target } from '@vrouter/client';
import { CHANNELS } from '@vrouter/core';

/** One short line for a target: `lambda fn:3`, `lambda fn:3 (async)`, `http https://... (10000 ms)`, `ecs cluster task:4 container`. */
export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'lambda':
      return `lambda ${target.functionName}:${target.qualifier}${target.invocationType === 'Event' ? ' (async)' : ''}`;
    case 'http':
      return `http ${target.url}${target.timeoutMs ? ` (${target.timeoutMs} ms)` : ''}`;
    case 'ecs':
      return `ecs ${target.cluster} ${target.taskDefinition} ${target.containerName}`;
    default:
      return JSON.stringify(target);
  }
}

/** `channel beta` or `version v24`. */
export const describePinTarget = (pin: Pin): string => (pin.channel !== undefined ? `channel ${pin.channel}` : `version ${pin.version}`);

/** The channels that point at `version`, e.g. `stable,beta`. */
export const channelsOf = (channels: ChannelMap, version: string): string => CHANNELS.filter((c) => channels[c] === version).join(',');

const MAX_ERROR = 80;

/** `VR_TARGET_ERROR: boom`, cut at MAX_ERROR characters; undefined when there is none. */
export function describeError(error: EventRow['lastError']): string | undefined {
  if (!error) return undefined;
  const text = `${error.code}: ${error.message}`;
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text;
}
