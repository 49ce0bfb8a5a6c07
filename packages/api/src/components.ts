import { type Static, type TOptional, Type } from '@sinclair/typebox';
import { CHAIN_MODES, CHANNELS, LAMBDA_INVOCATION_TYPES, SUBSCRIPTION_PATTERN } from '@vrouter/core';
import { ChannelName, ComponentName, closed, Etag, Force, nullable, Reason, ref, text, Timestamp, VersionName } from './common.js';

export const LambdaTarget = Type.Object(
  {
    kind: Type.Literal('lambda'),
    functionName: Type.String({ maxLength: 512 }),
    qualifier: Type.String({ maxLength: 128, description: 'A published version number or alias; never `$LATEST`.' }),
    invocationType: Type.Optional(closed(LAMBDA_INVOCATION_TYPES, { description: 'Default: RequestResponse.' })),
  },
  { $id: 'LambdaTarget', additionalProperties: false },
);

export const EcsTarget = Type.Object(
  {
    kind: Type.Literal('ecs'),
    cluster: Type.String({ maxLength: 512 }),
    taskDefinition: Type.String({ maxLength: 512, description: '`family:revision` or its ARN.' }),
    containerName: Type.String({ maxLength: 512 }),
    launchType: Type.Optional(closed(['FARGATE', 'EC2', 'EXTERNAL'] as const, { description: 'Default: FARGATE.' })),
    networkConfiguration: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The ECS RunTask networkConfiguration, as is.' })),
  },
  { $id: 'EcsTarget', additionalProperties: false },
);

export const HttpTarget = Type.Object(
  {
    kind: Type.Literal('http'),
    url: Type.String({ maxLength: 2048, description: 'An absolute http(s) URL without credentials.' }),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 900_000, description: 'Default: 10000.' })),
  },
  { $id: 'HttpTarget', additionalProperties: false },
);

/** Where a version runs; `kind` selects the shape (validation reports the fields of that shape only). */
export const Target = Type.Unsafe<Static<typeof LambdaTarget> | Static<typeof EcsTarget> | Static<typeof HttpTarget>>({
  $id: 'Target',
  description: 'Where a version runs.',
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [ref(LambdaTarget), ref(EcsTarget), ref(HttpTarget)],
});

export const ShadowConfig = Type.Object(
  { version: VersionName, percent: Type.Number({ minimum: 0, maximum: 100 }) },
  { $id: 'ShadowConfig', additionalProperties: false, description: 'Live events of a sticky share of customers are mirrored to this version, marked shadow.' },
);

const Subscription = Type.String({ pattern: SUBSCRIPTION_PATTERN.source });
const ChainMode = closed(CHAIN_MODES, {
  description: 'In a chain of events: `keep` (the default) gives this component the version the chain already decided; `resolve` resolves it afresh on every hop.',
});

const componentFields = {
  name: ComponentName,
  description: Type.Optional(Type.String()),
  subscriptions: Type.Array(Subscription, { description: 'Event types: exact, a prefix (`build.*`) or `*`.' }),
  shadow: Type.Optional(ref(ShadowConfig)),
  chain: Type.Optional(ChainMode),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  etag: Type.Optional(Etag),
};

export const Component = Type.Object(componentFields, { $id: 'Component', additionalProperties: false });

export const Version = Type.Object(
  {
    component: ComponentName,
    name: VersionName,
    target: ref(Target),
    maxConcurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'In-flight dispatches per router process.' })),
    recordResponse: Type.Optional(Type.Boolean({ description: "Whether the target's answer (its first VROUTER_MAX_RESPONSE_BYTES) is kept on the dispatch." })),
    registeredAt: Timestamp,
    etag: Type.Optional(Etag),
  },
  { $id: 'Version', additionalProperties: false },
);

export const ChannelMap = Type.Object(
  Object.fromEntries(CHANNELS.map((c) => [c, Type.Optional(VersionName)])) as Record<(typeof CHANNELS)[number], TOptional<typeof VersionName>>,
  {
    $id: 'ChannelMap',
    additionalProperties: false,
    description: 'The version each channel points at; a channel that points at none is absent.',
  },
);

export const ComponentDetails = Type.Object(
  { ...componentFields, channels: ref(ChannelMap), versions: Type.Array(ref(Version), { description: 'Oldest first.' }) },
  { $id: 'ComponentDetails', additionalProperties: false },
);

export const ComponentList = Type.Object({ components: Type.Array(ref(ComponentDetails)) }, { $id: 'ComponentList', additionalProperties: false });

export const ChannelPointer = Type.Object(
  {
    component: ComponentName,
    channel: ChannelName,
    version: VersionName,
    previousVersion: Type.Optional(Type.String({ description: 'What rollback returns to.' })),
    updatedAt: Timestamp,
    etag: Type.Optional(Etag),
  },
  { $id: 'ChannelPointer', additionalProperties: false },
);

export const ComponentInput = Type.Object(
  {
    description: Type.Optional(nullable(text(1024))),
    subscriptions: Type.Optional(Type.Array(Subscription, { maxItems: 50, description: 'Default: none.' })),
    chain: Type.Optional(ChainMode),
    reason: Type.Optional(nullable(Reason)),
  },
  { $id: 'ComponentInput', additionalProperties: false },
);

export const VersionInput = Type.Object(
  {
    target: ref(Target),
    maxConcurrency: Type.Optional(nullable(Type.Integer({ minimum: 1, maximum: 100_000, description: 'In-flight dispatches per router process.' }))),
    recordResponse: Type.Optional(
      nullable(Type.Boolean({ description: "Keep the target's answer (capped at VROUTER_MAX_RESPONSE_BYTES) on each dispatch, readable with the read scope. Default: false." })),
    ),
    reason: Type.Optional(nullable(Reason)),
  },
  { $id: 'VersionInput', additionalProperties: false },
);

export const ChannelInput = Type.Object(
  { version: VersionName, force: Type.Optional(Force), reason: Type.Optional(nullable(Reason)) },
  {
    $id: 'ChannelInput',
    additionalProperties: false,
    description: 'Moving `stable` to a version that has never served an event through beta or experimental needs `force` with a `reason`.',
  },
);

export const PromoteInput = Type.Object(
  { from: ChannelName, force: Type.Optional(Force), reason: Type.Optional(nullable(Reason)) },
  { $id: 'PromoteInput', additionalProperties: false },
);

export const RollbackInput = Type.Object({ reason: Type.Optional(nullable(Reason)) }, { $id: 'RollbackInput', additionalProperties: false });

export const ShadowInput = Type.Object(
  { version: VersionName, percent: Type.Number({ minimum: 0, maximum: 100 }), reason: Type.Optional(nullable(Reason)) },
  { $id: 'ShadowInput', additionalProperties: false },
);
