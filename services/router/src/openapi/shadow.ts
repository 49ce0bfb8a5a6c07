import { body, ETAG, json, NO_CONTENT, operation, pathParams, PRECONDITIONS, query } from './operation.js';
import { component, componentName, dispatchStatus, nullable, reason, timestamp, versionName } from './shapes.js';

const componentParam = pathParams({ component: componentName });

export const putShadowSchema = operation({
  operationId: 'putShadow',
  summary: 'Mirror a share of live events to a candidate version',
  description:
    'A sticky `percent` of customers (hashed with the component) get each live event also dispatched to `version`, with `vrouter.shadow: true`. The shadow outcome is recorded apart and never affects the primary.',
  tag: 'shadow',
  params: componentParam,
  headers: PRECONDITIONS,
  body: body({ version: versionName, percent: { type: 'number', minimum: 0, maximum: 100 }, reason }, ['version', 'percent']),
  responses: { 200: json('The component with its shadow configuration.', component, ETAG) },
});

export const deleteShadowSchema = operation({
  operationId: 'deleteShadow',
  summary: 'Stop mirroring live events',
  tag: 'shadow',
  params: componentParam,
  querystring: query({ reason }),
  headers: PRECONDITIONS,
  responses: { 204: NO_CONTENT },
});

const outcome = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'status'],
  properties: { version: nullable(versionName), status: nullable(dispatchStatus), error: nullable({ type: 'string' }) },
};

export const compareShadowSchema = operation({
  operationId: 'compareShadow',
  summary: 'Compare shadow and primary outcomes',
  description:
    'For the shadow dispatches received in the window (newest first, at most `limit`): how often each side succeeded, where they disagree, and for synchronous targets whether the answers match.',
  tag: 'shadow',
  params: componentParam,
  querystring: query({ from: timestamp, to: timestamp, limit: { type: 'integer', minimum: 1, maximum: 100, default: 100 } }),
  responses: {
    200: json('The comparison.', {
      type: 'object',
      additionalProperties: false,
      required: ['component', 'from', 'to', 'compared', 'primary', 'shadow', 'agreement', 'responses', 'differences'],
      properties: {
        component: componentName,
        from: timestamp,
        to: timestamp,
        shadowVersion: nullable(versionName),
        compared: { type: 'integer' },
        primary: { type: 'object', additionalProperties: { type: 'integer' } },
        shadow: { type: 'object', additionalProperties: { type: 'integer' } },
        agreement: {
          type: 'object',
          additionalProperties: false,
          required: ['bothSucceeded', 'bothFailed', 'shadowOnlyFailed', 'primaryOnlyFailed', 'undecided'],
          properties: Object.fromEntries(['bothSucceeded', 'bothFailed', 'shadowOnlyFailed', 'primaryOnlyFailed', 'undecided'].map((k) => [k, { type: 'integer' }])),
        },
        responses: {
          type: 'object',
          additionalProperties: false,
          required: ['compared', 'matched', 'differed'],
          properties: { compared: { type: 'integer' }, matched: { type: 'integer' }, differed: { type: 'integer' } },
        },
        differences: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['source', 'id', 'primary', 'shadow', 'why'],
            properties: { source: { type: 'string' }, id: { type: 'string' }, primary: outcome, shadow: outcome, why: { type: 'string' } },
          },
        },
      },
    }),
  },
});
