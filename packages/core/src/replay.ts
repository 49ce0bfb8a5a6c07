import type { DispatchStatus } from './ports.js';

/** Which logged dispatches a replay takes: a window plus filters (`status: 'failed'` by default). */
export interface ReplayFilter {
  component?: string;
  customer?: string;
  project?: string;
  plan?: string;
  version?: string;
  status: 'failed' | 'all';
}

export interface ReplayRequest {
  from: string;
  to: string;
  filter: ReplayFilter;
  /** `current`: the version each event would be routed to now; `original`: the one it was first dispatched to; or one explicit version. */
  target: 'current' | 'original' | { version: string };
  dryRun: boolean;
  /** Dispatches per second at most, for this job. */
  ratePerSecond: number;
  /** Dispatches in flight at most, for this job (events of one customer still go in order). */
  concurrency: number;
}

export const REPLAY_STATES = ['running', 'completed', 'cancelled', 'failed'] as const;
export type ReplayState = (typeof REPLAY_STATES)[number];

export interface ReplayCounts {
  matched: number;
  dispatched: number;
  succeeded: number;
  failed: number;
  /** Matched but not replayed: still in flight, already replayed by this job, or with no routable version. */
  skipped: number;
}

export interface ReplayJob {
  id: string;
  state: ReplayState;
  request: ReplayRequest;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  counts: ReplayCounts;
  /** Where the job goes on from after a restart (an opaque listDispatches cursor). */
  cursor?: string;
  /** True once `matched` is the full count of the selection. */
  counted?: boolean;
  owner?: string;
  leaseUntil?: string;
  error?: string;
}

export interface ReplayProgress {
  counts: ReplayCounts;
  cursor?: string | null;
  counted?: boolean;
  state?: ReplayState;
  leaseUntil: string;
  error?: string;
}

/** Durable replay jobs: a router restart resumes a running job from its cursor. */
export interface ReplayStore {
  createJob(job: ReplayJob): Promise<void>;
  getJob(id: string): Promise<ReplayJob | null>;
  /** Newest first. */
  listJobs(): Promise<ReplayJob[]>;
  /** Takes (or keeps) ownership of a running job whose lease ended or that `owner` already holds; null otherwise. */
  claimJob(id: string, owner: string, leaseUntil: string, now: string): Promise<ReplayJob | null>;
  /** Saves progress if `owner` still holds the job and it is still running; false when it was cancelled or taken. */
  saveProgress(id: string, owner: string, progress: ReplayProgress): Promise<boolean>;
  /** Cancels a running job; returns it as cancelled, or null when it was not running. */
  cancelJob(id: string): Promise<ReplayJob | null>;
}

/** The statuses a replay filter selects from the log. */
export const replayStatus = (filter: ReplayFilter): DispatchStatus | undefined => (filter.status === 'failed' ? 'failed' : undefined);
