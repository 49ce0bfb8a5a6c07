import { randomUUID } from 'node:crypto';
import {
  type AuditEntry,
  type AuditLog,
  assertComponentName,
  assertSubject,
  encodeOverride,
  MAX_OVERRIDE_COMPONENTS,
  type RoutingConfigStore,
  type SnapshotCache,
  ValidationError,
  VrouterError,
} from '@vrouter/core';
import type { ChangeContext } from './admin.js';
import type { Keyring } from './chain.js';
import { type Body, object, only, optionalText } from './input.js';

export interface OverrideServiceOptions {
  keyring: Keyring;
  store: Pick<RoutingConfigStore, 'rotateSigningKeys'>;
  cache: SnapshotCache;
  audit: AuditLog;
  /** The longest an override may last (VROUTER_OVERRIDE_MAX_TTL_SECONDS). */
  maxTtlSeconds: number;
  /** How long a rotated-out key still verifies (VROUTER_SIGNING_KEY_GRACE_SECONDS), reported by rotateKey. */
  graceSeconds: number;
}

/**
 * Mints per-event override tokens and rotates the deployment's signing key. Both are audited: an override with its
 * versions, subject, expiry and reason, a rotation with the key ids; never a token or a secret.
 */
export class OverrideService {
  constructor(private readonly options: OverrideServiceOptions) {}

  /** `POST /v1/overrides`: validates against the routing snapshot, signs, audits. */
  async create(input: unknown, ctx: ChangeContext): Promise<{ token: string; expiresAt: string }> {
    const body = only(object(input), ['versions', 'ttlSeconds', 'subject', 'reason']);
    const versions = this.versions(body);
    const ttl = body.ttlSeconds;
    const max = this.options.maxTtlSeconds;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1) throw new ValidationError('ttlSeconds', 'ttlSeconds must be a whole number of seconds, at least 1.');
    if (ttl > max) throw new ValidationError('ttlSeconds', `ttlSeconds must be at most ${max} (VROUTER_OVERRIDE_MAX_TTL_SECONDS).`);
    const subject = body.subject === undefined ? undefined : assertSubject(body.subject, 'subject');
    const reason = optionalText(body, 'reason', 1024);
    const expiresAt = (Math.floor(Date.now() / 1000) + ttl) * 1000;
    const token = encodeOverride({ versions, expiresAt, ...(subject !== undefined ? { subject } : {}) }, await this.options.keyring.signing());
    const at = new Date(expiresAt).toISOString();
    await this.audit(ctx, 'override.create', subject, { versions, subject: subject ?? null, expiresAt: at }, reason);
    return { token, expiresAt: at };
  }

  /** Replaces the signing key; the previous one verifies for the grace period, then tokens and contexts it signed fail. */
  async rotateKey(input: unknown, ctx: ChangeContext): Promise<{ keyId: string; previousKeyId: string | null; previousValidUntil: string | null }> {
    const body = only(object(input ?? {}), ['reason']);
    const rotated = await this.options.store.rotateSigningKeys();
    await this.options.cache.reload();
    const previous = rotated.previous;
    const answer = {
      keyId: rotated.current.id,
      previousKeyId: previous?.id ?? null,
      previousValidUntil: previous ? new Date(Date.parse(previous.retiredAt) + this.options.graceSeconds * 1000).toISOString() : null,
    };
    await this.audit(ctx, 'signing-key.rotate', rotated.current.id, answer, optionalText(body, 'reason', 1024), { keyId: previous?.id ?? null });
    return answer;
  }

  private versions(body: Body): Record<string, string> {
    const raw = body.versions;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError('versions', 'versions must be an object of component → version.');
    const entries = Object.entries(raw as Record<string, unknown>);
    if (entries.length === 0) throw new ValidationError('versions', 'versions must name at least one component.');
    if (entries.length > MAX_OVERRIDE_COMPONENTS) throw new ValidationError('versions', `versions names at most ${MAX_OVERRIDE_COMPONENTS} components.`);
    const snapshot = this.options.cache.current();
    const versions: Record<string, string> = {};
    for (const [name, version] of entries) {
      const component = assertComponentName(name, `versions.${name}`);
      const routing = snapshot.components.get(component);
      if (!routing) throw new VrouterError('VR_COMPONENT_UNKNOWN', `Component ${component} is not registered.`, { field: `versions.${component}` });
      if (typeof version !== 'string' || !routing.versions.has(version)) {
        throw new VrouterError('VR_VERSION_UNKNOWN', `Version ${String(version)} of ${component} is not registered.`, { field: `versions.${component}` });
      }
      versions[component] = version;
    }
    return versions;
  }

  private async audit(
    ctx: ChangeContext,
    action: AuditEntry['action'],
    subject: string | undefined,
    after: unknown,
    reason: string | undefined,
    before: unknown = null,
  ): Promise<void> {
    await this.options.audit.append([
      {
        id: randomUUID(),
        at: new Date().toISOString(),
        actor: ctx.actor,
        ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
        action,
        ...(subject !== undefined ? { subject } : {}),
        before,
        after,
        ...(reason ? { reason } : {}),
      },
    ]);
  }
}
