import { ApiError, type ComponentHealth, type HealthWindow, type Rollout, type VrouterClient } from '@vrouter/client';

/** Per-version health as `GET /v1/health/versions` answers it, with its series for the sparkline. */
export type VersionHealth = ComponentHealth['versions'][number];

export type HealthAnswer = Omit<ComponentHealth, 'versions'> & { versions: VersionHealth[] };

export type RolloutView = Rollout;

export interface UiSettings {
  traceUrlTemplate?: string;
}

/** Reads that a router without the feature answers with 404: `undefined` then, so the page shows what it can. */
export async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

export function health(client: VrouterClient, component: string, window: HealthWindow = '1h'): Promise<HealthAnswer | undefined> {
  return optional(() => client.health.versions({ component, window }));
}

export function rollout(client: VrouterClient, component: string): Promise<RolloutView | undefined> {
  return optional(() => client.rollouts.get(component));
}

export async function uiSettings(): Promise<UiSettings> {
  const response = await fetch(new URL('config.json', window.location.href));
  return response.ok ? ((await response.json()) as UiSettings) : {};
}
