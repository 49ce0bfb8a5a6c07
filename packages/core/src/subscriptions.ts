import type { RoutingSnapshot } from './snapshot.js';

/** True when `type` is selected by `pattern`: `*` (all), `prefix.*` (the prefix and anything below it) or an exact type. */
export function subscriptionMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** The components that receive an event of `type`, in name order so dispatch order is deterministic. */
export function subscribedComponents(snapshot: RoutingSnapshot, type: string): string[] {
  const names: string[] = [];
  for (const [name, routing] of snapshot.components) {
    if (routing.component.subscriptions.some((pattern) => subscriptionMatches(pattern, type))) names.push(name);
  }
  return names.sort();
}
