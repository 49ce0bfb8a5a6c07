import {
  channelName,
  cloudEvent,
  componentName,
  dispatchError,
  dispatchHistoryEntry,
  dispatchStatus,
  dispatchSummary,
  eventDetail,
  nullable,
  subjectId,
  timestamp,
  versionName,
} from './shapes.js';
import { json, operation, pathParams, query } from './operation.js';
import { problemSchema } from './problems.js';

const batch = { type: 'array', minItems: 1, items: cloudEvent, description: 'A batch: each event is accepted or rejected on its own.' };

const ingestResult = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'dispatches'],
  properties: {
    source: { type: 'string' },
    id: { type: 'string' },
    status: { type: 'string', enum: ['accepted', 'duplicate', 'rejected'], description: '`duplicate`: seen before, not dispatched again.' },
    dispatches: { type: 'array', items: dispatchSummary, description: 'One per component that receives the event.' },
    error: { ...problemSchema(), description: 'Why a rejected event of a batch was rejected.' },
  },
};

export const postEventsSchema = operation({
  operationId: 'postEvents',
  summary: 'Ingest one CloudEvent or a batch',
  description:
    'Routes each event to every component whose subscriptions match its `type` (or to the one its `component` attribute names), at the version its project, customer or plan is pinned to, else the stable channel. The idempotency key of a delivery is (source, id, component): an event posted again is not dispatched again. A single invalid event is a 4xx problem; in a batch, each event answers for itself. Never rate-limited.',
  tag: 'events',
  querystring: query({ wait: { type: 'string', enum: ['true', 'false'], description: '`true`: answer once the dispatches have finished, with their outcome.' } }),
  body: {
    content: {
      'application/cloudevents+json': { schema: cloudEvent },
      'application/cloudevents-batch+json': { schema: batch },
      'application/json': { schema: { oneOf: [cloudEvent, batch] } },
    },
  },
  responses: {
    202: json('Accepted: one result per event, in order.', {
      type: 'object',
      additionalProperties: false,
      required: ['results'],
      properties: { results: { type: 'array', items: ingestResult } },
    }),
  },
});

export const getEventSchema = operation({
  operationId: 'getEvent',
  summary: 'One event, its routing decisions and each dispatch’s outcome',
  tag: 'events',
  params: pathParams({ source: { type: 'string', description: 'The event source, URL-encoded.' }, id: { type: 'string' } }),
  responses: { 200: json('The event.', eventDetail) },
});

const { error: _error, ...historyWithoutError } = dispatchHistoryEntry.properties;

const dispatchRow = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'id', 'component', 'version', 'channel', 'status', 'attempts', 'receivedAt', 'customer', 'project', 'lastError', 'lastReplayId'],
  properties: {
    source: { type: 'string' },
    id: { type: 'string' },
    component: componentName,
    version: nullable(versionName),
    channel: nullable(channelName),
    status: dispatchStatus,
    attempts: { type: 'integer', minimum: 0 },
    receivedAt: timestamp,
    customer: { type: ['string', 'null'] },
    project: { type: ['string', 'null'] },
    lastError: { ...dispatchError, type: ['object', 'null'] },
    lastReplayId: { type: ['string', 'null'] },
    history: {
      type: 'array',
      items: { ...dispatchHistoryEntry, properties: historyWithoutError },
      description: 'Every outcome, oldest first (the original attempt, then each completed replay), without errors; the row shows the last one.',
    },
  },
};

export const listEventsSchema = operation({
  operationId: 'listEvents',
  summary: 'Dispatches in a time window, filtered and paginated',
  description: 'One row per (event, component), newest first unless `order=asc`. The window defaults to the hour before `to` (default: now).',
  tag: 'events',
  querystring: query({
    from: timestamp,
    to: timestamp,
    component: componentName,
    customer: subjectId,
    project: subjectId,
    version: versionName,
    status: dispatchStatus,
    order: { type: 'string', enum: ['desc', 'asc'], default: 'desc' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    cursor: { type: 'string', description: 'From the previous page.' },
  }),
  responses: {
    200: json('A page of dispatches.', {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to', 'items'],
      properties: { from: timestamp, to: timestamp, items: { type: 'array', items: dispatchRow }, cursor: { type: 'string', description: 'Present when there is another page.' } },
    }),
  },
});
