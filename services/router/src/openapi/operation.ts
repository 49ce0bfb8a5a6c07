import type { FastifySchema } from 'fastify';
import { errorResponses } from './problems.js';

/** The security scheme every /v1 route uses: `Authorization: Bearer <token>`. */
export const BEARER_SCHEME = 'bearerAuth';

/** Tags group the operations in the document, in this order. */
export const TAGS = [
  { name: 'events', description: 'Ingest CloudEvents and look up what happened to them.' },
  { name: 'components', description: 'Components, their versions and their channels.' },
  { name: 'pins', description: 'Pins of a project, customer or plan to a channel or a version.' },
  { name: 'subjects', description: 'Customers (with their plan) and projects (with their customer).' },
  { name: 'resolve', description: 'Which version an event would be routed to now, and why.' },
  { name: 'replays', description: 'Dispatch logged events again, to the current, the original or an explicit version.' },
  { name: 'overrides', description: 'Signed per-event override tokens (previews, QA, support) and the key that signs them and chain contexts.' },
  { name: 'shadow', description: 'Mirror live events to a candidate version and compare its outcomes with the primary.' },
  { name: 'audit', description: 'Every configuration change, with actor, time, before and after.' },
  { name: 'tokens', description: 'Named API tokens and their scopes.' },
  { name: 'health', description: 'Liveness and readiness; no token needed.' },
] as const;
export type Tag = (typeof TAGS)[number]['name'];

type Schema = Record<string, unknown>;

/** A 2xx JSON response; `headers` are documented response headers (e.g. ETag). */
export function json(description: string, schema: Schema, headers?: Record<string, Schema>) {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema } } };
}

export const NO_CONTENT = { description: 'Done; no body.', type: 'null' };

export const ETAG = { etag: { type: 'string', description: 'The entity tag of the record; send it in If-Match to change it only if nobody else has.' } };

/** Conditional writes (see the `change` helper in ../routes/admin.ts). */
export const PRECONDITIONS = {
  type: 'object',
  properties: {
    'if-match': { type: 'string', description: 'Write only if the record’s entity tag is still this one (else 412 VR_PRECONDITION_FAILED).' },
    'if-none-match': { type: 'string', enum: ['*'], description: 'Write only if the record does not exist yet.' },
  },
};

/** Path parameters, all required. */
export function pathParams(properties: Record<string, Schema>): Schema {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
}

export function query(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: 'object', additionalProperties: false, ...(required.length > 0 ? { required } : {}), properties };
}

/** A JSON object body with exactly these fields: AdminService refuses unknown ones. */
export function body(properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema {
  return { type: 'object', additionalProperties: false, ...(required.length > 0 ? { required } : {}), properties, ...extra };
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  /** Health only: no token needed. */
  anonymous?: boolean;
  params?: Schema;
  querystring?: Schema;
  headers?: Schema;
  body?: Schema;
  /** The 2xx responses; the problem responses are added. */
  responses: Record<number, Schema>;
}

/**
 * The route `schema` of one operation. Documentation only: app.ts compiles neither validators nor serializers from it,
 * so our own validation keeps producing our codes and responses are sent as the handlers build them.
 */
export function operation(op: Operation): FastifySchema {
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...(op.anonymous ? {} : { security: [{ [BEARER_SCHEME]: [] }] }),
    ...(op.params ? { params: op.params } : {}),
    ...(op.querystring ? { querystring: op.querystring } : {}),
    ...(op.headers ? { headers: op.headers } : {}),
    ...(op.body ? { body: op.body } : {}),
    response: { ...op.responses, ...errorResponses({ authenticated: !op.anonymous }) },
  };
}
