import { ApiError, ConnectionError } from './errors.js';
import type {
  AuditList,
  AuditQuery,
  ChannelName,
  ChannelPointer,
  Component,
  ComponentDetails,
  ComponentHealth,
  ComponentInput,
  ComponentList,
  CreatedToken,
  CustomerList,
  CustomerRecord,
  EventDetails,
  EventList,
  EventListQuery,
  EventPostAnswer,
  HealthQuery,
  OverrideCreated,
  OverrideInput,
  Pin,
  PinFilter,
  PinInput,
  PinList,
  PinScope,
  ProjectList,
  ProjectRecord,
  Replay,
  ReplayCreated,
  ReplayInput,
  ReplayList,
  ResolveAnswer,
  ResolveQuery,
  Rollout,
  RolloutInput,
  ShadowComparison,
  ShadowInput,
  SigningKeyRotateInput,
  SigningKeyRotated,
  Target,
  TokenInput,
  TokenList,
  Version,
} from '@vrouter/api';
import type { EventPostOptions, Override, Reason, RolloutManualAction } from './types.js';

export interface ClientOptions {
  /** Base URL of the router, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Bearer token; without one every `/v1` route answers 401. */
  token?: string;
  /** Defaults to the global fetch; tests and proxies may pass their own. */
  fetch?: typeof fetch;
  /** Abort a request that has not answered after this many milliseconds (default 30000). */
  timeoutMs?: number;
}

type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  query?: Query | undefined;
  body?: unknown;
  contentType?: string;
}

/** Encodes each path segment, so `/`, `?`, `#` and spaces in a name never change which route is called. */
const path = (...segments: string[]): string => `/${segments.map(encodeURIComponent).join('/')}`;

/**
 * A typed client for the Version Router v1 HTTP API (see API.md), one method per route.
 * Every method resolves to the decoded JSON answer (`undefined` for 204), and throws
 * `ApiError` for a non-2xx answer or `ConnectionError` when no HTTP answer came back.
 */
export class VrouterClient {
  readonly url: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  /** Throws TypeError when `url` is not an absolute http(s) URL. */
  constructor(options: ClientOptions) {
    const base = new URL(options.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`Not an http(s) URL: ${options.url}`);
    this.url = base.toString().replace(/\/+$/, '');
    this.#token = options.token || undefined;
    // Bound: browsers throw "Illegal invocation" when fetch is called as a method of something other than window.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Whether a token is configured (the token itself is never exposed). */
  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  readonly components = {
    list: (): Promise<ComponentList> => this.request('GET', '/v1/components'),
    get: (component: string): Promise<ComponentDetails> => this.request('GET', `/v1/components${path(component)}`),
    put: (component: string, input: ComponentInput): Promise<Component> => this.request('PUT', `/v1/components${path(component)}`, { body: input }),
    /** Refused with 409 while the component has versions or pins. */
    delete: (component: string, options: Reason = {}): Promise<void> =>
      this.request('DELETE', `/v1/components${path(component)}`, { query: { reason: options.reason ?? undefined } }),
  };

  readonly versions = {
    put: (component: string, version: string, target: Target | Record<string, unknown>, options: Reason = {}): Promise<Version> =>
      this.request('PUT', `/v1/components${path(component, 'versions', version)}`, { body: { target, ...options } }),
    /** Refused with 409 while a channel or live pin uses the version. */
    delete: (component: string, version: string): Promise<void> => this.request('DELETE', `/v1/components${path(component, 'versions', version)}`),
  };

  readonly channels = {
    set: (component: string, channel: ChannelName, version: string, options: Override = {}): Promise<ChannelPointer> =>
      this.request('PUT', `/v1/components${path(component, 'channels', channel)}`, { body: { version, ...options } }),
    /** Points `channel` at the version `from` points at now. */
    promote: (component: string, channel: ChannelName, from: ChannelName, options: Override = {}): Promise<ChannelPointer> =>
      this.request('POST', `/v1/components${path(component, 'channels', channel, 'promote')}`, { body: { from, ...options } }),
    /** Points `channel` back at its previous version. */
    rollback: (component: string, channel: ChannelName, options: Reason = {}): Promise<ChannelPointer> =>
      this.request('POST', `/v1/components${path(component, 'channels', channel, 'rollback')}`, { body: { ...options } }),
  };

  readonly pins = {
    list: (filter: PinFilter = {}): Promise<PinList> => this.request('GET', '/v1/pins', { query: { ...filter } }),
    set: (scope: PinScope, subject: string, component: string, input: PinInput): Promise<Pin> => this.request('PUT', `/v1/pins${path(scope, subject, component)}`, { body: input }),
    unset: (scope: PinScope, subject: string, component: string): Promise<void> => this.request('DELETE', `/v1/pins${path(scope, subject, component)}`),
  };

  readonly customers = {
    list: (): Promise<CustomerList> => this.request('GET', '/v1/customers'),
    put: (customer: string, input: { plan?: string } & Reason): Promise<CustomerRecord> => this.request('PUT', `/v1/customers${path(customer)}`, { body: input }),
  };

  readonly projects = {
    list: (): Promise<ProjectList> => this.request('GET', '/v1/projects'),
    put: (project: string, input: { customer: string } & Reason): Promise<ProjectRecord> => this.request('PUT', `/v1/projects${path(project)}`, { body: input }),
  };

  /** `GET /v1/resolve`: which version an event for this context would get now, and why. */
  resolve(query: ResolveQuery): Promise<ResolveAnswer> {
    return this.request('GET', '/v1/resolve', { query: { ...query } });
  }

  readonly events = {
    /** `GET /v1/events`: one row per (event, component), newest first unless `order: 'asc'`; follow `cursor` for more. */
    list: (query: EventListQuery = {}): Promise<EventList> => this.request('GET', '/v1/events', { query: { ...query } }),
    get: (source: string, id: string): Promise<EventDetails> => this.request('GET', `/v1/events${path(source, id)}`),
    /** One event (an object) or a batch (an array, sent as application/cloudevents-batch+json). */
    post: (event: Record<string, unknown> | Record<string, unknown>[], options: EventPostOptions = {}): Promise<EventPostAnswer> =>
      this.request('POST', '/v1/events', {
        query: { wait: options.wait ? 'true' : undefined },
        body: event,
        contentType: Array.isArray(event) ? 'application/cloudevents-batch+json' : 'application/cloudevents+json',
      }),
  };

  readonly replays = {
    /** Starts a replay (202), or with `dryRun` counts the selection and returns a sample, dispatching nothing. */
    create: (input: ReplayInput): Promise<ReplayCreated> => this.request('POST', '/v1/replays', { body: input }),
    /** Every replay, newest first. */
    list: (): Promise<ReplayList> => this.request('GET', '/v1/replays'),
    /** One replay: its state, counts and what remains. */
    get: (id: string): Promise<Replay> => this.request('GET', `/v1/replays${path(id)}`),
    /** Stops a running replay; refused with 409 when it is not running. */
    cancel: (id: string): Promise<Replay> => this.request('POST', `/v1/replays${path(id, 'cancel')}`),
  };

  readonly audit = {
    list: (query: AuditQuery = {}): Promise<AuditList> => this.request('GET', '/v1/audit', { query: { ...query } }),
  };

  readonly shadow = {
    set: (component: string, input: ShadowInput): Promise<Component> => this.request('PUT', `${path('v1', 'components', component)}/shadow`, { body: input }),
    unset: (component: string, reason?: string): Promise<void> => this.request('DELETE', `${path('v1', 'components', component)}/shadow`, { query: { reason } }),
    compare: (component: string, query: { from?: string; to?: string; limit?: string } = {}): Promise<ShadowComparison> =>
      this.request('GET', path('v1', 'shadow', component), { query }),
  };

  readonly health = {
    /** Terminal outcomes of live dispatches per version over `window` (`5m`, `1h` or `24h`; default `1h`). */
    versions: (query: HealthQuery): Promise<ComponentHealth> => this.request('GET', '/v1/health/versions', { query: { ...query } }),
  };

  readonly rollouts = {
    /** The current or last rollout of the component, with the candidate against the baseline. */
    get: (component: string): Promise<Rollout> => this.request('GET', `${path('v1', 'components', component)}/rollout`),
    /** Starts a gated rollout (refused while one runs or is paused). */
    start: (component: string, input: RolloutInput): Promise<Rollout> => this.request('PUT', `${path('v1', 'components', component)}/rollout`, { body: input }),
    /** `pause`, `resume`, `promote` (finish now) or `abort`, with an optional reason for the audit log. */
    act: (component: string, action: RolloutManualAction, reason?: string): Promise<Rollout> =>
      this.request('POST', `${path('v1', 'components', component)}/rollout/${action}`, { body: reason ? { reason } : {} }),
    pause: (component: string, reason?: string): Promise<Rollout> => this.rollouts.act(component, 'pause', reason),
    resume: (component: string, reason?: string): Promise<Rollout> => this.rollouts.act(component, 'resume', reason),
    promote: (component: string, reason?: string): Promise<Rollout> => this.rollouts.act(component, 'promote', reason),
    abort: (component: string, reason?: string): Promise<Rollout> => this.rollouts.act(component, 'abort', reason),
  };

  readonly overrides = {
    /** A signed per-event override token; events carrying it as `vrouteroverride` go to these versions. */
    create: (input: OverrideInput): Promise<OverrideCreated> => this.request('POST', '/v1/overrides', { body: input }),
    /** Replaces the key that signs override tokens and chain contexts; the previous one verifies for a grace period. */
    rotateKey: (input: SigningKeyRotateInput = {}): Promise<SigningKeyRotated> => this.request('POST', '/v1/signing-key/rotate', { body: input }),
  };

  readonly tokens = {
    /** The answer holds the token; it is shown this once. */
    create: (input: TokenInput): Promise<CreatedToken> => this.request('POST', '/v1/tokens', { body: input }),
    list: (): Promise<TokenList> => this.request('GET', '/v1/tokens'),
    revoke: (name: string): Promise<void> => this.request('DELETE', `/v1/tokens${path(name)}`),
  };

  /**
   * Sends one request to `route` (a path below the base URL, segments already encoded) and decodes the JSON answer.
   * Public for routes this client does not cover yet; throws like every other method.
   */
  async request<T>(method: string, route: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(`${this.url}${route}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const target = url.toString();
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(target, { method, headers, body, signal: AbortSignal.timeout(this.#timeoutMs) });
      text = await response.text();
    } catch (error) {
      throw new ConnectionError(target, error);
    }
    if (!response.ok) throw ApiError.fromBody(response.status, response.statusText, text);
    if (response.status === 204 || text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${method} ${target} answered ${response.status} with a body that is not JSON.`);
    }
  }
}
