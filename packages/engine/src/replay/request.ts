import {
  assertComponentName,
  assertReplayRules,
  assertSubject,
  assertTimestamp,
  assertVersionName,
  isRecord,
  type ReplayFilter,
  type ReplayRequest,
  type RoutingSnapshot,
  ValidationError,
} from '@vrouter/core';
import { type Body, integer, only } from '../input.js';

/**
 * Reads `POST /v1/replays` into a ReplayRequest (shape, names, defaults), then applies core's replay rules
 * (assertReplayRules: window, retention, registered component and version). Throws ValidationError / VrouterError.
 */
export function parseReplayRequest(input: unknown, snapshot: RoutingSnapshot, retentionSeconds: number, now = Date.now()): ReplayRequest {
  if (!isRecord(input)) throw new ValidationError('body', 'The request body must be a JSON object.');
  const body = only(input, ['from', 'to', 'filter', 'target', 'dryRun', 'ratePerSecond', 'concurrency']);
  const from = assertTimestamp(body.from, 'from');
  const to = body.to === undefined ? new Date(now).toISOString() : assertTimestamp(body.to, 'to');
  const rawFilter = body.filter ?? {};
  if (!isRecord(rawFilter)) throw new ValidationError('filter', 'filter must be an object.');
  const f = only(rawFilter, ['component', 'customer', 'project', 'plan', 'version', 'status'], 'filter.');
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
  let target: ReplayRequest['target'] = 'current';
  if (body.target === 'original') {
    target = 'original';
  } else if (body.target !== undefined && body.target !== 'current') {
    if (!isRecord(body.target)) throw new ValidationError('target', 'target must be "current", "original" or { "version": "..." }.');
    const t: Body = only(body.target, ['version'], 'target.');
    target = { version: assertVersionName(t.version, 'target.version') };
  }
  const dryRun = body.dryRun ?? false;
  if (typeof dryRun !== 'boolean') throw new ValidationError('dryRun', 'dryRun must be true or false.');
  const request: ReplayRequest = {
    from,
    to,
    filter,
    target,
    dryRun,
    ratePerSecond: integer(body.ratePerSecond, 'ratePerSecond', 50, 1, 10_000),
    concurrency: integer(body.concurrency, 'concurrency', 4, 1, 256),
  };
  assertReplayRules(request, snapshot, retentionSeconds, now);
  return request;
}
