import { ROLLOUT_ACTIONS, ROLLOUT_STATES } from '@vrouter/core';
import { body, json, operation, pathParams, query } from './operation.js';
import { componentName, force, reason, timestamp, versionHealth, versionName } from './shapes.js';

const componentParam = pathParams({ component: componentName });
const rate = { type: 'number', minimum: 0, maximum: 1 };
const step = {
  type: 'object',
  additionalProperties: false,
  required: ['percent'],
  properties: {
    percent: { type: 'number', exclusiveMinimum: 0, maximum: 100, description: 'Share of the customers no pin covers; each step above the one before.' },
    bakeSeconds: { type: 'integer', minimum: 0, maximum: 604_800, default: 300, description: 'How long the step runs, gate holding, before the next.' },
  },
};
const gate = {
  type: 'object',
  additionalProperties: false,
  description: 'At least one bound (abortOnFirstError, maxErrorRate, maxErrorRateIncrease), unless `force` with a `reason`.',
  properties: {
    abortOnFirstError: { type: 'boolean', default: false, description: 'Abort within about 2 s of the candidate’s first failed live dispatch.' },
    maxErrorRate: { ...rate, description: 'Abort when the candidate’s error rate is above this.' },
    maxErrorRateIncrease: {
      ...rate,
      description:
        'Abort when, at `confidence`, the candidate’s error rate exceeds stable’s by more than this (absolute); advance only once the test can rule that out (Agresti–Caffo interval for the difference).',
    },
    confidence: { type: 'number', minimum: 0.5, maximum: 0.9999, default: 0.95 },
    minDispatches: { type: 'integer', minimum: 0, default: 100, description: 'No verdict on a rate before this many dispatches; until then the step waits.' },
    promoteAfter: {
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['successes'], properties: { successes: { type: 'integer', minimum: 1 } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['targetErrorRate', 'confidence'],
          description: 'n = ln(1 − confidence) / ln(1 − targetErrorRate) successes: 69,075 to be 99.9% sure of seeing a 1-in-10,000 error.',
          properties: { targetErrorRate: { type: 'number', exclusiveMinimum: 0, maximum: 0.5 }, confidence: { type: 'number', minimum: 0.5, maximum: 0.99999 } },
        },
      ],
    },
  },
};
const rolloutFigures = {
  type: 'object',
  additionalProperties: false,
  required: ['dispatches', 'succeeded', 'failed', 'errorRate'],
  properties: { dispatches: { type: 'integer' }, succeeded: { type: 'integer' }, failed: { type: 'integer' }, errorRate: rate },
};
const decision = {
  type: 'object',
  additionalProperties: false,
  required: ['at', 'action', 'why', 'actor', 'percent'],
  properties: {
    at: timestamp,
    action: { type: 'string', enum: [...ROLLOUT_ACTIONS] },
    why: { type: 'string' },
    actor: { type: 'string' },
    percent: { type: 'number' },
    dryRun: { type: 'boolean', description: 'A dry run’s decision: recorded, nothing changed.' },
    candidate: rolloutFigures,
    baseline: rolloutFigures,
  },
};
const rolloutView = {
  title: 'Rollout',
  type: 'object',
  additionalProperties: false,
  required: [
    'component',
    'version',
    'baselineVersion',
    'state',
    'dryRun',
    'step',
    'percent',
    'steps',
    'gate',
    'startedAt',
    'stepStartedAt',
    'updatedAt',
    'startedBy',
    'candidate',
    'baseline',
    'decisions',
  ],
  properties: {
    component: componentName,
    version: versionName,
    baselineVersion: { type: ['string', 'null'], description: 'What stable pointed at when the rollout started.' },
    state: { type: 'string', enum: [...ROLLOUT_STATES] },
    dryRun: { type: 'boolean' },
    step: { type: 'integer', minimum: 0, description: '0-based index into steps.' },
    percent: { type: 'number', description: 'The share routed to the candidate now (0 once aborted, 100 once completed).' },
    steps: { type: 'array', items: step },
    gate,
    startedAt: timestamp,
    stepStartedAt: timestamp,
    updatedAt: timestamp,
    startedBy: { type: 'string' },
    reason: { type: 'string' },
    candidate: { ...rolloutFigures, description: 'Live dispatches of the candidate since the rollout started.' },
    baseline: { ...rolloutFigures, description: 'Live dispatches of the baseline (stable at the start) since the rollout started.' },
    requiredSuccesses: { type: 'integer', description: 'Successes needed before the last step completes (promoteAfter).' },
    progress: {
      type: 'object',
      additionalProperties: false,
      required: ['successes', 'required', 'fraction'],
      properties: { successes: { type: 'integer' }, required: { type: 'integer' }, fraction: { type: 'number', minimum: 0, maximum: 1 } },
    },
    next: {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'why'],
      description: 'What the gate says now: why the rollout waits, or what it is about to do.',
      properties: { action: { type: 'string' }, why: { type: 'string' } },
    },
    decisions: { type: 'array', items: decision, description: 'Oldest first; the last 100.' },
  },
};

export const putRolloutSchema = operation({
  operationId: 'putRollout',
  summary: 'Start a gated rollout of a version',
  description:
    'At each step a sticky share of the customers no pin covers (by a hash of customer and component, the same on every router, monotone) goes to `version`, the rest to stable. Precedence: project > customer > plan > rollout > stable. Failing the gate aborts: the share drops to 0 and every channel on the candidate returns to its previous version. After the last step (and `promoteAfter`), stable becomes the candidate.',
  tag: 'rollouts',
  params: componentParam,
  body: body({ version: versionName, steps: { type: 'array', minItems: 1, maxItems: 20, items: step }, gate, dryRun: { type: 'boolean', default: false }, force, reason }, [
    'version',
    'steps',
    'gate',
  ]),
  responses: { 201: json('The rollout as started.', rolloutView) },
});

export const getRolloutSchema = operation({
  operationId: 'getRollout',
  summary: 'The current or last rollout, with the candidate against the baseline',
  tag: 'rollouts',
  params: componentParam,
  responses: { 200: json('The rollout.', rolloutView) },
});

const manual = (action: string, summary: string) =>
  operation({
    operationId: `${action}Rollout`,
    summary,
    tag: 'rollouts',
    params: componentParam,
    body: body({ reason }),
    responses: { 200: json('The rollout after the change.', rolloutView) },
  });

export const pauseRolloutSchema = manual('pause', 'Hold the rollout at its step (the share stays); 409 once finished');
export const resumeRolloutSchema = manual('resume', 'Resume a paused rollout; the step bakes again from now');
export const promoteRolloutSchema = manual('promote', 'Finish now: stable becomes the candidate');
export const abortRolloutSchema = manual('abort', 'Abort: share to 0, every channel on the candidate back to its previous version');

export const versionHealthSchema = operation({
  operationId: 'versionHealth',
  summary: 'Health per version of a component',
  description: 'Counted from the terminal outcomes of live dispatches (not replays or shadows), shared by every router, current within about 10 s.',
  tag: 'rollouts',
  querystring: query({ component: componentName, window: { type: 'string', enum: ['5m', '1h', '24h'], default: '1h' } }, ['component']),
  responses: {
    200: json('Health per version.', {
      type: 'object',
      additionalProperties: false,
      required: ['component', 'window', 'from', 'versions'],
      properties: { component: componentName, window: { type: 'string' }, from: timestamp, versions: { type: 'array', items: versionHealth } },
    }),
  },
});
