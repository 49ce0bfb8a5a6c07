import { ValidationError } from '@vrouter/core';
import type { ChangeContext, Tagged } from '@vrouter/engine';
import { ATTR_ADMIN_ACTOR, ATTR_COMPONENT, ATTR_PIN_SCOPE, ATTR_PIN_SUBJECT, ATTR_VERSION, withAdminSpan } from '@vrouter/telemetry';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What every configuration-changing route shares: its span, who asks and on what condition, and the entity tag it answers. */

/** An entity tag as HTTP writes it; weak validators (`W/`) compare by their opaque part. */
const quoted = (etag: string): string => `"${etag}"`;
function unquoted(header: string | string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^\s*(?:W\/)?"([^"]*)"\s*$/.exec(value ?? '');
  if (!match) throw new ValidationError(name, `${name} must be one entity tag, e.g. "${'abc123'}".`);
  return match[1];
}

/**
 * Runs an admin change in its own span (who changed what: action, actor, component, pin scope and subject),
 * so configuration changes can be lined up with error rates in the same backend.
 */
export function act<T>(request: FastifyRequest, action: string, fn: () => Promise<T>): Promise<T> {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  return withAdminSpan(
    action,
    {
      [ATTR_ADMIN_ACTOR]: request.principal?.name,
      [ATTR_COMPONENT]: params.component,
      [ATTR_PIN_SCOPE]: params.scope,
      [ATTR_PIN_SUBJECT]: params.subject ?? params.customer ?? params.project ?? params.name,
      [ATTR_VERSION]: params.version,
    },
    fn,
  );
}

/** Who is changing what, from the request: the token's name, the request id, and If-Match / If-None-Match. */
export function change(request: FastifyRequest, extra: { reason?: string } = {}): ChangeContext & { reason?: string } {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') throw new ValidationError('if-none-match', 'Only If-None-Match: * is supported on writes.');
  const ifMatch = unquoted(request.headers['if-match'], 'if-match');
  return {
    actor: request.principal?.name ?? 'unknown',
    requestId: request.id,
    ...(ifMatch !== undefined ? { ifMatch } : {}),
    ...(ifNoneMatch === '*' ? { ifNoneMatch: true } : {}),
    ...(extra.reason ? { reason: extra.reason } : {}),
  };
}

export function tagged<T>(reply: FastifyReply, result: Tagged<T>): T {
  reply.header('etag', quoted(result.etag));
  return result.value;
}

export function withEtag<T extends { etag?: string }>(reply: FastifyReply, record: T): T {
  if (record.etag) reply.header('etag', quoted(record.etag));
  return record;
}
