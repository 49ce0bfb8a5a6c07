import { SCHEMAS } from '@vrouter/api';
import { assertTimestamp, VrouterError } from '@vrouter/core';
import { Ajv, type ErrorObject } from 'ajv';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';

/** One check of RFC 3339 timestamps: core's, so the schema accepts exactly what the services do. */
function isTimestamp(value: string): boolean {
  try {
    assertTimestamp(value, 'value');
    return true;
  } catch {
    return false;
  }
}

function validator(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    // Bodies keep their JSON types (`"plan": ["pro"]` is an error, not "pro"); query strings and paths are text.
    coerceTypes,
    // Defaults are the services' to apply; unknown fields are refused, never silently dropped.
    useDefaults: false,
    removeAdditional: false,
    allErrors: false,
    discriminator: true,
    allowUnionTypes: true,
    strictRequired: false,
    formats: { 'date-time': isTimestamp },
  });
  for (const schema of SCHEMAS) ajv.addSchema(schema);
  return ajv;
}

/**
 * Compiles every route's request schemas: one validator for bodies (no coercion) and one for params, query strings
 * and headers (coerced from text), both knowing every named schema of @vrouter/api.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const bodies = validator(false);
  const text = validator(true);
  return ({ schema, httpPart }) => (httpPart === 'body' ? bodies : text).compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
}

/** Adds the named schemas to fastify (for the response serializers and the OpenAPI document). */
export function addSchemas(app: FastifyInstance): void {
  for (const schema of SCHEMAS) app.addSchema(schema);
}

/** What the services name the field: `target.url`, `filter.status`, `subscriptions[0]`; `body` for the body itself. */
export function fieldOf(error: ErrorObject, context: string | undefined): string {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  const params = error.params as Record<string, unknown>;
  const named =
    error.keyword === 'required'
      ? params.missingProperty
      : error.keyword === 'additionalProperties'
        ? params.additionalProperty
        : error.keyword === 'discriminator'
          ? params.tag
          : undefined;
  if (typeof named === 'string') segments.push(named);
  // A value outside its closed set inside a list names the list, as the services always have (`scopes`).
  if (error.keyword === 'enum' && /^\d+$/.test(segments.at(-1) ?? '')) segments.pop();
  if (segments.length === 0) return context === 'body' || context === undefined ? 'body' : context;
  return segments.reduce((field, s) => (/^\d+$/.test(s) ? `${field}[${s}]` : field ? `${field}.${s}` : s), '');
}

interface FastifyValidationError {
  validation: ErrorObject[];
  validationContext?: string;
}

export function isValidationError(error: unknown): error is FastifyValidationError {
  return Array.isArray((error as Partial<FastifyValidationError> | undefined)?.validation);
}

/** A failed schema check as our problem: VR_VALIDATION naming the field. */
export function validationProblem(error: FastifyValidationError): VrouterError {
  const first = error.validation[0];
  if (!first) return new VrouterError('VR_VALIDATION', 'The request is invalid.', { cause: error });
  const field = fieldOf(first, error.validationContext);
  const allowed = (first.params as { allowedValues?: unknown[] }).allowedValues;
  const message =
    first.keyword === 'additionalProperties' ? `Unknown field ${JSON.stringify(field)}.` : `${field} ${first.message ?? 'is invalid'}${allowed ? `: ${allowed.join(', ')}` : ''}.`;
  return new VrouterError('VR_VALIDATION', message, { field, cause: error });
}
