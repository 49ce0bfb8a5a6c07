import {
  assertChannel,
  assertComponentName,
  assertScope,
  assertSubject,
  assertSubscription,
  assertTimestamp,
  assertVersionName,
  type ChannelName,
  type ChannelPointer,
  type Component,
  type ComponentRouting,
  NotFoundError,
  type Pin,
  type PinScope,
  parseTarget,
  type RoutingConfigStore,
  type RoutingSnapshot,
  type SnapshotCache,
  ValidationError,
  type Version,
  VrouterError,
} from '@vrouter/core';

type Body = Record<string, unknown>;

function object(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('body', 'The request body must be a JSON object.');
  return body as Body;
}

function optionalText(body: Body, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) throw new ValidationError(field, `${field} must be a string of at most ${max} characters.`);
  return value;
}

/**
 * Admin operations: validate, check references against the store's current configuration, write,
 * then reload this process's snapshot so its own next event sees the change (others see it within a poll).
 */
export class AdminService {
  constructor(
    private readonly store: RoutingConfigStore,
    private readonly cache: SnapshotCache,
  ) {}

  /** The configuration as stored now (a fresh read, not this process's cached snapshot). */
  config(): Promise<RoutingSnapshot> {
    return this.store.loadSnapshot();
  }

  async routing(name: string): Promise<ComponentRouting> {
    const routing = (await this.config()).components.get(assertComponentName(name));
    if (!routing) throw new NotFoundError(`Component ${name}`);
    return routing;
  }

  async putComponent(name: string, input: unknown): Promise<Component> {
    const body = object(input);
    const component = assertComponentName(name);
    const subscriptions = body.subscriptions ?? [];
    if (!Array.isArray(subscriptions) || subscriptions.length > 50) throw new ValidationError('subscriptions', 'subscriptions must be an array of at most 50 event types or patterns.');
    for (const [i, s] of subscriptions.entries()) assertSubscription(s, `subscriptions[${i}]`);
    const existing = (await this.config()).components.get(component)?.component;
    const now = new Date().toISOString();
    const record: Component = {
      name: component,
      subscriptions: [...new Set(subscriptions as string[])],
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      ...(optionalText(body, 'description', 1024) !== undefined ? { description: body.description as string } : {}),
    };
    await this.store.putComponent(record);
    await this.cache.reload();
    return record;
  }

  async putVersion(componentName: string, versionName: string, input: unknown): Promise<Version> {
    const body = object(input);
    const routing = await this.routing(componentName);
    const maxConcurrency = body.maxConcurrency ?? undefined;
    if (maxConcurrency !== undefined && (typeof maxConcurrency !== 'number' || !Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 100_000)) {
      throw new ValidationError('maxConcurrency', 'maxConcurrency must be an integer from 1 to 100000 (in-flight dispatches per router process).');
    }
    const version: Version = {
      component: routing.component.name,
      name: assertVersionName(versionName),
      target: parseTarget(body.target),
      ...(maxConcurrency !== undefined ? { maxConcurrency: maxConcurrency as number } : {}),
      registeredAt: routing.versions.get(versionName)?.registeredAt ?? new Date().toISOString(),
    };
    await this.store.putVersion(version);
    await this.cache.reload();
    return version;
  }

  async deleteVersion(componentName: string, versionName: string): Promise<void> {
    const snapshot = await this.config();
    const routing = snapshot.components.get(assertComponentName(componentName));
    if (!routing?.versions.has(versionName)) throw new NotFoundError(`Version ${versionName} of ${componentName}`);
    const channels = Object.entries(routing.channels).filter(([, v]) => v === versionName).map(([c]) => c);
    const now = Date.now();
    const pins = [...snapshot.pins.values()].filter(
      (p) => p.component === componentName && p.version === versionName && (p.expiresAt === undefined || Date.parse(p.expiresAt) > now),
    );
    if (channels.length > 0 || pins.length > 0) {
      throw new VrouterError('VR_CONFLICT', `Version ${versionName} is in use by ${channels.length} channel(s) and ${pins.length} live pin(s).`, {
        details: { channels, pins: pins.map(({ scope, subject }) => ({ scope, subject })) },
      });
    }
    await this.store.deleteVersion(componentName, versionName);
    await this.cache.reload();
  }

  async setChannel(componentName: string, channelName: string, input: unknown): Promise<ChannelPointer> {
    const body = object(input);
    const channel = assertChannel(channelName);
    const version = assertVersionName(body.version);
    return this.pointChannel(componentName, channel, version);
  }

  /** Points `channel` at the version that channel `from` points at now. */
  async promote(componentName: string, channelName: string, input: unknown): Promise<ChannelPointer> {
    const channel = assertChannel(channelName);
    const from = assertChannel(object(input).from, 'from');
    const routing = await this.routing(componentName);
    const version = routing.channels[from];
    if (!version) throw new VrouterError('VR_CHANNEL_EMPTY', `Channel ${from} of ${componentName} points at no version.`, { field: 'from' });
    return this.pointChannel(componentName, channel, version);
  }

  /** Returns `channel` to the version it pointed at before its last move. */
  async rollback(componentName: string, channelName: string): Promise<ChannelPointer> {
    const channel = assertChannel(channelName);
    await this.routing(componentName);
    const pointer = await this.store.getChannel(componentName, channel);
    if (!pointer?.previousVersion) throw new VrouterError('VR_CONFLICT', `Channel ${channel} of ${componentName} has no previous version to roll back to.`);
    return this.pointChannel(componentName, channel, pointer.previousVersion);
  }

  private async pointChannel(componentName: string, channel: ChannelName, version: string): Promise<ChannelPointer> {
    const routing = await this.routing(componentName);
    if (!routing.versions.has(version)) throw new VrouterError('VR_VERSION_UNKNOWN', `Version ${version} of ${componentName} is not registered.`, { field: 'version' });
    const pointer = await this.store.setChannel(componentName, channel, version, new Date().toISOString());
    await this.cache.reload();
    return pointer;
  }

  async putPin(scopeName: string, subjectName: string, componentName: string, input: unknown): Promise<Pin> {
    const body = object(input);
    const scope = assertScope(scopeName);
    const subject = assertSubject(subjectName);
    const routing = await this.routing(componentName);
    if ((body.channel === undefined) === (body.version === undefined)) throw new ValidationError('channel', 'Send exactly one of channel or version.');
    let target: { channel: ChannelName } | { version: string };
    if (body.channel !== undefined) {
      const channel = assertChannel(body.channel);
      if (!routing.channels[channel]) throw new VrouterError('VR_CHANNEL_EMPTY', `Channel ${channel} of ${componentName} points at no version.`, { field: 'channel' });
      target = { channel };
    } else {
      const version = assertVersionName(body.version);
      if (!routing.versions.has(version)) throw new VrouterError('VR_PIN_VERSION_UNKNOWN', `Version ${version} of ${componentName} is not registered.`, { field: 'version' });
      target = { version };
    }
    let expiresAt: string | undefined;
    if (body.expiresAt !== undefined && body.expiresAt !== null) {
      expiresAt = assertTimestamp(body.expiresAt, 'expiresAt');
      if (Date.parse(expiresAt) <= Date.now()) throw new ValidationError('expiresAt', 'expiresAt is in the past.');
    }
    const reason = optionalText(body, 'reason', 1024);
    const pin = { scope, subject, component: routing.component.name, ...target, createdAt: new Date().toISOString(), ...(expiresAt ? { expiresAt } : {}), ...(reason ? { reason } : {}) } as Pin;
    await this.store.putPin(pin);
    await this.cache.reload();
    return pin;
  }

  async deletePin(scopeName: string, subjectName: string, componentName: string): Promise<void> {
    const existed = await this.store.deletePin(assertScope(scopeName), assertSubject(subjectName), assertComponentName(componentName));
    if (!existed) throw new NotFoundError(`Pin ${scopeName}/${subjectName}/${componentName}`);
    await this.cache.reload();
  }

  async listPins(filter: { scope?: string; subject?: string; component?: string }): Promise<Pin[]> {
    const scope: PinScope | undefined = filter.scope ? assertScope(filter.scope) : undefined;
    const pins = [...(await this.config()).pins.values()].filter(
      (p) => (!scope || p.scope === scope) && (!filter.subject || p.subject === filter.subject) && (!filter.component || p.component === filter.component),
    );
    return pins.sort((a, b) => `${a.component}/${a.scope}/${a.subject}`.localeCompare(`${b.component}/${b.scope}/${b.subject}`));
  }

  async putCustomer(customerId: string, input: unknown): Promise<{ id: string; plan?: string }> {
    const body = object(input);
    const id = assertSubject(customerId, 'customer');
    const plan = body.plan === undefined || body.plan === null ? undefined : assertSubject(body.plan, 'plan');
    const customer = { id, ...(plan ? { plan } : {}) };
    await this.store.putCustomer(customer);
    await this.cache.reload();
    return customer;
  }

  async putProject(projectId: string, input: unknown): Promise<{ id: string; customer: string }> {
    const body = object(input);
    const project = { id: assertSubject(projectId, 'project'), customer: assertSubject(body.customer, 'customer') };
    await this.store.putProject(project);
    await this.cache.reload();
    return project;
  }
}
