import {
  assertComponentName,
  DEFAULT_HEALTH_WINDOW,
  emptyCounts,
  HEALTH_WINDOWS,
  type HealthStore,
  type HealthWindow,
  minuteOf,
  NotFoundError,
  type SnapshotCache,
  healthSeries,
  seriesStepMinutes,
  sumHealthMinutes,
  summarizeHealth,
  ValidationError,
  type VersionHealth,
  windowStart,
} from '@vrouter/core';

export interface ComponentHealth {
  component: string;
  window: HealthWindow;
  from: string;
  /** Minutes per point of each version's series. */
  seriesStepMinutes: number;
  versions: VersionHealth[];
}

export function parseHealthWindow(value: string | undefined): HealthWindow {
  if (value === undefined || value === '') return DEFAULT_HEALTH_WINDOW;
  if (!(value in HEALTH_WINDOWS)) throw new ValidationError('window', `window must be one of ${Object.keys(HEALTH_WINDOWS).join(', ')}.`);
  return value as HealthWindow;
}

/** Health per version of a component over a window, from the counters every router adds to. */
export class HealthService {
  constructor(
    private readonly store: HealthStore,
    private readonly cache: Pick<SnapshotCache, 'current'>,
  ) {}

  async component(name: string, window: HealthWindow = DEFAULT_HEALTH_WINDOW, now: number = Date.now()): Promise<ComponentHealth> {
    const component = assertComponentName(name, 'component');
    const routing = this.cache.current().components.get(component);
    if (!routing) throw new NotFoundError(`Component ${component}`, 'VR_COMPONENT_UNKNOWN');
    const minutes = HEALTH_WINDOWS[window];
    const from = windowStart(now, minutes);
    const byMinute = await this.store.readMinutes(component, from, minuteOf(now));
    const counts = sumHealthMinutes(byMinute);
    const names = new Set([...routing.versions.keys(), ...counts.keys()]);
    const channelsOf = (version: string) =>
      Object.entries(routing.channels)
        .filter(([, v]) => v === version)
        .map(([c]) => c);
    const versions = [...names]
      .sort()
      .map((version) => summarizeHealth(version, channelsOf(version), counts.get(version) ?? emptyCounts(), healthSeries(byMinute.get(version), now, minutes)));
    return { component, window, from: `${from}:00.000Z`, seriesStepMinutes: seriesStepMinutes(minutes), versions };
  }
}
