import { Type } from '@sinclair/typebox';
import { ChannelName, ComponentName, closed, DispatchStatus, nullable, PinRef, PinSource, ref, SubjectId, Timestamp, VersionName } from './common.js';
import { Problem } from './problem.js';

/**
 * A CloudEvents 1.0 event in structured mode. Documentation and types only: event bodies are validated one by one
 * by core's parseCloudEvent, so that a bad event in a batch is `rejected` in its result rather than failing the batch.
 */
export const CloudEvent = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: Type.String({ minLength: 1, maxLength: 256 }),
    source: Type.String({ minLength: 1, maxLength: 1024 }),
    type: Type.String({ minLength: 1, maxLength: 256 }),
    time: Type.Optional(Timestamp),
    subject: Type.Optional(Type.String()),
    datacontenttype: Type.Optional(Type.String()),
    dataschema: Type.Optional(Type.String()),
    data: Type.Optional(Type.Unknown({ description: 'Any JSON value.' })),
    data_base64: Type.Optional(Type.String()),
    traceparent: Type.Optional(Type.String()),
    tracestate: Type.Optional(Type.String()),
    customerid: Type.Optional(SubjectId),
    projectid: Type.Optional(SubjectId),
    plan: Type.Optional(SubjectId),
    component: Type.Optional(ComponentName),
  },
  {
    $id: 'CloudEvent',
    additionalProperties: true,
    description:
      'A CloudEvents 1.0 event in structured JSON mode. Routing extension attributes: `customerid` (required unless `projectid` names a project with a known customer), `projectid`, `plan`, `component`.',
  },
);

export const CloudEventBatch = Type.Array(ref(CloudEvent), { $id: 'CloudEventBatch', minItems: 1, description: 'A batch: each event is accepted or rejected on its own.' });

export const DispatchError = Type.Object(
  { code: Type.String({ description: 'A VR_* code or the target’s own error type.' }), message: Type.String() },
  { $id: 'DispatchError', additionalProperties: false },
);

export const DispatchSummary = Type.Object(
  {
    component: ComponentName,
    version: nullable(VersionName, { description: 'Null when no version could be resolved.' }),
    channel: nullable(ChannelName),
    pin: PinRef,
    pinSource: Type.Optional(PinSource),
    overrideSubject: Type.Optional(Type.String({ description: 'The subject of the override token that decided the version.' })),
    status: DispatchStatus,
    error: Type.Optional(ref(DispatchError)),
  },
  { $id: 'DispatchSummary', additionalProperties: false },
);

export const EventResult = Type.Object(
  {
    source: Type.Optional(Type.String()),
    id: Type.Optional(Type.String()),
    status: closed(['accepted', 'duplicate', 'rejected'] as const, { description: '`duplicate`: seen before, not dispatched again.' }),
    dispatches: Type.Array(ref(DispatchSummary), { description: 'One per component that receives the event.' }),
    error: Type.Optional(ref(Problem, { description: 'Why a rejected event of a batch was rejected.' })),
  },
  { $id: 'EventResult', additionalProperties: false },
);

export const EventPostAnswer = Type.Object(
  { results: Type.Array(ref(EventResult), { description: 'One per event, in order.' }) },
  { $id: 'EventPostAnswer', additionalProperties: false },
);

export const EventPostQuery = Type.Object({
  wait: Type.Optional(closed(['true', 'false'] as const, { description: '`true`: answer once the dispatches have finished, with their outcome.' })),
});

const dispatchDetailFields = {
  component: ComponentName,
  version: nullable(VersionName),
  channel: nullable(ChannelName),
  pin: PinRef,
  pinSource: nullable(PinSource),
  overrideSubject: Type.Optional(Type.String({ description: 'Set when an override decided the version: the token’s subject (never the token).' })),
  status: DispatchStatus,
  attempts: Type.Integer({ minimum: 0 }),
  idempotencyKey: Type.String(),
  claimedAt: Timestamp,
  updatedAt: Timestamp,
  lastError: nullable(ref(DispatchError)),
  response: nullable(Type.String(), { description: 'The target’s answer (RequestResponse), truncated.' }),
};

const outcomeFields = {
  version: nullable(VersionName),
  status: closed(['dispatched', 'succeeded', 'failed'] as const),
  attempts: Type.Integer({ minimum: 0 }),
  at: Timestamp,
  replayId: nullable(Type.String(), { description: 'The replay that produced this outcome; null for the original dispatch.' }),
};

/** One completed dispatch of an event to a component: the original attempt, or a replay. */
export const DispatchOutcome = Type.Object(
  { ...outcomeFields, error: Type.Optional(ref(DispatchError, { description: 'Why it failed.' })) },
  { $id: 'DispatchOutcome', additionalProperties: false },
);

/** A DispatchOutcome as a list row carries it: without the error. */
export const DispatchOutcomeSummary = Type.Object(outcomeFields, { $id: 'DispatchOutcomeSummary', additionalProperties: false });

/** One dispatch of an event to a component, as its latest outcome (a completed replay's) left it, with its history. */
export const DispatchDetails = Type.Object(
  {
    ...dispatchDetailFields,
    lastReplayId: nullable(Type.String(), { description: 'The last replay that dispatched this event to this component again.' }),
    history: Type.Array(ref(DispatchOutcome), {
      description: 'Every outcome, oldest first: the original attempt, then each completed replay. The version, status, attempts and error above are the last entry’s.',
    }),
  },
  { $id: 'DispatchDetails', additionalProperties: false },
);

export const ReplayDispatchDetails = Type.Object({ replayId: Type.String(), ...dispatchDetailFields }, { $id: 'ReplayDispatchDetails', additionalProperties: false });

export const ShadowDispatchDetails = Type.Object(dispatchDetailFields, { $id: 'ShadowDispatchDetails', additionalProperties: false });

export const EventParams = Type.Object({ source: Type.String({ description: 'The event source, URL-encoded.' }), id: Type.String() });

/** `GET /v1/events/{source}/{id}`: the event, its routing decisions and each dispatch's outcome. */
export const EventDetails = Type.Object(
  {
    source: Type.String(),
    id: Type.String(),
    type: Type.String(),
    receivedAt: Timestamp,
    customer: nullable(Type.String()),
    project: nullable(Type.String()),
    plan: nullable(Type.String()),
    components: Type.Array(ComponentName),
    event: ref(CloudEvent),
    chain: Type.Object(
      {
        root: Type.Object({ source: Type.String(), id: Type.String() }, { additionalProperties: false }),
        depth: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false, description: 'The chain the event belongs to: the event that started it (this one, at depth 0, unless it carried a context back).' },
    ),
    override: nullable(Type.Object({ subject: Type.Optional(Type.String()), expiresAt: Timestamp }, { additionalProperties: false }), {
      description: 'The override the event (or its chain) ran under: its subject and expiry, never the token.',
    }),
    dispatches: Type.Array(ref(DispatchDetails), { description: 'The dispatch to each component, as its latest outcome left it.' }),
    replays: Type.Array(ref(ReplayDispatchDetails), { description: 'The dispatches of replays of this event.' }),
    shadows: Type.Array(ref(ShadowDispatchDetails), { description: 'The shadow dispatches of this event (to a component’s candidate version); they never change its status.' }),
  },
  { $id: 'EventDetails', additionalProperties: false },
);

/** `GET /v1/events` filters. The window defaults to the hour before `to` (default: now). */
export const EventListQuery = Type.Object(
  {
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    component: Type.Optional(ComponentName),
    customer: Type.Optional(SubjectId),
    project: Type.Optional(SubjectId),
    version: Type.Optional(VersionName),
    status: Type.Optional(DispatchStatus),
    order: Type.Optional(closed(['desc', 'asc'] as const, { description: 'Newest first (`desc`, the default) or oldest first.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Rows per page. Default: 100.' })),
    cursor: Type.Optional(Type.String({ description: 'From the previous page.' })),
  },
  { $id: 'EventListQuery' },
);

/** One logged dispatch: an event for one component, as its latest outcome (a completed replay's) left it. */
export const EventRow = Type.Object(
  {
    source: Type.String(),
    id: Type.String(),
    component: ComponentName,
    version: nullable(VersionName),
    channel: nullable(ChannelName),
    status: DispatchStatus,
    attempts: Type.Integer({ minimum: 0 }),
    receivedAt: Timestamp,
    customer: nullable(Type.String()),
    project: nullable(Type.String()),
    lastError: nullable(ref(DispatchError)),
    lastReplayId: nullable(Type.String(), { description: 'The replay that last dispatched this event for this component.' }),
    history: Type.Array(ref(DispatchOutcomeSummary), {
      description: 'Every outcome, oldest first (the original attempt, then each completed replay); the row shows the last.',
    }),
  },
  { $id: 'EventRow', additionalProperties: false },
);

export const EventList = Type.Object(
  { from: Timestamp, to: Timestamp, items: Type.Array(ref(EventRow)), cursor: Type.Optional(Type.String({ description: 'Present when there is another page.' })) },
  { $id: 'EventList', additionalProperties: false },
);

/** The event an ECS task was started for, with the dispatch metadata (`vrouter`); served by reference. */
export const DispatchPayload = Type.Object(
  {
    specversion: Type.String(),
    id: Type.String(),
    source: Type.String(),
    type: Type.String(),
    vrouter: Type.Record(Type.String(), Type.Unknown(), { description: 'The dispatch metadata.' }),
  },
  { $id: 'DispatchPayload', additionalProperties: true },
);

export const PayloadParams = Type.Object({ token: Type.String({ description: 'As handed to the task in VROUTER_EVENT_TOKEN.' }) });
