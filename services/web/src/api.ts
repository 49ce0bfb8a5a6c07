import { ApiError, type VrouterClient } from '@vrouter/client';

/** Per-version health as `GET /v1/health/versions` answers it (shape per the contract). */
export interface VersionHealth {
  version: string;
  channels: string[];
  dispatches: number;
  succeeded: number;
  failed: number;
  errorRate: number | null;
  latencyMs?: { p50: number | null; p99: number | null };
  /** Oldest first, one entry per minute of the window, when the router provides it. */
  perMinute?: { at: string; dispatches: number; failed: number }[];
}

export interface HealthAnswer {
  component: string;
  window: string;
  versions: VersionHealth[];
}

export interface RolloutView {
  version: string;
  state: 'running' | 'paused' | 'aborted' | 'completed';
  step: number;
  percent: number;
  steps?: { percent: number; bakeSeconds?: number }[];
  candidate: { dispatches: number; failed: number; errorRate: number | null };
  baseline: { dispatches: number; failed: number; errorRate: number | null };
  requiredSuccesses?: number;
  gate?: Record<string, unknown>;
  decisions: { at: string; action: string; why: string }[];
}

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

export function health(client: VrouterClient, component: string, window = '1h'): Promise<HealthAnswer | undefined> {
  return optional(() => client.health.versions({ component, window }) as Promise<HealthAnswer>);
}

export function rollout(client: VrouterClient, component: string): Promise<RolloutView | undefined> {
  return optional(() => client.rollouts.get(component) as Promise<RolloutView>);
}

export async function uiSettings(): Promise<UiSettings> {
  const response = await fetch(new URL('config.json', window.location.href));
  return response.ok ? ((await response.json()) as UiSettings) : {};
}
