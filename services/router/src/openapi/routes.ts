import { Type } from '@sinclair/typebox';
import {
  AuditList,
  AuditQuery,
  BulkPinsInput,
  BulkPinsResult,
  ChannelInput,
  ChannelPointer,
  Component,
  ComponentDetails,
  ComponentInput,
  ComponentList,
  CreatedToken,
  CustomerInput,
  CustomerList,
  CustomerRecord,
  DispatchPayload,
  EventDetails,
  EventList,
  EventListQuery,
  EventParams,
  EventPostAnswer,
  EventPostQuery,
  Health,
  PayloadParams,
  Pin,
  PinFilter,
  PinInput,
  PinList,
  Preconditions,
  ProjectInput,
  ProjectList,
  ProjectRecord,
  PromoteInput,
  Readiness,
  ReasonQuery,
  Replay,
  ReplayCreated,
  ReplayInput,
  ReplayList,
  ReplayParams,
  ResolveAnswer,
  ResolveQuery,
  RollbackInput,
  ShadowComparison,
  ShadowInput,
  ShadowQuery,
  TokenInput,
  TokenList,
  TokenParams,
  Version,
  VersionInput,
} from '@vrouter/api';
import { CHANNELS, COMPONENT_NAME, SCOPES, SUBJECT_NAME, VERSION_NAME } from '@vrouter/core';
import { operation } from './operation.js';

/** The route schema of every operation: what fastify validates and serialises, and what /docs documents. */

const component = Type.String({ pattern: COMPONENT_NAME.source, description: 'A component name.' });
const version = Type.String({ pattern: VERSION_NAME.source, description: 'A version name.' });
const subject = Type.String({ pattern: SUBJECT_NAME.source });
const channel = Type.Unsafe<(typeof CHANNELS)[number]>({ type: 'string', enum: [...CHANNELS] });
const scope = Type.Unsafe<(typeof SCOPES)[number]>({ type: 'string', enum: [...SCOPES] });

const ComponentParams = Type.Object({ component });
const VersionParams = Type.Object({ component, version });
const ChannelParams = Type.Object({ component, channel });
const PinParams = Type.Object({ scope, subject, component });
const done = { description: 'Done; no body.' };

export const listComponentsSchema = operation({
  operationId: 'listComponents',
  summary: 'Every component with its versions and channels',
  tag: 'components',
  responses: { 200: { description: 'The components.', schema: ComponentList } },
});

export const getComponentSchema = operation({
  operationId: 'getComponent',
  summary: 'One component with its versions and channels',
  tag: 'components',
  params: ComponentParams,
  responses: { 200: { description: 'The component.', schema: ComponentDetails, etag: true } },
});

export const deleteComponentSchema = operation({
  operationId: 'deleteComponent',
  summary: 'Delete a component',
  description: 'Refused with 409 VR_CONFLICT (naming them) while the component has versions or pins.',
  tag: 'components',
  params: ComponentParams,
  querystring: ReasonQuery,
  headers: Preconditions,
  responses: { 204: done },
});

export const putComponentSchema = operation({
  operationId: 'putComponent',
  summary: 'Register or update a component',
  tag: 'components',
  params: ComponentParams,
  headers: Preconditions,
  body: ComponentInput,
  responses: { 200: { description: 'The component as stored.', schema: Component, etag: true } },
});

export const putVersionSchema = operation({
  operationId: 'putVersion',
  summary: 'Register or update a version and its target',
  tag: 'components',
  params: VersionParams,
  headers: Preconditions,
  body: VersionInput,
  responses: { 200: { description: 'The version as stored.', schema: Version, etag: true } },
});

export const deleteVersionSchema = operation({
  operationId: 'deleteVersion',
  summary: 'Delete a version',
  description: 'Refused with 409 VR_CONFLICT (listing `channels` and `pins`) while a channel or a live pin uses the version.',
  tag: 'components',
  params: VersionParams,
  querystring: ReasonQuery,
  headers: Preconditions,
  responses: { 204: done },
});

export const setChannelSchema = operation({
  operationId: 'setChannel',
  summary: 'Point a channel at a version',
  description: 'Moving `stable` to a version that has never served an event through beta or experimental is refused (409 VR_SAFETY_CHECK) unless `force` is true with a `reason`.',
  tag: 'components',
  params: ChannelParams,
  headers: Preconditions,
  body: ChannelInput,
  responses: { 200: { description: 'The channel as it points now.', schema: ChannelPointer, etag: true } },
});

export const promoteChannelSchema = operation({
  operationId: 'promoteChannel',
  summary: 'Point a channel at the version another channel points at',
  description: 'The same safety check as setting the channel applies.',
  tag: 'components',
  params: ChannelParams,
  headers: Preconditions,
  body: PromoteInput,
  responses: { 200: { description: 'The channel as it points now.', schema: ChannelPointer, etag: true } },
});

export const rollbackChannelSchema = operation({
  operationId: 'rollbackChannel',
  summary: 'Return a channel to the version it pointed at before its last move',
  description: 'The body is optional. 409 VR_CONFLICT when the channel has no previous version.',
  tag: 'components',
  params: ChannelParams,
  headers: Preconditions,
  body: RollbackInput,
  responses: { 200: { description: 'The channel as it points now.', schema: ChannelPointer, etag: true } },
});

export const listPinsSchema = operation({
  operationId: 'listPins',
  summary: 'Pins, filtered',
  tag: 'pins',
  querystring: PinFilter,
  responses: { 200: { description: 'The pins, by component, scope and subject.', schema: PinList } },
});

export const bulkPinsSchema = operation({
  operationId: 'bulkPins',
  summary: 'Set or remove many pins',
  description:
    'Every operation (a PinOperation) is validated first: if any is invalid nothing is written, and the 400 VR_VALIDATION problem lists each one in `invalid` (`index`, `code`, `detail`, `field`). Writes then go one by one; any that fails is named in `failed` and the answer is 207.',
  tag: 'pins',
  body: BulkPinsInput,
  responses: {
    200: { description: 'Every operation was written.', schema: BulkPinsResult },
    207: { description: 'Some operations could not be written; `failed` names them.', schema: BulkPinsResult },
  },
});

export const getPinSchema = operation({
  operationId: 'getPin',
  summary: 'One pin',
  tag: 'pins',
  params: PinParams,
  responses: { 200: { description: 'The pin.', schema: Pin, etag: true } },
});

export const putPinSchema = operation({
  operationId: 'putPin',
  summary: 'Pin a project, customer or plan to a channel or a version',
  description: 'Refused with 422 VR_PIN_VERSION_UNKNOWN for an unregistered version, and 409 VR_CHANNEL_EMPTY for a channel that points at no version (unless forced).',
  tag: 'pins',
  params: PinParams,
  headers: Preconditions,
  body: PinInput,
  responses: { 200: { description: 'The pin as stored.', schema: Pin, etag: true } },
});

export const deletePinSchema = operation({
  operationId: 'deletePin',
  summary: 'Remove a pin',
  tag: 'pins',
  params: PinParams,
  querystring: ReasonQuery,
  headers: Preconditions,
  responses: { 204: done },
});

export const listCustomersSchema = operation({
  operationId: 'listCustomers',
  summary: 'Every recorded customer and its plan',
  tag: 'subjects',
  responses: { 200: { description: 'The customers, by id.', schema: CustomerList } },
});

export const listProjectsSchema = operation({
  operationId: 'listProjects',
  summary: 'Every recorded project and its customer',
  tag: 'subjects',
  responses: { 200: { description: 'The projects, by id.', schema: ProjectList } },
});

export const putCustomerSchema = operation({
  operationId: 'putCustomer',
  summary: 'Record a customer and its plan',
  tag: 'subjects',
  params: Type.Object({ customer: subject }),
  headers: Preconditions,
  body: CustomerInput,
  responses: { 200: { description: 'The customer as stored.', schema: CustomerRecord, etag: true } },
});

export const putProjectSchema = operation({
  operationId: 'putProject',
  summary: 'Record which customer a project belongs to',
  tag: 'subjects',
  params: Type.Object({ project: subject }),
  headers: Preconditions,
  body: ProjectInput,
  responses: { 200: { description: 'The project as stored.', schema: ProjectRecord, etag: true } },
});

export const resolveSchema = operation({
  operationId: 'resolve',
  summary: 'Which version an event for this component and subject would go to now',
  description:
    'Decided with this router’s routing snapshot, as an event would be: the most specific live pin wins (project, then customer, then plan), else the stable channel. `considered` explains every scope. A component with nothing routable answers 200 with `resolved: false` and the reason.',
  tag: 'resolve',
  querystring: ResolveQuery,
  responses: { 200: { description: 'The decision and its explanation.', schema: ResolveAnswer } },
});

export const auditSchema = operation({
  operationId: 'queryAudit',
  summary: 'Configuration changes, newest first',
  tag: 'audit',
  querystring: AuditQuery,
  responses: { 200: { description: 'A page of entries.', schema: AuditList } },
});

export const createTokenSchema = operation({
  operationId: 'createToken',
  summary: 'Create a named token',
  tag: 'tokens',
  body: TokenInput,
  responses: { 201: { description: 'The token, shown this once.', schema: CreatedToken } },
});

export const listTokensSchema = operation({
  operationId: 'listTokens',
  summary: 'Every named token (never the token itself)',
  tag: 'tokens',
  responses: { 200: { description: 'The tokens.', schema: TokenList } },
});

export const revokeTokenSchema = operation({
  operationId: 'revokeToken',
  summary: 'Revoke a named token',
  tag: 'tokens',
  params: TokenParams,
  querystring: ReasonQuery,
  responses: { 204: done },
});

/**
 * Event bodies are not in the route schema: core's parseCloudEvent checks each event on its own, so one bad event of
 * a batch is `rejected` in its result. The document still describes them (see `DOCUMENTED_BODIES`).
 */
export const postEventsSchema = operation({
  operationId: 'postEvents',
  summary: 'Ingest one CloudEvent or a batch',
  description:
    'Routes each event to every component whose subscriptions match its `type` (or to the one its `component` attribute names), at the version its project, customer or plan is pinned to, else the stable channel. The idempotency key of a delivery is (source, id, component): an event posted again is not dispatched again. A single invalid event is a 4xx problem; in a batch, each event answers for itself. Never rate-limited.',
  tag: 'events',
  querystring: EventPostQuery,
  responses: { 202: { description: 'Accepted: one result per event, in order.', schema: EventPostAnswer } },
});

/** Request bodies that are documented but checked by the handler (see postEventsSchema). */
export const DOCUMENTED_BODIES: Record<string, unknown> = {
  'POST /v1/events': {
    content: {
      'application/cloudevents+json': { schema: { $ref: 'CloudEvent' } },
      'application/cloudevents-batch+json': { schema: { $ref: 'CloudEventBatch' } },
      'application/json': { schema: { oneOf: [{ $ref: 'CloudEvent' }, { $ref: 'CloudEventBatch' }] } },
    },
  },
};

export const getEventSchema = operation({
  operationId: 'getEvent',
  summary: 'One event, its routing decisions and each dispatch’s outcome',
  tag: 'events',
  params: EventParams,
  responses: { 200: { description: 'The event.', schema: EventDetails } },
});

export const listEventsSchema = operation({
  operationId: 'listEvents',
  summary: 'Dispatches in a time window, filtered and paginated',
  description: 'One row per (event, component), newest first unless `order=asc`. The window defaults to the hour before `to` (default: now).',
  tag: 'events',
  querystring: EventListQuery,
  responses: { 200: { description: 'A page of dispatches.', schema: EventList } },
});

export const getPayloadSchema = operation({
  operationId: 'getPayload',
  summary: 'The event an ECS task was started for, by reference',
  description:
    'ECS container overrides hold at most 8 KiB, so a larger event reaches its task as VROUTER_EVENT_URL (this route) and VROUTER_EVENT_TOKEN. The signed token in the path names one event and expires (15 minutes); no bearer token is needed. Served only when VROUTER_PUBLIC_URL is set.',
  tag: 'events',
  anonymous: true,
  params: PayloadParams,
  responses: { 200: { description: 'The CloudEvent with the dispatch metadata (`vrouter`).', schema: DispatchPayload } },
});

export const createReplaySchema = operation({
  operationId: 'createReplay',
  summary: 'Replay logged events in a window',
  description:
    'Dispatches the logged events that match the filter again, at the current or an explicit version, at most `ratePerSecond` and `concurrency`. A dry run counts the selection and returns a sample, dispatching nothing.',
  tag: 'replays',
  body: ReplayInput,
  responses: { 202: { description: 'Started (or, for a dry run, counted).', schema: ReplayCreated } },
});

export const listReplaysSchema = operation({
  operationId: 'listReplays',
  summary: 'Every replay, newest first',
  tag: 'replays',
  responses: { 200: { description: 'The replays.', schema: ReplayList } },
});

export const getReplaySchema = operation({
  operationId: 'getReplay',
  summary: 'One replay: its state and counts',
  tag: 'replays',
  params: ReplayParams,
  responses: { 200: { description: 'The replay.', schema: Replay } },
});

export const cancelReplaySchema = operation({
  operationId: 'cancelReplay',
  summary: 'Cancel a running replay',
  description: '409 VR_CONFLICT when the replay is no longer running.',
  tag: 'replays',
  params: ReplayParams,
  responses: { 200: { description: 'The replay, cancelled.', schema: Replay } },
});

export const putShadowSchema = operation({
  operationId: 'putShadow',
  summary: 'Mirror a share of live events to a candidate version',
  description:
    'A sticky `percent` of customers (hashed with the component) get each live event also dispatched to `version`, with `vrouter.shadow: true`. The shadow outcome is recorded apart and never affects the primary.',
  tag: 'shadow',
  params: ComponentParams,
  headers: Preconditions,
  body: ShadowInput,
  responses: { 200: { description: 'The component with its shadow configuration.', schema: Component, etag: true } },
});

export const deleteShadowSchema = operation({
  operationId: 'deleteShadow',
  summary: 'Stop mirroring live events',
  tag: 'shadow',
  params: ComponentParams,
  querystring: ReasonQuery,
  headers: Preconditions,
  responses: { 204: done },
});

export const compareShadowSchema = operation({
  operationId: 'compareShadow',
  summary: 'Compare shadow and primary outcomes',
  description:
    'For the shadow dispatches received in the window (newest first, at most `limit`): how often each side succeeded, where they disagree, and for synchronous targets whether the answers match.',
  tag: 'shadow',
  params: ComponentParams,
  querystring: ShadowQuery,
  responses: { 200: { description: 'The comparison.', schema: ShadowComparison } },
});

export const healthzSchema = operation({
  operationId: 'healthz',
  summary: 'The process is up',
  tag: 'health',
  anonymous: true,
  responses: { 200: { description: 'Up.', schema: Health } },
});

export const readyzSchema = operation({
  operationId: 'readyz',
  summary: 'The store is reachable',
  description: 'Answers 503 VR_STORE_UNAVAILABLE while the store cannot be read.',
  tag: 'health',
  anonymous: true,
  responses: { 200: { description: 'Ready.', schema: Readiness } },
});
