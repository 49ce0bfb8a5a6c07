import { Type } from '@sinclair/typebox';
import { REPLAY_STATES } from '@vrouter/core';
import { ComponentName, closed, DispatchStatus, nullable, ref, SubjectId, Timestamp, VersionName } from './common.js';

export const ReplayState = closed(REPLAY_STATES, { $id: 'ReplayState' });

const filterFields = {
  component: Type.Optional(ComponentName),
  customer: Type.Optional(SubjectId),
  project: Type.Optional(SubjectId),
  plan: Type.Optional(SubjectId),
  version: Type.Optional(VersionName),
};
const FilterStatus = closed(['failed', 'all'] as const, { description: 'Replay only failed dispatches, or all of them. Default: failed.' });

/** Which logged dispatches a replay takes. */
export const ReplayFilterInput = Type.Object({ ...filterFields, status: Type.Optional(FilterStatus) }, { $id: 'ReplayFilterInput', additionalProperties: false });

export const ReplayTarget = Type.Union([Type.Literal('current'), Type.Literal('original'), Type.Object({ version: VersionName }, { additionalProperties: false })], {
  $id: 'ReplayTarget',
  description:
    '`current`: the version each event would be routed to now; `original`: the version it was first dispatched to, however pins moved since; or one registered version of `filter.component`.',
});

/** `POST /v1/replays`. The window (`from`, `to`) is at most 31 days and within the event log's retention. */
export const ReplayInput = Type.Object(
  {
    from: Timestamp,
    to: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339. Default: now.' })),
    filter: Type.Optional(ref(ReplayFilterInput)),
    target: Type.Optional(ref(ReplayTarget, { description: 'Default: current.' })),
    dryRun: Type.Optional(Type.Boolean({ description: 'Count the selection and return a sample; dispatch nothing. Default: false.' })),
    ratePerSecond: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Default: 50.' })),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 256, description: 'Default: 4.' })),
  },
  { $id: 'ReplayInput', additionalProperties: false },
);

export const ReplaySampleItem = Type.Object(
  {
    source: Type.String(),
    id: Type.String(),
    component: ComponentName,
    version: nullable(VersionName, { description: 'The version the event was first dispatched to.' }),
    currentVersion: nullable(VersionName, { description: 'The version it would be routed to now (null: none).' }),
    status: DispatchStatus,
    customer: Type.Optional(SubjectId),
    receivedAt: Type.Optional(Timestamp),
  },
  { $id: 'ReplaySampleItem', additionalProperties: false },
);

export const ReplayCreated = Type.Object(
  {
    id: Type.String(),
    state: ref(ReplayState),
    dryRun: Type.Boolean(),
    matched: Type.Optional(Type.Integer({ minimum: 0, description: 'Dry run: how many dispatches the selection holds.' })),
    sample: Type.Optional(Type.Array(ref(ReplaySampleItem), { description: 'Dry run: the first few of them.' })),
  },
  { $id: 'ReplayCreated', additionalProperties: false },
);

const COUNT_NAMES = ['matched', 'dispatched', 'succeeded', 'failed', 'skipped'] as const;
export const ReplayCounts = Type.Object(
  Object.fromEntries(COUNT_NAMES.map((name) => [name, Type.Integer({ minimum: 0 })])) as Record<(typeof COUNT_NAMES)[number], ReturnType<typeof Type.Integer>>,
  {
    $id: 'ReplayCounts',
    additionalProperties: false,
  },
);

export const Replay = Type.Object(
  {
    id: Type.String(),
    state: ref(ReplayState),
    request: Type.Object(
      {
        from: Timestamp,
        to: Timestamp,
        filter: Type.Object({ ...filterFields, status: FilterStatus }, { additionalProperties: false }),
        target: ref(ReplayTarget),
        dryRun: Type.Boolean(),
        ratePerSecond: Type.Integer(),
        concurrency: Type.Integer(),
      },
      { additionalProperties: false },
    ),
    createdAt: Timestamp,
    createdBy: Type.String({ description: 'The name of the token that started it.' }),
    updatedAt: Timestamp,
    counts: ref(ReplayCounts),
    counted: Type.Optional(Type.Boolean({ description: 'True once `matched` is the full count of the selection.' })),
    error: Type.Optional(Type.String()),
    remaining: Type.Integer({ minimum: 0, description: 'Matched dispatches not yet dispatched or skipped.' }),
  },
  { $id: 'Replay', additionalProperties: false },
);

export const ReplayList = Type.Object({ replays: Type.Array(ref(Replay), { description: 'Newest first.' }) }, { $id: 'ReplayList', additionalProperties: false });

export const ReplayParams = Type.Object({ id: Type.String({ description: 'As returned by POST /v1/replays.' }) });
