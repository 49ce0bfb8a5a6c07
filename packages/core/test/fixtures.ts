import { buildSnapshot, type ChannelName, type Pin, type RoutingSnapshot, type SnapshotParts } from '../src/index.js';

const at = '2026-01-01T00:00:00.000Z';

/** A snapshot of one component `svc` with versions v1..v3 and the given channels, pins and customers. */
export function snapshotWith(options: {
  channels?: Partial<Record<ChannelName, string>>;
  pins?: Omit<Pin, 'createdAt' | 'component'>[];
  customers?: SnapshotParts['customers'];
  projects?: SnapshotParts['projects'];
  versions?: string[];
  served?: string[];
}): RoutingSnapshot {
  const versions = options.versions ?? ['v1', 'v2', 'v3'];
  const channels = options.channels ?? { stable: 'v1', beta: 'v2', experimental: 'v3' };
  return buildSnapshot({
    revision: 1,
    components: [{ name: 'svc', subscriptions: ['build.*'], createdAt: at, updatedAt: at }],
    versions: versions.map((name) => ({
      component: 'svc',
      name,
      registeredAt: at,
      target: { kind: 'lambda', functionName: 'svc', qualifier: name.slice(1), invocationType: 'RequestResponse' },
    })),
    channels: Object.entries(channels).map(([channel, version]) => ({ component: 'svc', channel: channel as ChannelName, version: version as string })),
    pins: (options.pins ?? []).map((pin) => ({ ...pin, component: 'svc', createdAt: at }) as Pin),
    customers: options.customers ?? [],
    projects: options.projects ?? [],
    served: (options.served ?? []).map((version) => ({ component: 'svc', version })),
  });
}
