import { type Static, type TSchema, type TUnsafe, Type } from '@sinclair/typebox';
import { CHANNELS, COMPONENT_NAME, DISPATCH_STATUSES, PIN_SOURCES, SCOPES, SUBJECT_NAME, TOKEN_SCOPES, VERSION_NAME } from '@vrouter/core';

/**
 * Building blocks of the contract. Names and closed sets come from core, so the validated patterns are the ones
 * core enforces. No `default` keyword anywhere: the serializer would write defaults into answers that never had
 * them; defaults are stated in descriptions and applied by the services.
 */

/** A reference to a named schema (one with `$id`), typed as the schema it names. */
export function ref<T extends TSchema>(schema: T, options: { description?: string } = {}): TUnsafe<Static<T>> {
  if (!schema.$id) throw new Error('ref() needs a schema with an $id.');
  return Type.Unsafe<Static<T>>({ $ref: schema.$id, ...options });
}

/** A string from a closed set, written as an `enum` (reads better in the document than `anyOf` of constants). */
export function closed<const T extends readonly string[]>(values: T, options: { description?: string; $id?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export function nullable<T extends TSchema>(schema: T, options: { description?: string } = {}) {
  return Type.Union([schema, Type.Null()], options);
}

/** Free text: bounded, and without control characters (they end up in terminals and Slack messages). */
export const text = (maxLength: number, description?: string) => Type.String({ maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$', ...(description ? { description } : {}) });

export const ComponentName = Type.String({ pattern: COMPONENT_NAME.source, description: 'A component name, e.g. `release-coordinator`.' });
export const VersionName = Type.String({ pattern: VERSION_NAME.source, description: 'A version name, e.g. `v23`.' });
export const SubjectId = Type.String({ pattern: SUBJECT_NAME.source, description: 'A customer, project or plan id.' });
export const ChannelName = closed(CHANNELS);
export const PinScope = closed(SCOPES);
export const TokenScope = closed(TOKEN_SCOPES);
export const DispatchStatus = closed(DISPATCH_STATUSES);
export const PinSource = closed(PIN_SOURCES, { description: 'What decided the version: `override`, `chain`, a pin scope, or `default` (stable).' });
export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339.' });
export const Reason = text(1024, 'Why, for the audit log.');
export const Force = nullable(Type.Boolean(), { description: 'Override a safety check; needs a `reason`. Default: false.' });
export const Etag = Type.String({ description: 'Entity tag of the stored record (also sent as the ETag header).' });
export const PinRef = nullable(Type.Object({ scope: PinScope, subject: SubjectId }, { additionalProperties: false }));

/** A `?reason=` on deletes, for the audit log. */
export const ReasonQuery = Type.Object({ reason: Type.Optional(Reason) });

/** Conditional writes: If-Match (the record's ETag) and If-None-Match: * (create only). */
export const Preconditions = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'Write only if the record’s entity tag is still this one (else 412 VR_PRECONDITION_FAILED).' })),
  'if-none-match': Type.Optional(Type.Literal('*', { description: 'Write only if the record does not exist yet.' })),
});

/** The ETag response header of a configuration record. */
export const ETAG_HEADER = { etag: { type: 'string', description: 'The entity tag of the record; send it in If-Match to change it only if nobody else has.' } } as const;
