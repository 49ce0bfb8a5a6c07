import {
  assertComponentName,
  assertSubject,
  assertTimestamp,
  assertVersionName,
  type ReplayFilter,
  type ReplayRequest,
  type RoutingSnapshot,
  ValidationError,
  VrouterError,
} from '@vrouter/core';
import { type Body, integer, only } from '../input.js';

/** The longest window one replay may cover: the event log's retention bounds it anyway. */
const MAX_WINDOW_MS = 31 * 24 * 3_600_000;

/**
 * Validates `POST /v1/replays`. An explicit target version must be registered for the filtered component, and
 * needs one (an event's other components have other versions). Throws ValidationError / VrouterError.
 */
export function parseReplayRequest(input: unknown, snapshot: RoutingSnapshot, retentionSeconds: number, now = Date.now()): ReplayRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ValidationError('body', 'The request body must be a JSON object.');
  const body = only(input as Body, ['from', 'to', 'filter', 'target', 'dryRun', 'ratePerSecond', 'concurrency']);
  const from = assertTimestamp(body.from, 'from');
  const to = body.to === undefined ? new Date(now).toISOString() : assertTimestamp(body.to, 'to');
  if (Date.parse(from) > Date.parse(to)) throw new ValidationError('from', 'from must not be after to.');
  if (Date.parse(to) - Date.parse(from) > MAX_WINDOW_MS) throw new ValidationError('from', 'A replay window is at most 31 days.');
  // Older events are gone (or going: TTL deletes lazily); a window reaching past retention would replay a partial log.
  if (Date.parse(from) < now - retentionSeconds * 1000) {
    throw new ValidationError('from', `from is older than the event log keeps (VROUTER_RETENTION_SECONDS = ${retentionSeconds}).`);
  }
  const rawFilter = body.filter ?? {};
  if (typeof rawFilter !== 'object' || rawFilter === null || Array.isArray(rawFilter)) throw new ValidationError('filter', 'filter must be an object.');
  const f = only(rawFilter as Body, ['component', 'customer', 'project', 'plan', 'version', 'status'], 'filter.');
  const status = f.status ?? 'failed';
  if (status !== 'failed' && status !== 'all') throw new ValidationError('filter.status', 'filter.status must be "failed" or "all".');
  const filter: ReplayFilter = {
    status,
    ...(f.component !== undefined ? { component: assertComponentName(f.component, 'filter.component') } : {}),
    ...(f.customer !== undefined ? { customer: assertSubject(f.customer, 'filter.customer') } : {}),
    ...(f.project !== undefined ? { project: assertSubject(f.project, 'filter.project') } : {}),
    ...(f.plan !== undefined ? { plan: assertSubject(f.plan, 'filter.plan') } : {}),
    ...(f.version !== undefined ? { version: assertVersionName(f.version, 'filter.version') } : {}),
  };
  if (filter.component && !snapshot.components.has(filter.component)) {
    throw new VrouterError('VR_COMPONENT_UNKNOWN', `Component ${filter.component} is not registered.`, { field: 'filter.component' });
  }
  let target: ReplayRequest['target'] = 'current';
  if (body.target === 'original') {
    target = 'original';
  } else if (body.target !== undefined && body.target !== 'current') {
    const t = body.target as Body;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new ValidationError('target', 'target must be "current", "original" or { "version": "..." }.');
    only(t, ['version'], 'target.');
    const version = assertVersionName(t.version, 'target.version');
    if (!filter.component) throw new ValidationError('filter.component', 'A replay to an explicit version needs filter.component: versions belong to one component.');
    if (!snapshot.components.get(filter.component)?.versions.has(version)) {
      throw new VrouterError('VR_VERSION_UNKNOWN', `Version ${version} of ${filter.component} is not registered.`, { field: 'target.version' });
    }
    target = { version };
  }
  const dryRun = body.dryRun ?? false;
  if (typeof dryRun !== 'boolean') throw new ValidationError('dryRun', 'dryRun must be true or false.');
  return {
    from,
    to,
    filter,
    target,
    dryRun,
    ratePerSecond: integer(body.ratePerSecond, 'ratePerSecond', 50, 1, 10_000),
    concurrency: integer(body.concurrency, 'concurrency', 4, 1, 256),
  };
}
