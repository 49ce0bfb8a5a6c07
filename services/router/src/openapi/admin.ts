import {
  auditEntry,
  channelName,
  channelPointer,
  component,
  componentDetail,
  componentName,
  createdToken,
  customer,
  force,
  pin,
  pinScope,
  project,
  reason,
  resolution,
  subjectId,
  target,
  timestamp,
  token,
  tokenScope,
  version,
  versionName,
} from './shapes.js';
import { body, ETAG, json, NO_CONTENT, operation, PRECONDITIONS, pathParams, query } from './operation.js';

const componentParams = pathParams({ component: componentName });
const versionParams = pathParams({ component: componentName, version: versionName });
const channelParams = pathParams({ component: componentName, channel: channelName });
const pinParams = pathParams({ scope: pinScope, subject: subjectId, component: componentName });
const reasonQuery = query({ reason });

export const listComponentsSchema = operation({
  operationId: 'listComponents',
  summary: 'Every component with its versions and channels',
  tag: 'components',
  responses: {
    200: json('The components.', { type: 'object', additionalProperties: false, required: ['components'], properties: { components: { type: 'array', items: componentDetail } } }),
  },
});

export const getComponentSchema = operation({
  operationId: 'getComponent',
  summary: 'One component with its versions and channels',
  tag: 'components',
  params: componentParams,
  responses: { 200: json('The component.', componentDetail, ETAG) },
});

export const putComponentSchema = operation({
  operationId: 'putComponent',
  summary: 'Register or update a component',
  tag: 'components',
  params: componentParams,
  headers: PRECONDITIONS,
  body: body({
    description: { type: 'string', maxLength: 1024 },
    subscriptions: { ...component.properties.subscriptions, maxItems: 50, default: [] },
    chain: component.properties.chain,
    reason,
  }),
  responses: { 200: json('The component as stored.', component, ETAG) },
});

export const deleteComponentSchema = operation({
  operationId: 'deleteComponent',
  summary: 'Delete a component',
  description: 'Refused with 409 VR_CONFLICT (listing `versions` and `pins`) while the component has versions or pins.',
  tag: 'components',
  params: componentParams,
  querystring: reasonQuery,
  headers: PRECONDITIONS,
  responses: { 204: NO_CONTENT },
});

export const putVersionSchema = operation({
  operationId: 'putVersion',
  summary: 'Register or update a version and its target',
  tag: 'components',
  params: versionParams,
  headers: PRECONDITIONS,
  body: body({ target, maxConcurrency: version.properties.maxConcurrency, reason }, ['target']),
  responses: { 200: json('The version as stored.', version, ETAG) },
});

export const deleteVersionSchema = operation({
  operationId: 'deleteVersion',
  summary: 'Delete a version',
  description: 'Refused with 409 VR_CONFLICT (listing `channels` and `pins`) while a channel or a live pin uses the version.',
  tag: 'components',
  params: versionParams,
  querystring: reasonQuery,
  headers: PRECONDITIONS,
  responses: { 204: NO_CONTENT },
});

export const setChannelSchema = operation({
  operationId: 'setChannel',
  summary: 'Point a channel at a version',
  description: 'Moving `stable` to a version that has never served an event through beta or experimental is refused (409 VR_SAFETY_CHECK) unless `force` is true with a `reason`.',
  tag: 'components',
  params: channelParams,
  headers: PRECONDITIONS,
  body: body({ version: versionName, force, reason }, ['version']),
  responses: { 200: json('The channel as it points now.', channelPointer, ETAG) },
});

export const promoteChannelSchema = operation({
  operationId: 'promoteChannel',
  summary: 'Point a channel at the version another channel points at',
  description: 'The same safety check as setting the channel applies.',
  tag: 'components',
  params: channelParams,
  headers: PRECONDITIONS,
  body: body({ from: channelName, force, reason }, ['from']),
  responses: { 200: json('The channel as it points now.', channelPointer, ETAG) },
});

export const rollbackChannelSchema = operation({
  operationId: 'rollbackChannel',
  summary: 'Return a channel to the version it pointed at before its last move',
  description: 'The body is optional. 409 VR_CONFLICT when the channel has no previous version.',
  tag: 'components',
  params: channelParams,
  headers: PRECONDITIONS,
  body: body({ reason }),
  responses: { 200: json('The channel as it points now.', channelPointer, ETAG) },
});

export const listPinsSchema = operation({
  operationId: 'listPins',
  summary: 'Pins, filtered',
  tag: 'pins',
  querystring: query({ scope: pinScope, subject: subjectId, component: componentName }),
  responses: {
    200: json('The pins, by component, scope and subject.', {
      type: 'object',
      additionalProperties: false,
      required: ['pins'],
      properties: { pins: { type: 'array', items: pin } },
    }),
  },
});

const pinFields = {
  channel: { ...channelName, description: 'Follow this channel (exactly one of channel or version).' },
  version: { ...versionName, description: 'This exact version (exactly one of channel or version).' },
  expiresAt: { ...timestamp, description: 'When the pin stops applying; a pin to `experimental` without one gets the default TTL.' },
  reason,
  force: { ...force, description: 'Pin to a channel that points at no version yet; needs a `reason`.' },
};

export const bulkPinsSchema = operation({
  operationId: 'bulkPins',
  summary: 'Set or remove many pins',
  description:
    'Every operation is validated first: if any is invalid nothing is written, and the 400 VR_VALIDATION problem lists each one in `invalid` (`index`, `code`, `detail`, `field`). Writes then go one by one; any that fails is named in `failed` and the answer is 207.',
  tag: 'pins',
  body: body(
    {
      operations: {
        type: 'array',
        minItems: 1,
        maxItems: 1000,
        items: body({ action: { type: 'string', enum: ['set', 'unset'], default: 'set' }, scope: pinScope, subject: subjectId, component: componentName, ...pinFields }, [
          'scope',
          'subject',
          'component',
        ]),
      },
      reason: { ...reason, description: 'For every operation without its own.' },
      force: { ...force, description: 'For every operation without its own.' },
    },
    ['operations'],
  ),
  responses: {
    200: json('Every operation was written.', bulkResult()),
    207: json('Some operations could not be written; `failed` names them.', bulkResult()),
  },
});

function bulkResult() {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['bulkId', 'written', 'removed', 'failed'],
    properties: {
      bulkId: { type: 'string', description: 'Marks every audit entry of this request.' },
      written: { type: 'integer', minimum: 0 },
      removed: { type: 'integer', minimum: 0 },
      failed: {
        type: 'array',
        items: { type: 'object', additionalProperties: false, required: ['index', 'error'], properties: { index: { type: 'integer', minimum: 0 }, error: { type: 'string' } } },
      },
    },
  };
}

export const getPinSchema = operation({
  operationId: 'getPin',
  summary: 'One pin',
  tag: 'pins',
  params: pinParams,
  responses: { 200: json('The pin.', pin, ETAG) },
});

export const putPinSchema = operation({
  operationId: 'putPin',
  summary: 'Pin a project, customer or plan to a channel or a version',
  description: 'Refused with 422 VR_PIN_VERSION_UNKNOWN for an unregistered version, and 409 VR_CHANNEL_EMPTY for a channel that points at no version (unless forced).',
  tag: 'pins',
  params: pinParams,
  headers: PRECONDITIONS,
  body: body(pinFields, [], { oneOf: [{ required: ['channel'] }, { required: ['version'] }] }),
  responses: { 200: json('The pin as stored.', pin, ETAG) },
});

export const deletePinSchema = operation({
  operationId: 'deletePin',
  summary: 'Remove a pin',
  tag: 'pins',
  params: pinParams,
  querystring: reasonQuery,
  headers: PRECONDITIONS,
  responses: { 204: NO_CONTENT },
});

export const listCustomersSchema = operation({
  operationId: 'listCustomers',
  summary: 'Every recorded customer and its plan',
  tag: 'subjects',
  responses: {
    200: json('The customers, by id.', { type: 'object', additionalProperties: false, required: ['customers'], properties: { customers: { type: 'array', items: customer } } }),
  },
});

export const listProjectsSchema = operation({
  operationId: 'listProjects',
  summary: 'Every recorded project and its customer',
  tag: 'subjects',
  responses: {
    200: json('The projects, by id.', { type: 'object', additionalProperties: false, required: ['projects'], properties: { projects: { type: 'array', items: project } } }),
  },
});

export const putCustomerSchema = operation({
  operationId: 'putCustomer',
  summary: 'Record a customer and its plan',
  tag: 'subjects',
  params: pathParams({ customer: subjectId }),
  headers: PRECONDITIONS,
  body: body({ plan: subjectId, reason }),
  responses: { 200: json('The customer as stored.', customer, ETAG) },
});

export const putProjectSchema = operation({
  operationId: 'putProject',
  summary: 'Record which customer a project belongs to',
  tag: 'subjects',
  params: pathParams({ project: subjectId }),
  headers: PRECONDITIONS,
  body: body({ customer: subjectId, reason }, ['customer']),
  responses: { 200: json('The project as stored.', project, ETAG) },
});

export const resolveSchema = operation({
  operationId: 'resolve',
  summary: 'Which version an event for this component and subject would go to now',
  description:
    'Decided with this router’s routing snapshot, as an event would be: the most specific live pin wins (project, then customer, then plan), else the stable channel. `considered` explains every scope. A component with nothing routable answers 200 with `resolved: false` and the reason.',
  tag: 'resolve',
  querystring: query({ component: componentName, customer: subjectId, project: subjectId, plan: subjectId }, ['component']),
  responses: { 200: json('The decision and its explanation.', resolution) },
});

export const auditSchema = operation({
  operationId: 'queryAudit',
  summary: 'Configuration changes, newest first',
  tag: 'audit',
  querystring: query({
    component: componentName,
    subject: { type: 'string', description: 'A customer, project, plan, version, channel or token name.' },
    since: timestamp,
    until: timestamp,
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    cursor: { type: 'string', description: 'From the previous page.' },
  }),
  responses: {
    200: json('A page of entries.', {
      type: 'object',
      additionalProperties: false,
      required: ['entries'],
      properties: { entries: { type: 'array', items: auditEntry }, cursor: { type: 'string', description: 'Present when there is another page.' } },
    }),
  },
});

export const createTokenSchema = operation({
  operationId: 'createToken',
  summary: 'Create a named token',
  tag: 'tokens',
  body: body({ name: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,62}$' }, scopes: { type: 'array', minItems: 1, items: tokenScope }, reason }, ['name', 'scopes']),
  responses: { 201: json('The token, shown this once.', createdToken) },
});

export const listTokensSchema = operation({
  operationId: 'listTokens',
  summary: 'Every named token (never the token itself)',
  tag: 'tokens',
  responses: { 200: json('The tokens.', { type: 'object', additionalProperties: false, required: ['tokens'], properties: { tokens: { type: 'array', items: token } } }) },
});

export const revokeTokenSchema = operation({
  operationId: 'revokeToken',
  summary: 'Revoke a named token',
  tag: 'tokens',
  params: pathParams({ name: { type: 'string' } }),
  querystring: reasonQuery,
  responses: { 204: NO_CONTENT },
});
