import { REPLAY_STATES } from '@vrouter/core';
import { body, json, operation, pathParams } from './operation.js';
import { componentName, dispatchStatus, nullable, subjectId, timestamp, versionName } from './shapes.js';

const replayState = { type: 'string', enum: [...REPLAY_STATES] };
const replayId = pathParams({ id: { type: 'string', description: 'As returned by POST /v1/replays.' } });

const filter = {
  type: 'object',
  additionalProperties: false,
  properties: {
    component: componentName,
    customer: subjectId,
    project: subjectId,
    plan: subjectId,
    version: versionName,
    status: { type: 'string', enum: ['failed', 'all'], default: 'failed', description: 'Replay only failed dispatches, or all of them.' },
  },
};

const target = {
  description:
    '`current`: the version each event would be routed to now; `original`: the version it was first dispatched to, however pins moved since; or one registered version of `filter.component`.',
  oneOf: [
    { type: 'string', enum: ['current', 'original'] },
    { type: 'object', additionalProperties: false, required: ['version'], properties: { version: versionName } },
  ],
};

const counts = {
  type: 'object',
  additionalProperties: false,
  required: ['matched', 'dispatched', 'succeeded', 'failed', 'skipped'],
  properties: Object.fromEntries(['matched', 'dispatched', 'succeeded', 'failed', 'skipped'].map((name) => [name, { type: 'integer', minimum: 0 }])),
};

const replay = {
  title: 'Replay',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'state', 'request', 'createdAt', 'createdBy', 'updatedAt', 'counts', 'remaining'],
  properties: {
    id: { type: 'string' },
    state: replayState,
    request: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to', 'filter', 'target', 'dryRun', 'ratePerSecond', 'concurrency'],
      properties: {
        from: timestamp,
        to: timestamp,
        filter: { ...filter, required: ['status'] },
        target,
        dryRun: { type: 'boolean' },
        ratePerSecond: { type: 'integer' },
        concurrency: { type: 'integer' },
      },
    },
    createdAt: timestamp,
    createdBy: { type: 'string', description: 'The name of the token that started it.' },
    updatedAt: timestamp,
    counts,
    counted: { type: 'boolean', description: 'True once `matched` is the full count of the selection.' },
    error: { type: 'string' },
    remaining: { type: 'integer', minimum: 0 },
  },
};

export const createReplaySchema = operation({
  operationId: 'createReplay',
  summary: 'Replay logged events in a window',
  description:
    'Dispatches the logged events that match the filter again, at the current or an explicit version, at most `ratePerSecond` and `concurrency`. A dry run counts the selection and returns a sample, dispatching nothing.',
  tag: 'replays',
  body: body(
    {
      from: timestamp,
      to: { ...timestamp, description: 'Default: now. The window is at most 31 days.' },
      filter,
      target: { ...target, default: 'current' },
      dryRun: { type: 'boolean', default: false },
      ratePerSecond: { type: 'integer', minimum: 1, maximum: 10_000, default: 50 },
      concurrency: { type: 'integer', minimum: 1, maximum: 256, default: 4 },
    },
    ['from'],
  ),
  responses: {
    202: json('Started (or, for a dry run, counted).', {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'state', 'dryRun'],
      properties: {
        id: { type: 'string' },
        state: replayState,
        dryRun: { type: 'boolean' },
        matched: { type: 'integer', minimum: 0, description: 'Dry run: how many dispatches the selection holds.' },
        sample: {
          type: 'array',
          description: 'Dry run: the first few of them.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['source', 'id', 'component', 'version', 'status'],
            properties: {
              source: { type: 'string' },
              id: { type: 'string' },
              component: componentName,
              version: { ...nullable(versionName), description: 'The version the event was first dispatched to.' },
              currentVersion: { ...nullable(versionName), description: 'The version it would be routed to now (null: none).' },
              status: dispatchStatus,
              customer: subjectId,
              receivedAt: timestamp,
            },
          },
        },
      },
    }),
  },
});

export const listReplaysSchema = operation({
  operationId: 'listReplays',
  summary: 'Every replay, newest first',
  tag: 'replays',
  responses: { 200: json('The replays.', { type: 'object', additionalProperties: false, required: ['replays'], properties: { replays: { type: 'array', items: replay } } }) },
});

export const getReplaySchema = operation({
  operationId: 'getReplay',
  summary: 'One replay: its state and counts',
  tag: 'replays',
  params: replayId,
  responses: { 200: json('The replay.', replay) },
});

export const cancelReplaySchema = operation({
  operationId: 'cancelReplay',
  summary: 'Cancel a running replay',
  description: '409 VR_CONFLICT when the replay is no longer running.',
  tag: 'replays',
  params: replayId,
  responses: { 200: json('The replay, cancelled.', replay) },
});
