import { ValidationError, VrouterError } from './errors.js';
import type { ReplayRequest } from './replay.js';
import type { RoutingSnapshot } from './snapshot.js';

/** The longest window one replay may cover: the event log's retention bounds it anyway. */
export const MAX_REPLAY_WINDOW_MS = 31 * 24 * 3_600_000;

/**
 * The rules a well-formed replay request must meet: `from` not after `to`, a window of at most 31 days that does
 * not reach past the log's retention (older events are gone, or going: a replay would see a partial log), a
 * filtered component that is registered (VR_COMPONENT_UNKNOWN), and an explicit target version that names its
 * component (versions belong to one) and is registered there (VR_VERSION_UNKNOWN). Throws ValidationError otherwise.
 */
export function assertReplayRules(request: ReplayRequest, snapshot: RoutingSnapshot, retentionSeconds: number, now: number): void {
  const from = Date.parse(request.from);
  const to = Date.parse(request.to);
  if (from > to) throw new ValidationError('from', 'from must not be after to.');
  if (to - from > MAX_REPLAY_WINDOW_MS) throw new ValidationError('from', 'A replay window is at most 31 days.');
  if (from < now - retentionSeconds * 1000) {
    throw new ValidationError('from', `from is older than the event log keeps (VROUTER_RETENTION_SECONDS = ${retentionSeconds}).`);
  }
  const { component } = request.filter;
  if (component && !snapshot.components.has(component)) {
    throw new VrouterError('VR_COMPONENT_UNKNOWN', `Component ${component} is not registered.`, { field: 'filter.component' });
  }
  // current and original name no version: each event's own (now, or first) decides.
  if (request.target === 'current' || request.target === 'original') return;
  const { version } = request.target;
  if (!component) throw new ValidationError('filter.component', 'A replay to an explicit version needs filter.component: versions belong to one component.');
  if (!snapshot.components.get(component)?.versions.has(version)) {
    throw new VrouterError('VR_VERSION_UNKNOWN', `Version ${version} of ${component} is not registered.`, { field: 'target.version' });
  }
}
