import { VrouterError } from './errors.js';
import { errorRate, type HealthCounts } from './health.js';
import { differenceInterval, successesForConfidence } from './stats.js';

/**
 * Gated rollouts: a candidate version goes to a growing, sticky share of the customers no pin covers, step by step,
 * while a gate watches its health; failing the gate aborts, passing the last step makes the candidate stable.
 * Everything here is pure: the engine reads health and writes transitions with conditional writes.
 */

export const ROLLOUT_STATES = ['running', 'paused', 'aborted', 'completed'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

export const ROLLOUT_ACTIONS = ['start', 'advance', 'pause', 'resume', 'promote', 'abort', 'complete'] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** The side effects a finished rollout still owes the channels; cleared once done, redone by any router if not. */
export const ROLLOUT_EFFECTS = ['revert-channels', 'set-stable'] as const;
export type RolloutEffect = (typeof ROLLOUT_EFFECTS)[number];

/** Customers are placed in one of this many buckets; a step of p% takes buckets [0, p × 100). */
export const ROLLOUT_BUCKETS = 10_000;

export interface RolloutStep {
  percent: number;
  bakeSeconds: number;
}

export type PromoteAfter = { successes: number } | { targetErrorRate: number; confidence: number };

export interface RolloutGate {
  abortOnFirstError: boolean;
  /** Abort when the candidate's error rate exceeds this (0..1). */
  maxErrorRate?: number;
  /** Abort when the candidate's error rate exceeds stable's by more than this (0..1, absolute), at `confidence`. */
  maxErrorRateIncrease?: number;
  /** One-sided confidence of the relative bound, 0.5..0.9999. */
  confidence: number;
  /** No verdict (pass or fail on a rate) before the candidate (and, for the relative bound, stable) has this many dispatches. */
  minDispatches: number;
  promoteAfter?: PromoteAfter;
}

export interface RolloutFigures {
  dispatches: number;
  succeeded: number;
  failed: number;
  errorRate: number;
}

export interface RolloutDecision {
  at: string;
  action: RolloutAction;
  why: string;
  actor: string;
  /** A dry run's decision: recorded, nothing changed. */
  dryRun?: boolean;
  percent: number;
  candidate?: RolloutFigures;
  baseline?: RolloutFigures;
}

export interface Rollout {
  component: string;
  version: string;
  /** What stable pointed at when the rollout started: the baseline the gate compares against. */
  baseline: string | null;
  steps: RolloutStep[];
  gate: RolloutGate;
  dryRun: boolean;
  state: RolloutState;
  /** Index into steps. */
  step: number;
  stepStartedAt: string;
  startedAt: string;
  updatedAt: string;
  startedBy: string;
  reason?: string;
  forced?: boolean;
  /** Newest last, at most MAX_DECISIONS. */
  decisions: RolloutDecision[];
  /** Bumped by every transition; each write is conditional on the sequence it read, so one writer wins. */
  seq: number;
  pending?: RolloutEffect;
  /**
   * The candidate's and baseline's counts in the start minute before the rollout began: counters are per minute, so
   * they are subtracted to judge the rollout on its own dispatches.
   */
  countsAtStart?: { minute: string; candidate: RolloutFigures; baseline: RolloutFigures };
}

const MAX_DECISIONS = 100;

/**
 * The bucket of a customer for a component, 0..9999: FNV-1a over the pair, finished with murmur3's avalanche so that
 * nearby names spread out. Every router computes the same value; a step takes the buckets below its percentage, so
 * whoever is in at 5% is still in at 25%.
 */
export function rolloutBucket(component: string, customer: string): number {
  const text = `${component}\u0000${customer}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    h = Math.imul(h ^ (unit & 0xff), 0x01000193);
    h = Math.imul(h ^ (unit >>> 8), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % ROLLOUT_BUCKETS;
}

export const inRolloutShare = (percent: number, bucket: number): boolean => bucket < Math.round(percent * (ROLLOUT_BUCKETS / 100));

/** The share the rollout routes now: the current step's while it runs or is paused, else none. */
export function rolloutPercent(rollout: Pick<Rollout, 'state' | 'steps' | 'step'>): number {
  if (rollout.state === 'completed') return 100;
  if (rollout.state === 'aborted') return 0;
  return rollout.steps[rollout.step]?.percent ?? 0;
}

/**
 * Whether resolution gives this rollout's share the candidate: a dry run and a finished rollout route nothing, except
 * a completed one whose move of stable is still owed, which keeps routing everyone to the candidate until stable does.
 */
export const routesTraffic = (rollout: Rollout): boolean =>
  !rollout.dryRun && (rollout.state === 'running' || rollout.state === 'paused' || (rollout.state === 'completed' && rollout.pending === 'set-stable'));

export const isFinished = (rollout: Pick<Rollout, 'state'>): boolean => rollout.state === 'aborted' || rollout.state === 'completed';

/** The successes the candidate needs before the last step completes; 0 without promoteAfter. */
export function requiredSuccesses(gate: RolloutGate): number {
  const after = gate.promoteAfter;
  if (!after) return 0;
  return 'successes' in after ? after.successes : successesForConfidence(after.targetErrorRate, after.confidence);
}

export const figures = (counts: Pick<HealthCounts, 'dispatches' | 'succeeded' | 'failed'>): RolloutFigures => ({
  dispatches: counts.dispatches,
  succeeded: counts.succeeded,
  failed: counts.failed,
  errorRate: errorRate(counts),
});

/** Figures since the rollout started: `window` (from its start minute on) minus what the start minute held before. */
export function sinceStart(window: RolloutFigures, atStart: RolloutFigures | undefined): RolloutFigures {
  if (!atStart) return window;
  const dispatches = Math.max(0, window.dispatches - atStart.dispatches);
  const failed = Math.max(0, window.failed - atStart.failed);
  const succeeded = Math.max(0, window.succeeded - atStart.succeeded);
  return { dispatches, failed, succeeded, errorRate: dispatches === 0 ? 0 : failed / dispatches };
}

export type GateVerdict = { verdict: 'pass' | 'fail' | 'wait'; why: string };

const pct = (rate: number): string => `${(rate * 100).toFixed(rate < 0.001 && rate > 0 ? 3 : 2)}%`;

/**
 * The gate's verdict on the candidate's figures against the baseline's (both since the rollout started).
 * `fail` aborts; `pass` lets a baked step advance; `wait` (too few dispatches, or a relative test that cannot tell
 * yet) holds the step, and never promotes.
 *
 * Relative bound: with δ = maxErrorRateIncrease and c = confidence, the Agresti–Caffo interval for the difference of
 * failure rates d = p_cand − p_base (p̃ = (failed + 1) / (n + 2), se = √(p̃c(1 − p̃c)/(nc + 2) + p̃b(1 − p̃b)/(nb + 2)),
 * z = Φ⁻¹(c)): fail when p̃c − p̃b − z·se > δ (sure, at c, that the candidate is worse by more than δ); pass when
 * p̃c − p̃b + z·se ≤ δ (sure it is not); else wait.
 */
export function evaluateGate(gate: RolloutGate, candidate: RolloutFigures, baseline: RolloutFigures): GateVerdict {
  if (gate.abortOnFirstError && candidate.failed > 0) return { verdict: 'fail', why: `first error: ${candidate.failed} failed of ${candidate.dispatches} dispatches` };
  if (candidate.dispatches < gate.minDispatches) return { verdict: 'wait', why: `${candidate.dispatches} of ${gate.minDispatches} dispatches needed for a verdict` };
  if (gate.maxErrorRate !== undefined && candidate.errorRate > gate.maxErrorRate) {
    return { verdict: 'fail', why: `error rate ${pct(candidate.errorRate)} (${candidate.failed} of ${candidate.dispatches}) is above the maximum ${pct(gate.maxErrorRate)}` };
  }
  if (gate.maxErrorRateIncrease !== undefined) {
    if (baseline.dispatches < gate.minDispatches) return { verdict: 'wait', why: `baseline has ${baseline.dispatches} of ${gate.minDispatches} dispatches needed to compare` };
    const d = differenceInterval(candidate.failed, candidate.dispatches, baseline.failed, baseline.dispatches, gate.confidence);
    const vs = `candidate ${pct(candidate.errorRate)} vs baseline ${pct(baseline.errorRate)}; ${pct(gate.confidence)} bounds on the increase [${pct(d.low)}, ${pct(d.high)}]`;
    if (d.low > gate.maxErrorRateIncrease) return { verdict: 'fail', why: `error rate increase above ${pct(gate.maxErrorRateIncrease)}: ${vs}` };
    if (d.high > gate.maxErrorRateIncrease) return { verdict: 'wait', why: `cannot yet rule out an increase above ${pct(gate.maxErrorRateIncrease)}: ${vs}` };
  }
  return { verdict: 'pass', why: `healthy: ${candidate.failed} failed of ${candidate.dispatches}` };
}

export type Transition = { action: 'abort' | 'advance' | 'complete'; why: string } | { action: 'wait'; why: string };

/** What a running rollout does next at `now`, given its candidate's and baseline's figures. */
export function nextTransition(rollout: Rollout, candidate: RolloutFigures, baseline: RolloutFigures, now: number): Transition {
  if (rollout.state !== 'running') return { action: 'wait', why: `rollout is ${rollout.state}` };
  const gate = evaluateGate(rollout.gate, candidate, baseline);
  if (gate.verdict === 'fail') return { action: 'abort', why: gate.why };
  const step = rollout.steps[rollout.step]!;
  const baked = (now - Date.parse(rollout.stepStartedAt)) / 1000;
  if (baked < step.bakeSeconds) return { action: 'wait', why: `baking step ${rollout.step + 1} (${step.percent}%): ${Math.floor(baked)} of ${step.bakeSeconds} s` };
  if (gate.verdict === 'wait') return { action: 'wait', why: gate.why };
  if (rollout.step < rollout.steps.length - 1) {
    return {
      action: 'advance',
      why: `step ${rollout.step + 1} (${step.percent}%) baked ${step.bakeSeconds} s and the gate holds (${gate.why}); on to ${rollout.steps[rollout.step + 1]!.percent}%`,
    };
  }
  const required = requiredSuccesses(rollout.gate);
  if (candidate.succeeded < required) return { action: 'wait', why: `${candidate.succeeded} of ${required} successes needed to promote` };
  return { action: 'complete', why: `all ${rollout.steps.length} steps passed (${gate.why}); ${rollout.version} becomes stable` };
}

export interface TransitionInput {
  action: RolloutAction;
  why: string;
  actor: string;
  at: number;
  candidate?: RolloutFigures;
  baseline?: RolloutFigures;
}

/**
 * The rollout after a transition, with its decision recorded and its sequence bumped. Refuses a transition the
 * state does not allow (VR_ROLLOUT_FINISHED for a finished rollout, VR_CONFLICT otherwise).
 */
export function applyTransition(rollout: Rollout, input: TransitionInput): Rollout {
  const allowed: Record<RolloutAction, readonly RolloutState[]> = {
    start: [],
    advance: ['running'],
    complete: ['running'],
    pause: ['running'],
    resume: ['paused'],
    promote: ['running', 'paused'],
    abort: ['running', 'paused'],
  };
  if (!allowed[input.action].includes(rollout.state)) {
    if (isFinished(rollout)) throw new VrouterError('VR_ROLLOUT_FINISHED', `The rollout of ${rollout.version} to ${rollout.component} is ${rollout.state}; start a new one.`);
    throw new VrouterError('VR_CONFLICT', `The rollout of ${rollout.version} to ${rollout.component} is ${rollout.state}; it cannot ${input.action}.`);
  }
  const at = new Date(input.at).toISOString();
  const next: Rollout = { ...rollout, updatedAt: at, seq: rollout.seq + 1 };
  switch (input.action) {
    case 'advance':
      next.step = rollout.step + 1;
      next.stepStartedAt = at;
      break;
    case 'pause':
      next.state = 'paused';
      break;
    case 'resume':
      next.state = 'running';
      // The bake restarts: time spent paused was not watched as closely.
      next.stepStartedAt = at;
      break;
    case 'complete':
    case 'promote':
      next.state = 'completed';
      if (!rollout.dryRun) next.pending = 'set-stable';
      break;
    case 'abort':
      next.state = 'aborted';
      if (!rollout.dryRun) next.pending = 'revert-channels';
      break;
  }
  const decision: RolloutDecision = {
    at,
    action: input.action,
    why: input.why,
    actor: input.actor,
    percent: rolloutPercent(next),
    ...(rollout.dryRun ? { dryRun: true } : {}),
    ...(input.candidate ? { candidate: input.candidate } : {}),
    ...(input.baseline ? { baseline: input.baseline } : {}),
  };
  next.decisions = [...rollout.decisions, decision].slice(-MAX_DECISIONS);
  return next;
}

/** Stores rollouts (one per component: the current or last one) in the routing configuration. */
export interface RolloutStore {
  /** Writes a new rollout unless one is running or paused for the component (VR_ROLLOUT_ACTIVE). Bumps the revision. */
  create(rollout: Rollout): Promise<void>;
  /** Replaces the rollout if its stored sequence is still `expectedSeq`; false when another writer got there first. Bumps the revision. */
  replace(rollout: Rollout, expectedSeq: number): Promise<boolean>;
  /** A strongly consistent read; null when the component never had one. */
  get(component: string): Promise<Rollout | null>;
}
