import { randomUUID } from 'node:crypto';
import {
  type DispatchRecord,
  type EventStore,
  NotFoundError,
  originalRoute,
  type ReplayJob,
  type ReplayStore,
  resolveVersion,
  type SnapshotCache,
  VrouterError,
} from '@vrouter/core';
import { parseReplayRequest } from './request.js';
import type { ReplayRunner } from './runner.js';
import { countSelection } from './selection.js';

const SAMPLE_SIZE = 10;

export interface ReplayView extends ReplayJob {
  remaining: number;
}

/** What the API says about a job: its state, counts and how much is left. */
export function view(job: ReplayJob): ReplayView {
  const { owner: _owner, leaseUntil: _leaseUntil, cursor: _cursor, ...rest } = job;
  return { ...rest, remaining: Math.max(0, job.counts.matched - job.counts.dispatched - job.counts.skipped) } as ReplayView;
}

/** Creates, reads and cancels replay jobs; running them is the ReplayRunner's. */
export class ReplayService {
  constructor(
    private readonly jobs: ReplayStore,
    private readonly events: EventStore,
    private readonly cache: SnapshotCache,
    private readonly runner: ReplayRunner,
    private readonly retentionSeconds: number,
  ) {}

  /**
   * Validates and records a job. A dry run counts the selection and returns a sample, dispatching nothing;
   * a real job starts on this router at once and resumes on any router after a restart.
   */
  async create(
    input: unknown,
    actor: string,
  ): Promise<{
    id: string;
    state: ReplayJob['state'];
    dryRun: boolean;
    matched?: number;
    /** `version`: where the event went first; `currentVersion`: where it would be routed now (null: nowhere). */
    sample?: (Pick<DispatchRecord, 'source' | 'id' | 'component' | 'version' | 'status' | 'customer' | 'receivedAt'> & { currentVersion: string | null })[];
  }> {
    const request = parseReplayRequest(input, this.cache.current(), this.retentionSeconds);
    const now = new Date().toISOString();
    const id = `rp_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    const job: ReplayJob = {
      id,
      state: 'running',
      request,
      createdAt: now,
      createdBy: actor,
      updatedAt: now,
      counts: { matched: 0, dispatched: 0, succeeded: 0, failed: 0, skipped: 0 },
    };
    if (request.dryRun) {
      const { matched, sample } = await countSelection(this.events, request, SAMPLE_SIZE);
      await this.jobs.createJob({ ...job, state: 'completed', counted: true, counts: { ...job.counts, matched } });
      const snapshot = this.cache.current();
      const shown = sample.map((record) => {
        const { source, id: eventId, component, status, customer, project, plan, receivedAt } = record;
        const now = resolveVersion(snapshot, component, { customer, project, plan });
        const version = originalRoute(record)?.version ?? null;
        return { source, id: eventId, component, version, currentVersion: now.resolved ? now.version : null, status, customer, receivedAt };
      });
      return { id, state: 'completed', dryRun: true, matched, sample: shown };
    }
    await this.jobs.createJob(job);
    this.runner.kick(id);
    return { id, state: 'running', dryRun: false };
  }

  async get(id: string): Promise<ReplayView> {
    const job = await this.jobs.getJob(id);
    if (!job) throw new NotFoundError(`Replay ${id}`);
    return view(job);
  }

  async list(): Promise<ReplayView[]> {
    return (await this.jobs.listJobs()).map(view);
  }

  async cancel(id: string): Promise<ReplayView> {
    const cancelled = await this.jobs.cancelJob(id);
    if (cancelled) return view(cancelled);
    const job = await this.jobs.getJob(id);
    if (!job) throw new NotFoundError(`Replay ${id}`);
    throw new VrouterError('VR_CONFLICT', `Replay ${id} is ${job.state}, not running.`);
  }
}
