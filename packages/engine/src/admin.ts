import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  CHAIN_MODES,
  type ChainMode,
  type AuditAction,
  type AuditEntry,
  type AuditLog,
  AddressPolicy,
  assertChannel,
  assertComponentName,
  assertScope,
  assertSubject,
  assertSubscription,
  assertTimestamp,
  assertComponentUnused,
  assertStableProven,
  assertVersionName,
  assertVersionUnused,
  type ChannelName,
  type ChannelPointer,
  channelTarget,
  type Component,
  type ComponentRouting,
  type Customer,
  NotFoundError,
  type Pin,
  type PinPolicy,
  type PinScope,
  type Project,
  parseTarget,
  pinFor,
  SCOPES,
  type RoutingConfigStore,
  type RoutingSnapshot,
  type SnapshotCache,
  TOKEN_SCOPES,
  type TokenRecord,
  type TokenScope,
  ValidationError,
  type Version,
  VrouterError,
  type WriteOptions,
} from '@vrouter/core';

import { type Body, object, only, optionalText } from './input.js';
import { type ChangeNotifier, NO_NOTIFIER } from './notifier.js';

/** Who asks for a change, and how: HTTP preconditions, and an explicit override of a safety check. */
export interface ChangeContext extends WriteOptions {
  actor: string;
  requestId?: string;
}

export type AdminPolicy = PinPolicy & {
  /** Which addresses HTTP targets may point at (VROUTER_HTTP_TARGET_ALLOW); default: https to public hosts only. */
  httpTargets?: AddressPolicy;
};

/** Names the router gives its own principals: a token under one of them would share their rate limit and audit trail. */
export const RESERVED_TOKEN_NAMES = ['admin', 'anonymous', 'bootstrap', 'router', 'system'] as const;

export type Tagged<T> = { value: T; etag: string };

/** `force: true` overrides a safety check and must say why; returns the reason to audit. */
function override(body: Body): { force: boolean; reason: string | undefined } {
  const force = body.force ?? false;
  if (typeof force !== 'boolean') throw new ValidationError('force', 'force must be true or false.');
  const reason = optionalText(body, 'reason', 1024);
  if (force && !reason) throw new ValidationError('reason', 'force needs a reason, for the audit log.');
  return { force, reason };
}

const TOKEN_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const DEFAULT_HTTP_TARGETS = new AddressPolicy();
/** The smallest positive share a percentage may give: finer than any customer population needs. */
const MIN_PERCENT = 0.0001;

/**
 * Admin operations: validate, check references and safety rules against the stored configuration (this router's
 * snapshot, caught up with the store's revision first), write
 * (honouring If-Match), audit, then reload this process's snapshot so its next event sees the change (other
 * routers see it within a poll). Throws VrouterError with a stable code for every refusal.
 */
export class AdminService {
  constructor(
    private readonly store: RoutingConfigStore,
    private readonly cache: SnapshotCache,
    private readonly audit: AuditLog,
    private readonly policy: AdminPolicy,
    private readonly notifier: ChangeNotifier = NO_NOTIFIER,
  ) {}

  /**
   * The configuration as stored now: this router's snapshot, brought up to date first (the revision, and the items
   * changed since, not the whole partition), so validating a change reads a few items however large the config is.
   */
  config(): Promise<RoutingSnapshot> {
    return this.cache.reload();
  }

  async routing(name: string, snapshot?: RoutingSnapshot): Promise<ComponentRouting> {
    const routing = (snapshot ?? (await this.config())).components.get(assertComponentName(name));
    if (!routing) throw new NotFoundError(`Component ${name}`);
    return routing;
  }

  async putComponent(name: string, input: unknown, ctx: ChangeContext): Promise<Tagged<Component>> {
    const body = only(object(input), ['description', 'subscriptions', 'chain', 'reason']);
    const component = assertComponentName(name);
    if (body.chain !== undefined && !CHAIN_MODES.includes(body.chain as ChainMode)) throw new ValidationError('chain', `chain must be one of ${CHAIN_MODES.join(', ')}.`);
    const chain = body.chain as ChainMode | undefined;
    const subscriptions = body.subscriptions ?? [];
    if (!Array.isArray(subscriptions) || subscriptions.length > 50)
      throw new ValidationError('subscriptions', 'subscriptions must be an array of at most 50 event types or patterns.');
    for (const [i, s] of subscriptions.entries()) assertSubscription(s, `subscriptions[${i}]`);
    const existing = (await this.config()).components.get(component)?.component;
    const now = new Date().toISOString();
    const description = optionalText(body, 'description', 1024);
    const record: Component = {
      name: component,
      subscriptions: [...new Set(subscriptions as string[])],
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      ...(description ? { description } : {}),
      ...(existing?.shadow ? { shadow: existing.shadow } : {}),
      ...(chain === 'resolve' ? { chain } : {}),
    };
    const written = await this.store.putComponent(record, ctx);
    await this.changed(ctx, 'component.put', { component }, written.before, record, optionalText(body, 'reason', 1024));
    return { value: { ...record, etag: written.etag }, etag: written.etag };
  }

  /**
   * Refused (VR_CONFLICT) while the component has versions or pins (live or expired): remove those first, so a
   * component never disappears with routes still pointing at it, and a later one of the same name starts clean.
   */
  async deleteComponent(name: string, ctx: ChangeContext & { reason?: string }): Promise<void> {
    const snapshot = await this.config();
    const routing = await this.routing(name, snapshot);
    assertComponentUnused(snapshot, routing.component.name);
    const before = await this.store.deleteComponent(routing.component.name, ctx);
    if (!before) throw new NotFoundError(`Component ${name}`);
    await this.changed(ctx, 'component.delete', { component: routing.component.name }, before, null, ctx.reason);
  }

  /** Mirrors a sticky `percent` of customers' live events to `version`, marked shadow; outcomes are kept apart. */
  async putShadow(componentName: string, input: unknown, ctx: ChangeContext): Promise<Tagged<Component>> {
    const body = only(object(input), ['version', 'percent', 'reason']);
    const routing = await this.routing(componentName);
    const version = assertVersionName(body.version);
    if (!routing.versions.has(version)) throw new VrouterError('VR_VERSION_UNKNOWN', `Version ${version} of ${componentName} is not registered.`, { field: 'version' });
    const percent = body.percent;
    // DynamoDB numbers stop at 1e-130: a positive share below MIN_PERCENT would fail in the store, not here.
    if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100 || (percent > 0 && percent < MIN_PERCENT)) {
      throw new ValidationError('percent', `percent must be 0 or a number from ${MIN_PERCENT} to 100.`);
    }
    const record: Component = { ...routing.component, shadow: { version, percent }, updatedAt: new Date().toISOString() };
    delete record.etag;
    const written = await this.store.putComponent(record, ctx);
    await this.changed(ctx, 'shadow.set', { component: record.name, subject: version }, written.before?.shadow ?? null, record.shadow, optionalText(body, 'reason', 1024));
    return { value: { ...record, etag: written.etag }, etag: written.etag };
  }

  async deleteShadow(componentName: string, ctx: ChangeContext & { reason?: string }): Promise<void> {
    const routing = await this.routing(componentName);
    if (!routing.component.shadow) throw new NotFoundError(`Shadow of ${componentName}`);
    const { shadow, etag: _etag, ...rest } = routing.component;
    await this.store.putComponent({ ...rest, updatedAt: new Date().toISOString() }, ctx);
    await this.changed(ctx, 'shadow.delete', { component: componentName, subject: shadow.version }, shadow, null, ctx.reason);
  }

  async putVersion(componentName: string, versionName: string, input: unknown, ctx: ChangeContext): Promise<Tagged<Version>> {
    const body = only(object(input), ['target', 'maxConcurrency', 'recordResponse', 'reason']);
    const recordResponse = body.recordResponse ?? false;
    if (typeof recordResponse !== 'boolean') throw new ValidationError('recordResponse', 'recordResponse must be true or false.');
    const routing = await this.routing(componentName);
    const maxConcurrency = body.maxConcurrency ?? undefined;
    if (maxConcurrency !== undefined && (typeof maxConcurrency !== 'number' || !Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 100_000)) {
      throw new ValidationError('maxConcurrency', 'maxConcurrency must be an integer from 1 to 100000 (in-flight dispatches per router process).');
    }
    const name = assertVersionName(versionName, 'version');
    const version: Version = {
      component: routing.component.name,
      name,
      target: parseTarget(body.target, this.policy.httpTargets ?? DEFAULT_HTTP_TARGETS),
      ...(maxConcurrency !== undefined ? { maxConcurrency: maxConcurrency as number } : {}),
      ...(recordResponse ? { recordResponse } : {}),
      registeredAt: routing.versions.get(name)?.registeredAt ?? new Date().toISOString(),
    };
    const written = await this.store.putVersion(version, ctx);
    await this.changed(ctx, 'version.put', { component: version.component, subject: name }, written.before, version, optionalText(body, 'reason', 1024));
    return { value: { ...version, etag: written.etag }, etag: written.etag };
  }

  /** Refused (VR_CONFLICT) while a channel or a live pin uses the version: events would lose their route. */
  async deleteVersion(componentName: string, versionName: string, ctx: ChangeContext & { reason?: string }): Promise<void> {
    const snapshot = await this.config();
    const routing = await this.routing(componentName, snapshot);
    if (!routing.versions.has(versionName)) throw new NotFoundError(`Version ${versionName} of ${componentName}`);
    assertVersionUnused(snapshot, componentName, versionName, Date.now());
    const before = await this.store.deleteVersion(componentName, versionName, ctx);
    await this.changed(ctx, 'version.delete', { component: componentName, subject: versionName }, before, null, ctx.reason);
  }

  async setChannel(componentName: string, channelName: string, input: unknown, ctx: ChangeContext): Promise<Tagged<ChannelPointer>> {
    const body = only(object(input), ['version', 'force', 'reason']);
    const channel = assertChannel(channelName);
    const version = assertVersionName(body.version);
    return this.pointChannel(componentName, channel, version, 'channel.set', override(body), ctx);
  }

  /** Points `channel` at the version that channel `from` points at now. */
  async promote(componentName: string, channelName: string, input: unknown, ctx: ChangeContext): Promise<Tagged<ChannelPointer>> {
    const body = only(object(input), ['from', 'force', 'reason']);
    const channel = assertChannel(channelName);
    const from = assertChannel(body.from, 'from');
    const routing = await this.routing(componentName);
    const version = channelTarget(routing, from, 'from');
    return this.pointChannel(componentName, channel, version, 'channel.promote', override(body), ctx);
  }

  /** Returns `channel` to the version it pointed at before its last move. */
  async rollback(componentName: string, channelName: string, input: unknown, ctx: ChangeContext): Promise<Tagged<ChannelPointer>> {
    const body = only(object(input), ['reason']);
    const channel = assertChannel(channelName);
    await this.routing(componentName);
    const pointer = await this.store.getChannel(componentName, channel);
    if (!pointer?.previousVersion) throw new VrouterError('VR_CONFLICT', `Channel ${channel} of ${componentName} has no previous version to roll back to.`);
    // Rolling back is the safe direction: it returns to a version that served this channel before.
    return this.pointChannel(componentName, channel, pointer.previousVersion, 'channel.rollback', { force: true, reason: optionalText(body, 'reason', 1024) }, ctx);
  }

  private async pointChannel(
    componentName: string,
    channel: ChannelName,
    version: string,
    action: AuditAction,
    safety: { force: boolean; reason: string | undefined },
    ctx: ChangeContext,
  ): Promise<Tagged<ChannelPointer>> {
    const snapshot = await this.config();
    const routing = await this.routing(componentName, snapshot);
    if (!routing.versions.has(version)) throw new VrouterError('VR_VERSION_UNKNOWN', `Version ${version} of ${componentName} is not registered.`, { field: 'version' });
    assertStableProven(snapshot, componentName, channel, version, safety.force);
    const written = await this.store.setChannel(componentName, channel, version, new Date().toISOString(), ctx);
    await this.changed(ctx, action, { component: componentName, subject: channel }, written.before, written.pointer, safety.reason, safety.force && action !== 'channel.rollback');
    return { value: written.pointer, etag: written.etag };
  }

  async putPin(scopeName: string, subjectName: string, componentName: string, input: unknown, ctx: ChangeContext): Promise<Tagged<Pin>> {
    const snapshot = await this.config();
    const { pin, forced } = this.validatePin(snapshot, scopeName, subjectName, componentName, input);
    const written = await this.store.putPin(pin, ctx);
    await this.changed(ctx, 'pin.set', { component: pin.component, subject: pin.subject, scope: pin.scope }, written.before, pin, pin.reason, forced);
    return { value: { ...pin, etag: written.etag }, etag: written.etag };
  }

  /**
   * Sets or removes many pins in one request. Every operation is validated first: if any is invalid, nothing is
   * written and the answer names each invalid one. Writes then go one by one (DynamoDB has no transaction of
   * this size); any that fails is named in `failed`, the rest are written and audited under one bulk id.
   */
  async bulkPins(input: unknown, ctx: ChangeContext): Promise<{ bulkId: string; written: number; removed: number; failed: { index: number; error: string }[] }> {
    const body = only(object(input), ['operations', 'reason', 'force']);
    const operations = body.operations;
    if (!Array.isArray(operations) || operations.length === 0 || operations.length > 1000) {
      throw new ValidationError('operations', 'operations must be an array of 1 to 1000 pin operations.');
    }
    const snapshot = await this.config();
    const invalid: { index: number; field?: string; code: string; detail: string }[] = [];
    const sets: { index: number; pin: Pin; forced: boolean }[] = [];
    const unsets: { index: number; scope: PinScope; subject: string; component: string }[] = [];
    const seen = new Set<string>();
    for (const [index, raw] of operations.entries()) {
      try {
        const op = only(object(raw), ['action', 'scope', 'subject', 'component', 'channel', 'version', 'expiresAt', 'reason', 'force']);
        const key = `${op.scope}/${op.subject}/${op.component}`;
        if (seen.has(key)) throw new ValidationError('operations', `Pin ${key} appears twice.`);
        seen.add(key);
        const { action, scope, subject, component, ...rest } = op;
        if (action === 'unset') {
          unsets.push({ index, scope: assertScope(scope), subject: assertSubject(subject), component: assertComponentName(component) });
        } else if (action === undefined || action === 'set') {
          const shared = { reason: body.reason, force: body.force, ...rest };
          sets.push({ index, ...this.validatePin(snapshot, scope, subject, component, shared) });
        } else {
          throw new ValidationError('action', 'action must be "set" or "unset".');
        }
      } catch (error) {
        if (!(error instanceof VrouterError)) throw error;
        invalid.push({ index, code: error.code, detail: error.message, ...(error.field ? { field: error.field } : {}) });
      }
    }
    if (invalid.length > 0) {
      throw new VrouterError('VR_VALIDATION', `${invalid.length} of ${operations.length} operations are invalid; nothing was written.`, {
        field: 'operations',
        details: { invalid },
      });
    }
    const bulkId = randomUUID();
    const failed: { index: number; error: string }[] = [];
    const entries: AuditEntry[] = [];
    const results = await this.store.putPins(sets.map((s) => s.pin));
    for (const [i, result] of results.entries()) {
      const { index, pin, forced } = sets[i]!;
      if (!result.ok) failed.push({ index, error: result.error });
      else entries.push(this.entry(ctx, 'pin.set', { component: pin.component, subject: pin.subject, scope: pin.scope }, result.written.before, pin, pin.reason, forced, bulkId));
    }
    let removed = 0;
    for (const u of unsets) {
      try {
        const before = await this.store.deletePin(u.scope, u.subject, u.component);
        if (before) removed += 1;
        entries.push(this.entry(ctx, 'pin.delete', { component: u.component, subject: u.subject, scope: u.scope }, before, null, body.reason as string | undefined, false, bulkId));
      } catch (error) {
        failed.push({ index: u.index, error: error instanceof Error ? error.message : String(error) });
      }
    }
    await this.audit.append(entries);
    await this.cache.reload();
    this.notifier.notify(entries);
    return { bulkId, written: results.filter((r) => r.ok).length, removed, failed: failed.sort((a, b) => a.index - b.index) };
  }

  private validatePin(snapshot: RoutingSnapshot, scopeName: unknown, subjectName: unknown, componentName: unknown, input: unknown): { pin: Pin; forced: boolean } {
    const body = only(object(input), ['channel', 'version', 'expiresAt', 'reason', 'force']);
    const scope = assertScope(scopeName);
    const subject = assertSubject(subjectName);
    const component = assertComponentName(componentName);
    const safety = override(body);
    const pin = pinFor(
      snapshot,
      {
        scope,
        subject,
        component,
        ...(body.channel !== undefined ? { channel: assertChannel(body.channel) } : {}),
        ...(body.version !== undefined ? { version: assertVersionName(body.version) } : {}),
        ...(body.expiresAt !== undefined && body.expiresAt !== null ? { expiresAt: assertTimestamp(body.expiresAt, 'expiresAt') } : {}),
        ...(safety.reason ? { reason: safety.reason } : {}),
        force: safety.force,
      },
      this.policy,
      Date.now(),
    );
    return { pin, forced: safety.force };
  }

  async deletePin(scopeName: string, subjectName: string, componentName: string, ctx: ChangeContext & { reason?: string }): Promise<void> {
    const scope = assertScope(scopeName);
    const subject = assertSubject(subjectName);
    const component = assertComponentName(componentName);
    const before = await this.store.deletePin(scope, subject, component, ctx);
    if (!before) throw new NotFoundError(`Pin ${scope}/${subject}/${component}`);
    await this.changed(ctx, 'pin.delete', { component, subject, scope }, before, null, ctx.reason);
  }

  async getPin(scopeName: string, subjectName: string, componentName: string): Promise<Pin> {
    const scope = assertScope(scopeName);
    const subject = assertSubject(subjectName);
    // From the store, not the snapshot: the answer carries the pin's etag for If-Match, which snapshots do not keep.
    const pin = await this.store.getPin(scope, subject, assertComponentName(componentName));
    if (!pin) throw new NotFoundError(`Pin ${scope}/${subject}/${componentName}`);
    return pin;
  }

  /** Pins as the snapshot holds them: without etags (getPin reads one with its etag). */
  async listPins(filter: { scope?: string; subject?: string; component?: string }): Promise<Pin[]> {
    const scope: PinScope | undefined = filter.scope ? assertScope(filter.scope) : undefined;
    const snapshot = await this.config();
    const candidates = filter.component ? SCOPES.flatMap((s) => [...(snapshot.pinsByComponent.get(filter.component!)?.[s].values() ?? [])]) : snapshot.pins.values();
    const pins = [...candidates].filter(
      (p) => (!scope || p.scope === scope) && (!filter.subject || p.subject === filter.subject) && (!filter.component || p.component === filter.component),
    );
    return pins.sort((a, b) => `${a.component}/${a.scope}/${a.subject}`.localeCompare(`${b.component}/${b.scope}/${b.subject}`));
  }

  /** Every recorded customer, by id. */
  async listCustomers(): Promise<Customer[]> {
    return [...(await this.config()).customers.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Every recorded project, by id. */
  async listProjects(): Promise<Project[]> {
    return [...(await this.config()).projects.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async putCustomer(customerId: string, input: unknown, ctx: ChangeContext): Promise<Tagged<Customer>> {
    const body = only(object(input), ['plan', 'reason']);
    const id = assertSubject(customerId, 'customer');
    const plan = body.plan === undefined || body.plan === null ? undefined : assertSubject(body.plan, 'plan');
    const customer: Customer = { id, ...(plan ? { plan } : {}) };
    const written = await this.store.putCustomer(customer, ctx);
    await this.changed(ctx, 'customer.put', { subject: id }, written.before, customer, optionalText(body, 'reason', 1024));
    return { value: { ...customer, etag: written.etag }, etag: written.etag };
  }

  async putProject(projectId: string, input: unknown, ctx: ChangeContext): Promise<Tagged<Project>> {
    const body = only(object(input), ['customer', 'reason']);
    const project: Project = { id: assertSubject(projectId, 'project'), customer: assertSubject(body.customer, 'customer') };
    const written = await this.store.putProject(project, ctx);
    await this.changed(ctx, 'project.put', { subject: project.id }, written.before, project, optionalText(body, 'reason', 1024));
    return { value: { ...project, etag: written.etag }, etag: written.etag };
  }

  /** Creates a named token and returns it once; only its SHA-256 is stored. */
  async createToken(input: unknown, ctx: ChangeContext): Promise<{ name: string; token: string; scopes: TokenScope[] }> {
    const body = only(object(input), ['name', 'scopes', 'reason']);
    if (typeof body.name !== 'string' || !TOKEN_NAME.test(body.name)) throw new ValidationError('name', `name must match ${TOKEN_NAME.source}.`);
    if ((RESERVED_TOKEN_NAMES as readonly string[]).includes(body.name)) {
      throw new ValidationError('name', `${body.name} is reserved: ${RESERVED_TOKEN_NAMES.join(', ')} name the router's own principals.`, 'VR_TOKEN_NAME_RESERVED');
    }
    const scopes = body.scopes;
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => TOKEN_SCOPES.includes(s as TokenScope))) {
      throw new ValidationError('scopes', `scopes must be a non-empty array of ${TOKEN_SCOPES.join(', ')}.`);
    }
    const token = `vr_${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = {
      name: body.name,
      hash: tokenHash(token),
      scopes: [...new Set(scopes as TokenScope[])],
      createdAt: new Date().toISOString(),
      createdBy: ctx.actor,
    };
    await this.store.createToken(record);
    await this.changed(ctx, 'token.create', { subject: record.name }, null, publicToken(record), optionalText(body, 'reason', 1024));
    return { name: record.name, token, scopes: record.scopes };
  }

  async listTokens(): Promise<ReturnType<typeof publicToken>[]> {
    return [...(await this.config()).tokensByHash.values()].map(publicToken).sort((a, b) => a.name.localeCompare(b.name));
  }

  async revokeToken(name: string, ctx: ChangeContext & { reason?: string }): Promise<void> {
    const before = await this.store.deleteToken(name);
    if (!before) throw new NotFoundError(`Token ${name}`);
    await this.changed(ctx, 'token.revoke', { subject: name }, publicToken(before), null, ctx.reason);
  }

  private entry(
    ctx: ChangeContext,
    action: AuditAction,
    about: { component?: string; subject?: string; scope?: PinScope },
    before: unknown,
    after: unknown,
    reason?: string,
    forced = false,
    bulkId?: string,
  ): AuditEntry {
    return {
      id: randomUUID(),
      at: new Date().toISOString(),
      actor: ctx.actor,
      ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
      action,
      ...about,
      before: before ?? null,
      after: after ?? null,
      ...(reason ? { reason } : {}),
      ...(forced ? { forced } : {}),
      ...(bulkId ? { bulkId } : {}),
    };
  }

  /** Audits a change (the entry's fields, as `entry` takes them) and reloads this router's snapshot. */
  private async changed(...fields: Parameters<AdminService['entry']>): Promise<void> {
    const entry = this.entry(...fields);
    await this.audit.append([entry]);
    await this.cache.reload();
    this.notifier.notify([entry]);
  }
}

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

function publicToken(record: TokenRecord): { name: string; scopes: TokenScope[]; createdAt: string; createdBy: string } {
  return { name: record.name, scopes: record.scopes, createdAt: record.createdAt, createdBy: record.createdBy };
}
