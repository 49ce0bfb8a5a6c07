import { type Static, Type } from '@sinclair/typebox';
import { CONSIDERATION_OUTCOMES } from '@vrouter/core';
import { ChannelName, ComponentName, closed, Etag, Force, nullable, PinRef, PinScope, PinSource, Reason, ref, SubjectId, Timestamp, VersionName } from './common.js';
import { Target } from './components.js';

const pinFields = {
  scope: PinScope,
  subject: SubjectId,
  component: ComponentName,
  expiresAt: Type.Optional(Timestamp),
  reason: Type.Optional(Type.String()),
  createdAt: Timestamp,
  etag: Type.Optional(Etag),
};

/** A pin routes to a channel (follows promotions) or to one exact version: it has exactly one of the two. */
export const Pin = Type.Object(
  { ...pinFields, channel: Type.Optional(ChannelName), version: Type.Optional(VersionName) },
  { $id: 'Pin', additionalProperties: false, description: 'Exactly one of `channel` (follows promotions) or `version`.' },
);

export const PinList = Type.Object({ pins: Type.Array(ref(Pin)) }, { $id: 'PinList', additionalProperties: false, description: 'By component, scope and subject.' });

export const PinFilter = Type.Object({ scope: Type.Optional(PinScope), subject: Type.Optional(SubjectId), component: Type.Optional(ComponentName) }, { $id: 'PinFilter' });

const pinInputFields = {
  channel: Type.Optional(nullable(ChannelName, { description: 'Follow this channel (exactly one of channel or version).' })),
  version: Type.Optional(nullable(VersionName, { description: 'This exact version (exactly one of channel or version).' })),
  expiresAt: Type.Optional(nullable(Timestamp, { description: 'When the pin stops applying; a pin to `experimental` without one gets the default TTL.' })),
  reason: Type.Optional(nullable(Reason)),
  force: Type.Optional(Force),
};

/**
 * `PUT /v1/pins/{scope}/{subject}/{component}`. "Exactly one of channel or version" is checked by the admin service,
 * which names `channel` as the field (a schema `oneOf` would name none).
 */
export const PinInput = Type.Object(pinInputFields, {
  $id: 'PinInput',
  additionalProperties: false,
  description:
    'Exactly one of `channel` or `version`. Refused with 422 VR_PIN_VERSION_UNKNOWN for an unregistered version, 409 VR_CHANNEL_EMPTY for an empty channel (unless forced).',
});

export const PinOperation = Type.Object(
  { action: Type.Optional(closed(['set', 'unset'] as const, { description: 'Default: set.' })), scope: PinScope, subject: SubjectId, component: ComponentName, ...pinInputFields },
  { $id: 'PinOperation', additionalProperties: false },
);

/**
 * `POST /v1/pins/bulk`. Operations are checked one by one by the admin service, so that one 400 names every invalid
 * operation in `invalid` (`index`, `code`, `detail`, `field`); the schema only bounds the list.
 */
export const BulkPinsInput = Type.Object(
  {
    operations: Type.Array(Type.Unsafe<Static<typeof PinOperation>>({ type: 'object', description: 'A PinOperation.' }), { minItems: 1, maxItems: 1000 }),
    reason: Type.Optional(nullable(Reason, { description: 'For every operation without its own.' })),
    force: Type.Optional(Force),
  },
  { $id: 'BulkPinsInput', additionalProperties: false },
);

export const BulkPinsResult = Type.Object(
  {
    bulkId: Type.String({ description: 'Marks every audit entry of this request.' }),
    written: Type.Integer({ minimum: 0 }),
    removed: Type.Integer({ minimum: 0 }),
    failed: Type.Array(Type.Object({ index: Type.Integer({ minimum: 0 }), error: Type.String() }, { additionalProperties: false })),
  },
  { $id: 'BulkPinsResult', additionalProperties: false },
);

export const CustomerRecord = Type.Object({ id: SubjectId, plan: Type.Optional(SubjectId), etag: Type.Optional(Etag) }, { $id: 'CustomerRecord', additionalProperties: false });
export const CustomerInput = Type.Object(
  { plan: Type.Optional(nullable(SubjectId)), reason: Type.Optional(nullable(Reason)) },
  { $id: 'CustomerInput', additionalProperties: false },
);
export const ProjectRecord = Type.Object({ id: SubjectId, customer: SubjectId, etag: Type.Optional(Etag) }, { $id: 'ProjectRecord', additionalProperties: false });
export const CustomerList = Type.Object(
  { customers: Type.Array(CustomerRecord) },
  { $id: 'CustomerList', additionalProperties: false, description: 'Every recorded customer, by id.' },
);
export const ProjectList = Type.Object({ projects: Type.Array(ProjectRecord) }, { $id: 'ProjectList', additionalProperties: false, description: 'Every recorded project, by id.' });
export const ProjectInput = Type.Object({ customer: SubjectId, reason: Type.Optional(nullable(Reason)) }, { $id: 'ProjectInput', additionalProperties: false });

export const ResolveQuery = Type.Object(
  { component: ComponentName, customer: Type.Optional(SubjectId), project: Type.Optional(SubjectId), plan: Type.Optional(SubjectId) },
  { $id: 'ResolveQuery' },
);

export const RoutingContext = Type.Object(
  { customer: Type.Optional(SubjectId), project: Type.Optional(SubjectId), plan: Type.Optional(SubjectId) },
  { $id: 'RoutingContext', additionalProperties: false, description: 'Who the decision is for, with the customer derived from a known project and the plan from the customer.' },
);

export const Consideration = Type.Object(
  {
    scope: PinSource,
    subject: nullable(Type.String()),
    outcome: closed(CONSIDERATION_OUTCOMES),
    pin: Type.Optional(
      Type.Object(
        { channel: Type.Optional(ChannelName), version: Type.Optional(VersionName), expiresAt: Type.Optional(Timestamp), reason: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    detail: Type.String(),
  },
  { $id: 'Consideration', additionalProperties: false },
);

const resolutionCommon = {
  component: ComponentName,
  considered: Type.Array(ref(Consideration), { description: 'Every scope looked at, most specific first, and why it did or did not match.' }),
  context: ref(RoutingContext),
  configRevision: Type.Integer({ description: 'The configuration revision the decision was made with.' }),
};

/** `GET /v1/resolve`: the decision this router would make for an event now, with its explanation. */
export const ResolveAnswer = Type.Union(
  [
    Type.Object(
      { ...resolutionCommon, resolved: Type.Literal(true), version: VersionName, channel: nullable(ChannelName), target: ref(Target), source: PinSource, pin: PinRef },
      { additionalProperties: false },
    ),
    Type.Object({ ...resolutionCommon, resolved: Type.Literal(false), reason: Type.String() }, { additionalProperties: false }),
  ],
  { $id: 'ResolveAnswer' },
);
