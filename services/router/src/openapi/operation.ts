import type { TSchema } from '@sinclair/typebox';
import { ETAG_HEADER, Problem } from '@vrouter/api';
import type { FastifySchema } from 'fastify';

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

/** A documented answer: a JSON body (`schema`) or none (204); `etag` documents the ETag header. */
export interface Answer {
  description: string;
  schema?: TSchema;
  etag?: boolean;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  /** Health and payload references only: no bearer token. */
  anonymous?: boolean;
  params?: TSchema;
  querystring?: TSchema;
  headers?: TSchema;
  body?: TSchema;
  /** The 2xx answers; the problem answers are added. */
  responses: Record<number, Answer>;
}

/** A named schema is referred to (fastify and the document both know it by its `$id`); others are used as they are. */
const named = (schema: TSchema): TSchema => (schema.$id ? ({ $ref: schema.$id } as unknown as TSchema) : schema);
/** Parameters are documented one by one, so their object is used inline, without its `$id`. */
function inline(schema: TSchema): TSchema {
  const { $id: _id, ...rest } = schema;
  return rest as TSchema;
}

const problem = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: named(Problem) } },
});

/** The 429 of a rate-limited route; added by the document's transform for the routes rate-limit.ts limits. */
export const RATE_LIMITED = problem('Too many admin requests from this token (or address) this minute.', {
  'retry-after': { type: 'integer', description: 'Seconds until the window resets.' },
});

function errorResponses(authenticated: boolean) {
  return {
    ...(authenticated
      ? {
          401: problem('No bearer token, or not a valid one (VR_UNAUTHORIZED).', { 'www-authenticate': { type: 'string', description: '`Bearer`.' } }),
          403: problem('The token lacks the scope this route needs (VR_FORBIDDEN).'),
        }
      : {}),
    '4xx': problem('The request was refused; `code` says why and, for validation, `field` names the input.'),
    '5xx': problem('The router or what it depends on failed.'),
  };
}

/**
 * The route `schema` of one operation: fastify validates params, query, headers and body with it, serialises each
 * answer with the schema of its status, and @fastify/swagger documents it. Schemas are the named ones of @vrouter/api.
 */
/** The route schema, typed with the request parts' schemas so the TypeBox type provider infers params, query and body. */
export type RouteSchema<O extends Operation> = FastifySchema & { params: O['params']; querystring: O['querystring']; headers: O['headers']; body: O['body'] };

export function operation<const O extends Operation>(op: O): RouteSchema<O> {
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(op.responses)) {
    responses[status] = answer.schema
      ? { description: answer.description, ...(answer.etag ? { headers: ETAG_HEADER } : {}), content: { 'application/json': { schema: named(answer.schema) } } }
      : { description: answer.description, type: 'null' };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...(op.anonymous ? {} : { security: [{ [BEARER_SCHEME]: [] }] }),
    ...(op.params ? { params: inline(op.params) } : {}),
    ...(op.querystring ? { querystring: inline(op.querystring) } : {}),
    ...(op.headers ? { headers: inline(op.headers) } : {}),
    ...(op.body ? { body: named(op.body) } : {}),
    response: { ...responses, ...errorResponses(!op.anonymous) },
  } as RouteSchema<O>;
}
