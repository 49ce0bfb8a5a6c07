import { Type } from '@sinclair/typebox';
import { HEALTH_SERIES_POINTS, HEALTH_WINDOWS, ROLLOUT_ACTIONS, ROLLOUT_STATES } from '@vrouter/core';
import { ChannelName, ComponentName, closed, Force, nullable, Reason, ref, Timestamp, VersionName } from './common.js';

/**
 * Version health and gated rollouts. Step percentages and the number of steps are checked by the rollout service,
 * not here, so a bad step is refused with its own code (VR_ROLLOUT_STEPS_INVALID) rather than VR_VALIDATION.
 */

const Rate = (description?: string) => Type.Number({ minimum: 0, maximum: 1, ...(description ? { description } : {}) });

export const HealthWindow = closed(Object.keys(HEALTH_WINDOWS) as (keyof typeof HEALTH_WINDOWS)[], { description: 'Default: `1h`.' });

/** `GET /v1/health/versions?component=&window=`. */
export const HealthQuery = Type.Object({ component: ComponentName, window: Type.Optional(HealthWindow) }, { $id: 'HealthQuery', additionalProperties: false });

export const HealthPoint = Type.Object(
  {
    at: Type.String({ format: 'date-time', description: "The step's first minute." }),
    dispatches: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
  },
  { $id: 'HealthPoint', additionalProperties: false },
);

export const VersionHealth = Type.Object(
  {
    version: VersionName,
    channels: Type.Array(ChannelName, { description: 'The channels that point at this version now.' }),
    dispatches: Type.Integer({ minimum: 0, description: 'Terminal outcomes of live dispatches (not replays or shadows) in the window.' }),
    succeeded: Type.Integer({ minimum: 0, description: 'Succeeded, or handed off (asynchronous targets).' }),
    failed: Type.Integer({ minimum: 0 }),
    errorRate: Rate(),
    latencyMs: Type.Object(
      { p50: nullable(Type.Number()), p99: nullable(Type.Number()) },
      {
        additionalProperties: false,
        description: 'From the start of a dispatch (retries included) to its outcome; the upper bound of the bucket the quantile falls in.',
      },
    ),
    series: Type.Array(ref(HealthPoint), {
      maxItems: HEALTH_SERIES_POINTS,
      description: 'The window in equal steps (`seriesStepMinutes` each), oldest first, every step present: what a sparkline draws.',
    }),
  },
  { $id: 'VersionHealth', additionalProperties: false },
);

/** `GET /v1/health/versions`: health per version of one component over a window. */
export const ComponentHealth = Type.Object(
  {
    component: ComponentName,
    window: HealthWindow,
    from: Timestamp,
    seriesStepMinutes: Type.Integer({ minimum: 1, description: 'Minutes per point of each series: 1 for `5m` and `1h`, 24 for `24h`.' }),
    versions: Type.Array(ref(VersionHealth)),
  },
  { $id: 'ComponentHealth', additionalProperties: false },
);

export const RolloutStep = Type.Object(
  {
    percent: Type.Number({
      description: 'Share of the customers no pin covers, above 0 and at most 100 in steps of 0.01; each step above the one before (else VR_ROLLOUT_STEPS_INVALID).',
    }),
    bakeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 604_800, description: 'How long the step runs, gate holding, before the next. Default: 300.' })),
  },
  { $id: 'RolloutStep', additionalProperties: false },
);

export const PromoteAfter = Type.Union(
  [
    Type.Object({ successes: Type.Integer({ minimum: 1, maximum: 100_000_000 }) }, { additionalProperties: false }),
    Type.Object(
      {
        targetErrorRate: Type.Number({ exclusiveMinimum: 0, maximum: 0.5 }),
        confidence: Type.Number({ minimum: 0.5, maximum: 0.99999 }),
      },
      {
        additionalProperties: false,
        description: 'n = ln(1 − confidence) / ln(1 − targetErrorRate) successes: 69,075 to be 99.9% sure of seeing a 1-in-10,000 error.',
      },
    ),
  ],
  { $id: 'PromoteAfter', description: 'Successes of the candidate needed before the last step completes.' },
);

export const RolloutGate = Type.Object(
  {
    abortOnFirstError: Type.Optional(Type.Boolean({ description: 'Abort within about 2 s of the candidate’s first failed live dispatch. Default: false.' })),
    maxErrorRate: Type.Optional(Rate('Abort when the candidate’s error rate is above this.')),
    maxErrorRateIncrease: Type.Optional(
      Rate(
        'Abort when, at `confidence`, the candidate’s error rate exceeds stable’s by more than this (absolute); advance only once the test can rule that out (Agresti–Caffo interval for the difference).',
      ),
    ),
    confidence: Type.Optional(Type.Number({ minimum: 0.5, maximum: 0.9999, description: 'Default: 0.95.' })),
    minDispatches: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'No verdict on a rate before this many dispatches; until then the step waits. Default: 100.' }),
    ),
    promoteAfter: Type.Optional(ref(PromoteAfter)),
  },
  {
    $id: 'RolloutGate',
    additionalProperties: false,
    description: 'At least one bound (abortOnFirstError, maxErrorRate, maxErrorRateIncrease), unless `force` with a `reason` (else VR_ROLLOUT_GATE_EMPTY).',
  },
);

/** `PUT /v1/components/{component}/rollout`. */
export const RolloutInput = Type.Object(
  {
    version: VersionName,
    steps: Type.Array(ref(RolloutStep), { description: '1 to 20 steps, percentages strictly increasing.' }),
    gate: ref(RolloutGate),
    dryRun: Type.Optional(Type.Boolean({ description: 'Record every decision it would take and change nothing. Default: false.' })),
    force: Type.Optional(Force),
    reason: Type.Optional(nullable(Reason)),
  },
  { $id: 'RolloutInput', additionalProperties: false },
);

/** `POST /v1/components/{component}/rollout/pause|resume|promote|abort`. */
export const RolloutActionInput = Type.Object({ reason: Type.Optional(nullable(Reason)) }, { $id: 'RolloutActionInput', additionalProperties: false });

export const RolloutAction = closed(ROLLOUT_ACTIONS);
export const RolloutState = closed(ROLLOUT_STATES);

export const RolloutFigures = Type.Object(
  { dispatches: Type.Integer(), succeeded: Type.Integer(), failed: Type.Integer(), errorRate: Rate() },
  { $id: 'RolloutFigures', additionalProperties: false },
);

export const RolloutDecision = Type.Object(
  {
    at: Timestamp,
    action: RolloutAction,
    why: Type.String(),
    actor: Type.String(),
    percent: Type.Number(),
    dryRun: Type.Optional(Type.Boolean({ description: 'A dry run’s decision: recorded, nothing changed.' })),
    candidate: Type.Optional(ref(RolloutFigures)),
    baseline: Type.Optional(ref(RolloutFigures)),
  },
  { $id: 'RolloutDecision', additionalProperties: false },
);

/** `GET /v1/components/{component}/rollout`: the current or last rollout, with the candidate against the baseline. */
export const Rollout = Type.Object(
  {
    component: ComponentName,
    version: VersionName,
    baselineVersion: nullable(VersionName, { description: 'What stable pointed at when the rollout started.' }),
    state: RolloutState,
    dryRun: Type.Boolean(),
    step: Type.Integer({ minimum: 0, description: '0-based index into steps.' }),
    percent: Type.Number({ description: 'The share routed to the candidate now (0 once aborted, 100 once completed).' }),
    steps: Type.Array(Type.Object({ percent: Type.Number(), bakeSeconds: Type.Integer() }, { additionalProperties: false }), { description: 'As started, with defaults applied.' }),
    gate: Type.Object(
      {
        abortOnFirstError: Type.Boolean(),
        maxErrorRate: Type.Optional(Type.Number()),
        maxErrorRateIncrease: Type.Optional(Type.Number()),
        confidence: Type.Number(),
        minDispatches: Type.Integer(),
        promoteAfter: Type.Optional(ref(PromoteAfter)),
      },
      { additionalProperties: false, description: 'As started, with defaults applied.' },
    ),
    startedAt: Timestamp,
    stepStartedAt: Timestamp,
    updatedAt: Timestamp,
    startedBy: Type.String(),
    reason: Type.Optional(Type.String()),
    candidate: ref(RolloutFigures, { description: 'Live dispatches of the candidate since the rollout started.' }),
    baseline: ref(RolloutFigures, { description: 'Live dispatches of the baseline (stable at the start) since the rollout started.' }),
    requiredSuccesses: Type.Optional(Type.Integer({ description: 'Successes needed before the last step completes (promoteAfter).' })),
    progress: Type.Optional(
      Type.Object({ successes: Type.Integer(), required: Type.Integer(), fraction: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false }),
    ),
    next: Type.Optional(
      Type.Object(
        { action: Type.String(), why: Type.String() },
        { additionalProperties: false, description: 'What the gate says now: why the rollout waits, or what it is about to do.' },
      ),
    ),
    decisions: Type.Array(ref(RolloutDecision), { description: 'Oldest first; the last 100.' }),
  },
  { $id: 'Rollout', additionalProperties: false },
);
