import { CHANNELS, COMPONENT_NAME, LAMBDA_INVOCATION_TYPES, SCOPES, SUBJECT_NAME, SUBSCRIPTION_PATTERN, TOKEN_SCOPES, VERSION_NAME } from '@vrouter/core';

/**
 * JSON Schemas of the records the API reads and writes, for the OpenAPI document only: requests are validated by
 * AdminService and the core parse functions, which produce our problem codes. Names and closed sets come from core,
 * so the documented patterns are the enforced ones.
 */

const DISPATCH_STATUSES = ['pending', 'dispatched', 'succeeded', 'failed'];
export const dispatchStatus = { type: 'string', enum: DISPATCH_STATUSES };
const PIN_SOURCES = [...SCOPES, 'default'];
const CONSIDERATION_OUTCOMES = ['matched', 'no-subject', 'no-pin', 'expired', 'channel-empty', 'version-unknown', 'not-reached'];
const AUDIT_ACTIONS = [
  'component.put',
  'component.delete',
  'version.put',
  'version.delete',
  'channel.set',
  'channel.promote',
  'channel.rollback',
  'pin.set',
  'pin.delete',
  'customer.put',
  'project.put',
  'token.create',
  'token.revoke',
  'shadow.set',
  'shadow.delete',
];

export const componentName = { type: 'string', pattern: COMPONENT_NAME.source, description: 'A component name, e.g. `release-coordinator`.' };
export const versionName = { type: 'string', pattern: VERSION_NAME.source, description: 'A version name, e.g. `v23`.' };
export const subjectId = { type: 'string', pattern: SUBJECT_NAME.source };
export const channelName = { type: 'string', enum: [...CHANNELS] };
export const pinScope = { type: 'string', enum: [...SCOPES] };
export const tokenScope = { type: 'string', enum: [...TOKEN_SCOPES] };
export const timestamp = { type: 'string', format: 'date-time', description: 'RFC 3339.' };
export const reason = { type: 'string', maxLength: 1024, description: 'Why, for the audit log.' };
export const force = { type: 'boolean', default: false, description: 'Override a safety check; needs a `reason`.' };
const etag = { type: 'string', description: 'Entity tag of the stored record (also sent as the ETag header).' };
export const nullable = (schema: Record<string, unknown>) => ({
  ...schema,
  type: [schema.type as string, 'null'],
  ...(schema.enum ? { enum: [...(schema.enum as unknown[]), null] } : {}),
});
const pinRef = { type: ['object', 'null'], additionalProperties: false, required: ['scope', 'subject'], properties: { scope: pinScope, subject: subjectId } };

const lambdaTarget = {
  title: 'LambdaTarget',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'functionName', 'qualifier'],
  properties: {
    kind: { type: 'string', enum: ['lambda'] },
    functionName: { type: 'string', maxLength: 170 },
    qualifier: { type: 'string', maxLength: 128, description: 'A published version number or alias; never `$LATEST`.' },
    invocationType: { type: 'string', enum: [...LAMBDA_INVOCATION_TYPES], default: 'RequestResponse' },
  },
};
const ecsTarget = {
  title: 'EcsTarget',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'cluster', 'taskDefinition', 'containerName'],
  properties: {
    kind: { type: 'string', enum: ['ecs'] },
    cluster: { type: 'string', maxLength: 512 },
    taskDefinition: { type: 'string', description: '`family:revision` or its ARN.' },
    containerName: { type: 'string', maxLength: 255 },
    launchType: { type: 'string', enum: ['FARGATE', 'EC2', 'EXTERNAL'], default: 'FARGATE' },
    networkConfiguration: { type: 'object', description: 'The ECS RunTask networkConfiguration, as is.' },
  },
};
const httpTarget = {
  title: 'HttpTarget',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'url'],
  properties: {
    kind: { type: 'string', enum: ['http'] },
    url: { type: 'string', format: 'uri', maxLength: 2048, description: 'An absolute http(s) URL without credentials.' },
    timeoutMs: { type: 'integer', minimum: 1, maximum: 900_000, default: 10_000 },
  },
};
export const target = { title: 'Target', description: 'Where a version runs.', oneOf: [lambdaTarget, ecsTarget, httpTarget] };

export const component = {
  title: 'Component',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'subscriptions', 'createdAt', 'updatedAt'],
  properties: {
    name: componentName,
    description: { type: 'string', maxLength: 1024 },
    subscriptions: { type: 'array', items: { type: 'string', pattern: SUBSCRIPTION_PATTERN.source }, description: 'Event types: exact, a prefix (`build.*`) or `*`.' },
    shadow: {
      type: 'object',
      additionalProperties: false,
      required: ['version', 'percent'],
      description: 'Live events of a sticky share of customers are mirrored to this version, marked shadow.',
      properties: { version: versionName, percent: { type: 'number', minimum: 0, maximum: 100 } },
    },
    createdAt: timestamp,
    updatedAt: timestamp,
    etag,
  },
};

export const version = {
  title: 'Version',
  type: 'object',
  additionalProperties: false,
  required: ['component', 'name', 'target', 'registeredAt'],
  properties: {
    component: componentName,
    name: versionName,
    target,
    maxConcurrency: { type: 'integer', minimum: 1, maximum: 100_000, description: 'In-flight dispatches per router process.' },
    registeredAt: timestamp,
    etag,
  },
};

export const componentDetail = {
  ...component,
  title: 'ComponentDetail',
  required: [...component.required, 'channels', 'versions'],
  properties: {
    ...component.properties,
    channels: {
      type: 'object',
      additionalProperties: false,
      description: 'The version each channel points at; a channel that points at none is absent.',
      properties: Object.fromEntries(CHANNELS.map((c) => [c, versionName])),
    },
    versions: { type: 'array', items: version, description: 'Oldest first.' },
  },
};

export const channelPointer = {
  title: 'ChannelPointer',
  type: 'object',
  additionalProperties: false,
  required: ['component', 'channel', 'version', 'updatedAt'],
  properties: {
    component: componentName,
    channel: channelName,
    version: versionName,
    previousVersion: { ...versionName, description: 'What rollback returns to.' },
    updatedAt: timestamp,
    etag,
  },
};

export const pin = {
  title: 'Pin',
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'subject', 'component', 'createdAt'],
  oneOf: [{ required: ['channel'] }, { required: ['version'] }],
  properties: {
    scope: pinScope,
    subject: subjectId,
    component: componentName,
    channel: channelName,
    version: versionName,
    expiresAt: timestamp,
    reason: { type: 'string' },
    createdAt: timestamp,
    etag,
  },
};

export const customer = {
  title: 'Customer',
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: subjectId, plan: subjectId, etag },
};

export const project = {
  title: 'Project',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'customer'],
  properties: { id: subjectId, customer: subjectId, etag },
};

export const token = {
  title: 'Token',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'scopes', 'createdAt', 'createdBy'],
  properties: { name: { type: 'string' }, scopes: { type: 'array', items: tokenScope }, createdAt: timestamp, createdBy: { type: 'string' } },
};

export const createdToken = {
  title: 'CreatedToken',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'token', 'scopes'],
  properties: { name: { type: 'string' }, token: { type: 'string', description: 'Shown once; only its SHA-256 is stored.' }, scopes: { type: 'array', items: tokenScope } },
};

const routingContext = {
  type: 'object',
  additionalProperties: false,
  description: 'Who the decision is for, with the customer derived from a known project and the plan from the customer.',
  properties: { customer: subjectId, project: subjectId, plan: subjectId },
};

const consideration = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'subject', 'outcome', 'detail'],
  properties: {
    scope: { type: 'string', enum: PIN_SOURCES },
    subject: { type: ['string', 'null'] },
    outcome: { type: 'string', enum: CONSIDERATION_OUTCOMES },
    pin: {
      type: 'object',
      additionalProperties: false,
      properties: { channel: channelName, version: versionName, expiresAt: timestamp, reason: { type: 'string' } },
    },
    detail: { type: 'string' },
  },
};

const resolutionCommon = {
  component: componentName,
  considered: { type: 'array', items: consideration, description: 'Every scope looked at, most specific first, and why it did or did not match.' },
  context: routingContext,
  configRevision: { type: 'integer', description: 'The configuration revision the decision was made with.' },
};

export const resolution = {
  title: 'Resolution',
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['resolved', 'component', 'version', 'channel', 'target', 'source', 'pin', 'considered', 'context', 'configRevision'],
      properties: {
        ...resolutionCommon,
        resolved: { type: 'boolean', enum: [true] },
        version: versionName,
        channel: nullable(channelName),
        target,
        source: { type: 'string', enum: PIN_SOURCES },
        pin: pinRef,
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['resolved', 'component', 'reason', 'considered', 'context', 'configRevision'],
      properties: { ...resolutionCommon, resolved: { type: 'boolean', enum: [false] }, reason: { type: 'string' } },
    },
  ],
};

export const cloudEvent = {
  title: 'CloudEvent',
  description:
    'A CloudEvents 1.0 event in structured JSON mode. Routing extension attributes: `customerid` (required unless `projectid` names a project with a known customer), `projectid`, `plan`, `component`.',
  type: 'object',
  additionalProperties: true,
  required: ['specversion', 'id', 'source', 'type'],
  properties: {
    specversion: { type: 'string', enum: ['1.0'] },
    id: { type: 'string', minLength: 1, maxLength: 256 },
    source: { type: 'string', minLength: 1, maxLength: 1024 },
    type: { type: 'string', minLength: 1, maxLength: 256 },
    time: timestamp,
    subject: { type: 'string' },
    datacontenttype: { type: 'string' },
    dataschema: { type: 'string' },
    data: { description: 'Any JSON value.' },
    data_base64: { type: 'string' },
    traceparent: { type: 'string' },
    tracestate: { type: 'string' },
    customerid: subjectId,
    projectid: subjectId,
    plan: subjectId,
    component: componentName,
  },
};

export const dispatchError = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'message'],
  properties: { code: { type: 'string', description: 'A VR_* code or the target’s own error type.' }, message: { type: 'string' } },
};

export const dispatchSummary = {
  type: 'object',
  additionalProperties: false,
  required: ['component', 'version', 'channel', 'pin', 'status'],
  properties: {
    component: componentName,
    version: { ...nullable(versionName), description: 'Null when no version could be resolved.' },
    channel: nullable(channelName),
    pin: pinRef,
    status: dispatchStatus,
    error: dispatchError,
  },
};

/** One completed dispatch of an event to a component: the original attempt, or a replay. */
export const dispatchHistoryEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'status', 'attempts', 'at', 'replayId'],
  properties: {
    version: nullable(versionName),
    status: { type: 'string', enum: ['dispatched', 'succeeded', 'failed'] },
    attempts: { type: 'integer', minimum: 0 },
    at: timestamp,
    replayId: { type: ['string', 'null'], description: 'The replay that produced this outcome; null for the original dispatch.' },
    error: { ...dispatchError, description: 'Why it failed (detail only).' },
  },
};

const dispatchOutcome = {
  type: 'object',
  additionalProperties: false,
  required: ['component', 'version', 'channel', 'pin', 'pinSource', 'status', 'attempts', 'idempotencyKey', 'claimedAt', 'updatedAt', 'lastError', 'response'],
  properties: {
    component: componentName,
    version: nullable(versionName),
    channel: nullable(channelName),
    pin: pinRef,
    pinSource: { type: ['string', 'null'], enum: [...PIN_SOURCES, null] },
    status: dispatchStatus,
    attempts: { type: 'integer', minimum: 0 },
    idempotencyKey: { type: 'string' },
    claimedAt: timestamp,
    updatedAt: timestamp,
    lastError: { ...dispatchError, type: ['object', 'null'] },
    response: { type: ['string', 'null'], description: 'The target’s answer (RequestResponse), truncated.' },
  },
};

export const eventDetail = {
  title: 'EventDetail',
  type: 'object',
  additionalProperties: false,
  required: ['source', 'id', 'type', 'receivedAt', 'customer', 'project', 'plan', 'components', 'event', 'dispatches'],
  properties: {
    source: { type: 'string' },
    id: { type: 'string' },
    type: { type: 'string' },
    receivedAt: timestamp,
    customer: { type: ['string', 'null'] },
    project: { type: ['string', 'null'] },
    plan: { type: ['string', 'null'] },
    components: { type: 'array', items: componentName },
    event: cloudEvent,
    dispatches: {
      type: 'array',
      description: 'The dispatch to each component, as its latest outcome left it (a completed replay’s version, status, attempts and error), with its history.',
      items: {
        ...dispatchOutcome,
        required: [...dispatchOutcome.required, 'lastReplayId', 'history'],
        properties: {
          ...dispatchOutcome.properties,
          lastReplayId: { type: ['string', 'null'], description: 'The last replay that dispatched this event to this component again.' },
          history: {
            type: 'array',
            items: dispatchHistoryEntry,
            description: 'Every outcome, oldest first: the original attempt, then each completed replay. The dispatch’s version, status, attempts and error are the last entry’s.',
          },
        },
      },
    },
    replays: {
      type: 'array',
      description: 'The dispatches of replays of this event.',
      items: { ...dispatchOutcome, required: ['replayId', ...dispatchOutcome.required], properties: { replayId: { type: 'string' }, ...dispatchOutcome.properties } },
    },
    shadows: {
      type: 'array',
      description: 'The shadow dispatches of this event (to a component’s candidate version); they never change its status.',
      items: dispatchOutcome,
    },
  },
};

export const auditEntry = {
  title: 'AuditEntry',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'at', 'actor', 'action', 'before', 'after'],
  properties: {
    id: { type: 'string' },
    at: timestamp,
    actor: { type: 'string', description: 'The name of the token that made the change.' },
    requestId: { type: 'string' },
    action: { type: 'string', enum: AUDIT_ACTIONS },
    component: componentName,
    subject: { type: 'string' },
    scope: pinScope,
    before: { description: 'The record before the change, or null.' },
    after: { description: 'The record after the change, or null.' },
    reason: { type: 'string' },
    forced: { type: 'boolean' },
    bulkId: { type: 'string' },
  },
};
